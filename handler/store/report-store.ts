import type { Contribution } from '../reports/contribution';
import type { Level } from '../reports/segments';
import type { Tally } from '../reports/tally';
import type { AggregateDimension } from './report-layout';

/** One group of a bucket: its key (null: the sessions without one) and its tally. */
export type Group = readonly [string | null, Tally];

/** A record's contribution entering or leaving the quarter-hour of its end time. */
export interface ContributionChange {
  readonly action: string;
  /** The record's hash (query-index.ts): one contribution per current record. */
  readonly hash: string;
  readonly put?: { readonly contribution: Contribution; readonly versionId: string };
  readonly remove?: { readonly end: number; readonly versionId: string };
}

/**
 * The reports' aggregates. The stream consumer writes contributions, then counts the
 * buckets they touch again; a summary reads bucket tallies (and, at ragged range edges,
 * contributions). Every write is idempotent or conditional on a revision, so redelivered
 * and concurrent batches converge on the counts of the current records.
 */
export interface ReportStore {
  applyChange(change: ContributionChange): Promise<void>;
  /** Marks that a quarter-hour's contributions changed (after they did). */
  touchQuarter(action: string, quarterStart: number): Promise<void>;
  /** Counts an hour again from its contributions: its quarter (all) and hour (every dimension) buckets. */
  recountHour(action: string, hourStart: number): Promise<void>;
  /** Counts a UTC day again from its hour buckets. */
  recountDay(action: string, dayStart: number): Promise<void>;

  /** Buckets of one level with start in [from, to), by start. */
  buckets(
    action: string,
    dimension: AggregateDimension,
    level: Level,
    from: number,
    to: number,
  ): Promise<Map<number, Group[]>>;
  /** The contributions of one quarter-hour. */
  contributions(action: string, quarterStart: number): Promise<Contribution[]>;
}
