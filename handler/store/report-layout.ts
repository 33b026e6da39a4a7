import type { Level } from '../reports/segments';

/**
 * How the report table holds the aggregates (handler/reports/README.md). Partition key `pk`,
 * sort key `sk`:
 * - `C#<action>#<quarter start>` / `<record hash>`: one session's contribution, in the UTC
 *   quarter-hour of its end time; `#rev` in the same partition counts the changes to it.
 * - `A#<action>#<dimension>#<level>#<period>` / `<bucket start>`: the tallies of one bucket
 *   (level Q, H or D: UTC quarter-hour, hour, day), per group of the dimension (`all`,
 *   `seat`, `skillGroup`, `status`), as JSON, with the revision they were counted at.
 *   A partition holds a UTC day of quarters, a month of hours, a year of days.
 */
export const PK = 'pk';
export const SK = 'sk';
export const REVISION_SK = '#rev';

export type AggregateDimension = 'all' | 'seat' | 'skillGroup' | 'status';

const pad = (seconds: number): string => String(seconds).padStart(12, '0');
export const bucketSortKey = pad;

export const contributionPartition = (action: string, quarterStart: number): string => `C#${action}#${quarterStart}`;

function periodOf(level: Level, bucketStart: number): string {
  const iso = new Date(bucketStart * 1000).toISOString();
  return level === 'Q' ? iso.slice(0, 10) : level === 'H' ? iso.slice(0, 7) : iso.slice(0, 4);
}

export const aggregatePartition = (action: string, dimension: AggregateDimension, level: Level, bucketStart: number) =>
  `A#${action}#${dimension}#${level}#${periodOf(level, bucketStart)}`;
