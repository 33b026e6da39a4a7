import type { Item } from '../aws/dynamodb';
import { DAY } from '../common/utc-buckets';
import type { Rollup, StoredContribution } from './report-store';
import type { View } from './views';

/**
 * How the report table holds the aggregates (handler/reports/README.md). Partition key `pk`,
 * sort key `sk`; every item is bounded whatever is pushed.
 * - `C#<action>#<UTC day start>` / `<end, 12 digits>#<record hash>`: one session's
 *   contribution (its report keys and figures, the version it was taken from, the record's key).
 * - `C#<action>#<UTC day start>` / `#day`: the day's state: `rev`, bumped after every change
 *   to its contributions; and, once the day is rolled up, `rolled` (the rev the rollup counted),
 *   `token` (where the rollup is) and `chunks` (how many items each view has).
 * - `U#<action>#<UTC day start>#<token>` / `<view>#<chunk, 4 digits>`: the rollup of a day,
 *   one view per time or dimension, in chunks of bounded rows (rollup-rows.ts). A new rollup
 *   goes to a new token and is never overwritten, so a reader sees one whole rollup or none.
 */
export const PK = 'pk';

/**
 * The largest item the report table can hold, whatever is pushed (tests/reports/bounded-items
 * proves it over hostile values). A rollup chunk is the largest: at most CHUNK_BYTES (32 KiB)
 * of rows plus its keys. A contribution holds three report keys of at most 256 UTF-16 units
 * each (dimension-key.ts; JSON-escaped at most 6 bytes a unit), a SessionId of at most 256
 * characters (the schemas), and a few numbers: under 7 KiB.
 */
export const MAX_REPORT_ITEM_BYTES = 33 * 1024;
export const SK = 'sk';
export const DAY_STATE_SK = '#day';

const END_DIGITS = 12;
const pad = (seconds: number) => String(seconds).padStart(END_DIGITS, '0');
export const dayStartOf = (seconds: number) => Math.floor(seconds / DAY) * DAY;

export const contributionPartition = (action: string, dayStart: number) => `C#${action}#${dayStart}`;
export const contributionSortKey = (end: number, hash: string) => `${pad(end)}#${hash}`;
/** The sort keys of the contributions ending in [from, to) of one day (to > from). */
export const contributionSortRange = (from: number, to: number) => ({ low: pad(from), high: `${pad(to - 1)}#~` });

export const dayStateKey = (action: string, dayStart: number): Item => ({
  [PK]: { S: contributionPartition(action, dayStart) },
  [SK]: { S: DAY_STATE_SK },
});

export const rollupPartition = (action: string, dayStart: number, token: string) => `U#${action}#${dayStart}#${token}`;
export const rollupSortKey = (view: View, chunk: number) => `${view}#${String(chunk).padStart(4, '0')}`;

/** A contribution's item. */
export const contributionItem = ({
  action,
  hash,
  sessionId,
  recordKey,
  versionId,
  contribution,
}: StoredContribution): Item => ({
  [PK]: { S: contributionPartition(action, dayStartOf(contribution.end)) },
  [SK]: { S: contributionSortKey(contribution.end, hash) },
  c: { S: JSON.stringify(contribution) },
  v: { S: versionId },
  s: { S: sessionId },
  k: { S: recordKey },
});

/** A rollup's items: each view's chunks. */
export const rollupItems = (
  action: string,
  dayStart: number,
  token: string,
  views: ReadonlyMap<View, string[]>,
): Item[] =>
  [...views].flatMap(([view, chunks]) =>
    chunks.map((rows, chunk) => ({
      [PK]: { S: rollupPartition(action, dayStart, token) },
      [SK]: { S: rollupSortKey(view, chunk) },
      r: { S: rows },
    })),
  );

/** A rollup's pointer, as the day's state holds it. */
export const rollupPointer = (rollup: Rollup): Item => ({
  rolled: { N: String(rollup.rev) },
  token: { S: rollup.token },
  chunks: { M: Object.fromEntries(Object.entries(rollup.chunks).map(([view, count]) => [view, { N: String(count) }])) },
});
