import { type Group, type Groups, mergeGroups } from './grouping';
import { emptyTally } from './tally';

/**
 * How a day's rollup holds its groups (handler/reports/README.md): as rows, each bounded,
 * packed into chunks of at most CHUNK_BYTES. A group is one figures row
 * `[key, sessions, answered, waitSum, waitCount, waitMax, handleSum, handleCount]` and one
 * row per status it counted, `[key, status, count]`. A key is bounded (dimension-key.ts),
 * so a row is too, and no stored item grows with the number of agents, skill groups or
 * statuses: more of them make more rows and more chunks, never a bigger one.
 */
export const CHUNK_BYTES = 32 * 1024;

type FiguresRow = [string | null, number, number, number, number, number | null, number, number];
type StatusRow = [string | null, string, number];
export type Row = FiguresRow | StatusRow;

export function* rowsOf(groups: Iterable<Group>): Generator<Row> {
  for (const [key, t] of groups) {
    yield [key, t.sessions, t.answered, t.waitSum, t.waitCount, t.waitMax, t.handleSum, t.handleCount];
    for (const [status, count] of t.byStatus) yield [key, status, count];
  }
}

/** Rows packed into JSON arrays of at most CHUNK_BYTES (UTF-8) each, whole rows only. */
export function chunksOf(rows: Iterable<Row>): string[] {
  const chunks: string[] = [];
  let parts: string[] = [];
  let bytes = 2;
  for (const row of rows) {
    const json = JSON.stringify(row);
    const size = Buffer.byteLength(json) + 1;
    if (parts.length > 0 && bytes + size > CHUNK_BYTES) {
      chunks.push(`[${parts.join(',')}]`);
      parts = [];
      bytes = 2;
    }
    parts.push(json);
    bytes += size;
  }
  if (parts.length > 0) chunks.push(`[${parts.join(',')}]`);
  return chunks;
}

/** The groups a view's chunks hold, merged into `into`. */
export function addChunks(into: Groups, chunks: Iterable<string>): void {
  for (const chunk of chunks) {
    for (const row of JSON.parse(chunk) as Row[]) {
      const tally = emptyTally();
      if (row.length === 3) tally.byStatus.set(row[1], row[2]);
      else {
        [
          ,
          tally.sessions,
          tally.answered,
          tally.waitSum,
          tally.waitCount,
          tally.waitMax,
          tally.handleSum,
          tally.handleCount,
        ] = row;
      }
      mergeGroups(into, [[row[0], tally]]);
    }
  }
}
