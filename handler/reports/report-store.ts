import type { Contribution } from './contribution';
import type { View } from './views';

/** A session's contribution as stored: with the record it comes from and the version it was taken from. */
export interface StoredContribution {
  readonly action: string;
  /** The record's hash (store/query-index.ts): one contribution per current record. */
  readonly hash: string;
  readonly sessionId: string;
  readonly recordKey: string;
  readonly versionId: string;
  readonly contribution: Contribution;
}

/** Where a day's rollup is, and which revision of the day it counted. */
export interface Rollup {
  readonly rev: number;
  readonly token: string;
  /** Items per view: a reader that finds fewer caught the rollup being replaced. */
  readonly chunks: Readonly<Record<View, number>>;
}

/** A UTC day of one push type: its revision (bumped after each change) and its rollup, if any. */
export interface DayState {
  readonly rev: number;
  readonly rollup?: Rollup;
}

/**
 * The reports' aggregates (handler/reports/README.md): per-session contributions, per-day
 * revisions and per-day rollups. Every write is idempotent or conditional, so redelivered
 * and concurrent batches converge on the counts of the current records.
 */
export interface ReportStore {
  /**
   * Puts a contribution (putting it twice is putting it once). With `replacing`, only over
   * that version's contribution (null: only where there is none); answers whether it was put.
   */
  putContribution(entry: StoredContribution, replacing?: string | null): Promise<boolean>;
  /** Removes a contribution only if it is still that version's: a replayed old change must not remove a newer one. */
  removeContribution(action: string, hash: string, end: number, versionId: string): Promise<void>;
  /** Marks that a day's contributions changed (after they did). */
  bumpDay(action: string, dayStart: number): Promise<void>;
  dayStates(action: string, dayStarts: readonly number[], consistent: boolean): Promise<Map<number, DayState>>;
  /** The contributions ending in [from, to), which lies within one UTC day. */
  contributions(action: string, from: number, to: number, consistent: boolean): Promise<StoredContribution[]>;

  /** Writes a rollup's chunks under a new token (not yet visible). */
  writeRollup(action: string, dayStart: number, token: string, views: ReadonlyMap<View, string[]>): Promise<void>;
  /**
   * Makes a rollup the day's, if the day is still at `rollup.rev` and had no newer rollup:
   * answers the token it replaced (null when none), or false when it was not made current.
   */
  pointRollup(action: string, dayStart: number, rollup: Rollup): Promise<string | null | false>;
  deleteRollup(action: string, dayStart: number, token: string): Promise<void>;
  /** A view's chunks of a rollup. */
  rollupChunks(action: string, dayStart: number, token: string, view: View): Promise<string[]>;
  /**
   * A view's chunks of several days' rollups at once, by the keys their states name (batched
   * reads, not a query a day): per day, the chunks found, in order.
   */
  rollupChunksOf(
    action: string,
    view: View,
    days: ReadonlyArray<{ readonly dayStart: number; readonly rollup: Rollup }>,
  ): Promise<Map<number, string[]>>;
}
