import type { AggregateDimension } from '../store/report-layout';
import type { Group, ReportStore } from '../store/report-store';
import { QUARTER, quarterOf } from './buckets';
import type { Contribution } from './contribution';
import { groupContributions, mergeGroups } from './grouping';
import type { TimeGrouping } from './local-time';
import { LEVEL_SECONDS, type Level, type Piece, piecesOf, timeGroupsOf } from './segments';
import { emptyTally, type Figures, figuresOf, mergeInto, type Tally } from './tally';

export type GroupBy = TimeGrouping | 'seat' | 'skillGroup' | 'status';

export interface SummaryRequest {
  readonly fromSeconds: number;
  readonly toSeconds: number;
  readonly timeZone: string;
  readonly groupBy: GroupBy;
  readonly actions: readonly string[];
}

export interface Summary {
  from: string;
  to: string;
  tz: string;
  groupBy: GroupBy;
  totals: Figures;
  groups: Array<{ key: string | null } & Figures>;
}

/** One part of the answer: a group key (time buckets) or the whole range (other dimensions), and the pieces it is read from. */
interface Part {
  readonly key: string | null;
  readonly pieces: Piece[];
}

const isTime = (groupBy: GroupBy): groupBy is TimeGrouping => groupBy === 'hour' || groupBy === 'day';

/**
 * A summary from the aggregates: the range (or each local hour or day of it) is tiled with
 * the fewest stored buckets, read a partition at a time; only ragged edges finer than the
 * finest bucket are counted from the sessions' contributions (at most an hour at each end).
 */
export async function summarize(request: SummaryRequest, store: ReportStore): Promise<Summary> {
  const { fromSeconds: from, toSeconds: to, timeZone, groupBy } = request;
  const dimension: AggregateDimension = isTime(groupBy) ? 'all' : groupBy;
  const parts: Part[] = isTime(groupBy)
    ? timeGroupsOf(from, to, timeZone, groupBy).map(({ key, intervals }) => ({
        key,
        pieces: intervals.flatMap(([start, end]) => piecesOf(start, end, 'Q')),
      }))
    : [{ key: null, pieces: piecesOf(from, to, 'H') }];

  const pieces = parts.flatMap((part) => part.pieces);
  const perAction = await Promise.all(request.actions.map((action) => readPieces(store, action, dimension, pieces)));

  const groups = new Map<string | null, Tally>();
  for (const part of parts) {
    const tallies = new Map<string | null, Tally>();
    for (const read of perAction) {
      for (const piece of part.pieces) mergeGroups(tallies, read(piece));
    }
    if (isTime(groupBy)) {
      const total = emptyTally();
      for (const tally of tallies.values()) mergeInto(total, tally);
      groups.set(part.key, total);
    } else mergeGroups(groups, tallies);
  }
  const totals = emptyTally();
  for (const tally of groups.values()) mergeInto(totals, tally);
  const ordered = [...groups].sort(([a], [b]) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1));
  return {
    from: new Date(from * 1000).toISOString(),
    to: new Date(to * 1000).toISOString(),
    tz: timeZone,
    groupBy,
    totals: figuresOf(totals),
    groups: ordered.map(([key, tally]) => ({ key, ...figuresOf(tally) })),
  };
}

/** Reads every bucket and contribution the pieces need for one action; answers each piece's groups. */
async function readPieces(
  store: ReportStore,
  action: string,
  dimension: AggregateDimension,
  pieces: readonly Piece[],
): Promise<(piece: Piece) => Group[]> {
  const spans = new Map<Level, { low: number; high: number }>();
  const rawQuarters = new Set<number>();
  for (const piece of pieces) {
    if (piece.level === 'raw') {
      for (let q = quarterOf(piece.start); q < piece.end; q += QUARTER) rawQuarters.add(q);
      continue;
    }
    const span = spans.get(piece.level);
    spans.set(piece.level, {
      low: Math.min(span?.low ?? piece.start, piece.start),
      high: Math.max(span?.high ?? piece.start, piece.start),
    });
  }
  const [buckets, contributions] = await Promise.all([
    Promise.all(
      [...spans].map(async ([level, { low, high }]) => {
        const found = await store.buckets(action, dimension, level, low, high + LEVEL_SECONDS[level]);
        return [level, found] as const;
      }),
    ),
    Promise.all([...rawQuarters].map((quarter) => store.contributions(action, quarter))),
  ]);
  const byLevel = new Map(buckets);
  const sessions: Contribution[] = contributions.flat();
  return (piece) =>
    piece.level === 'raw'
      ? groupContributions(
          sessions.filter((session) => session.end >= piece.start && session.end < piece.end),
          dimension,
        )
      : (byLevel.get(piece.level)?.get(piece.start) ?? []);
}
