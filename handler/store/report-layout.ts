import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Contribution } from '../reports/contribution';
import { groupsToJson } from '../reports/grouping';
import type { Level } from '../reports/segments';
import type { Group } from './report-store';

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

/** Every hour and day bucket is counted for each of these; quarters for `all` only. */
export const AGGREGATE_DIMENSIONS = ['all', 'seat', 'skillGroup', 'status'] as const;
export type AggregateDimension = (typeof AGGREGATE_DIMENSIONS)[number];

export type Item = Record<string, AttributeValue>;

const pad = (seconds: number): string => String(seconds).padStart(12, '0');
export const bucketSortKey = pad;

export const contributionPartition = (action: string, quarterStart: number): string => `C#${action}#${quarterStart}`;

function periodOf(level: Level, bucketStart: number): string {
  const iso = new Date(bucketStart * 1000).toISOString();
  return level === 'Q' ? iso.slice(0, 10) : level === 'H' ? iso.slice(0, 7) : iso.slice(0, 4);
}

export const aggregatePartition = (action: string, dimension: AggregateDimension, level: Level, bucketStart: number) =>
  `A#${action}#${dimension}#${level}#${periodOf(level, bucketStart)}`;

/** The key of a quarter's revision, which counts the changes to its contributions. */
export const revisionKey = (action: string, quarterStart: number): Item => ({
  [PK]: { S: contributionPartition(action, quarterStart) },
  [SK]: { S: REVISION_SK },
});

/** One session's contribution in its quarter, keyed by the record's hash, with the version it was taken from. */
export const contributionItem = (
  action: string,
  quarterStart: number,
  hash: string,
  contribution: Contribution,
  versionId: string,
): Item => ({
  [PK]: { S: contributionPartition(action, quarterStart) },
  [SK]: { S: hash },
  c: { S: JSON.stringify(contribution) },
  v: { S: versionId },
});

/** One bucket's groups, with the revision they were counted at. */
export const bucketItem = (
  action: string,
  dimension: AggregateDimension,
  level: Level,
  start: number,
  revision: number,
  groups: readonly Group[],
): Item => ({
  [PK]: { S: aggregatePartition(action, dimension, level, start) },
  [SK]: { S: bucketSortKey(start) },
  rev: { N: String(revision) },
  g: { S: groupsToJson(groups) },
});
