/**
 * What one session adds to the reports, taken from its current version: the groups it
 * falls in and its figures. Kept per session in the aggregate table, so that a bucket can
 * be counted again from its sessions (which a maximum needs when one leaves it). Its keys
 * are report keys (dimension-key.ts): bounded whatever was pushed.
 */
export interface Contribution {
  /** End time, Unix seconds: the bucket. */
  readonly end: number;
  readonly seat: string | null;
  readonly skillGroup: string | null;
  readonly status: string | null;
  /** AcceptTimestamp > 0. */
  readonly answered: boolean;
  /** AcceptTimestamp - StartTimestamp, answered sessions with a StartTimestamp only. */
  readonly wait: number | null;
  /** EndedTimestamp - AcceptTimestamp, answered sessions only. */
  readonly handle: number | null;
}
