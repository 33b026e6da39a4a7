/** What the receiver knows about one push besides the record itself. */
export interface Receipt {
  /** ISO 8601 time the receiver accepted the push. */
  readonly receivedAt: string;
  readonly action: string;
  /** The `version` query parameter; absent when TCCC sends none (voicemail). */
  readonly version?: string;
  /** The X-TCCC-PUSH-UUID header: one id per push, repeated on TCCC's retries. */
  readonly pushId?: string;
  /** The API Gateway request id, to find the push in the logs. */
  readonly requestId: string;
  /** Fields and values the schema does not document; present only when there are some. */
  readonly unknownFields?: readonly string[];
  readonly unknownValues?: readonly string[];
  /** How many more there were than the receipt lists (it keeps the first 100). */
  readonly unknownFieldsOmitted?: number;
  readonly unknownValuesOmitted?: number;
  /** When the push was replayed from the quarantine (receivedAt stays the original receipt). */
  readonly replayedAt?: string;
  /**
   * `pull`: not pushed, but backfilled by reconcile from TCCC's API (`pullApi`, receivedAt is
   * when; requestId is TCCC's). A pulled version never outranks a pushed one (version-rank.ts).
   */
  readonly source?: 'pull';
  readonly pullApi?: string;
}

import type { RecordBody } from '../push-types/record-body';

export type { RecordBody };

/**
 * One record to keep, as the push-type registry places it: the store knows nothing of any
 * one push type, only the session it belongs to, which record of that session it is, and
 * how its versions are ordered.
 */
export interface NewRecord {
  readonly sessionId: string;
  readonly action: string;
  /** Identifies the record among the session's records of its type, e.g. `1400000214` or `1400000214#rec-1`. */
  readonly naturalKey: string;
  /** Orders the record's versions (EndedTimestamp, Timestamp): the highest is current, ties go to the later receipt. */
  readonly ordering: number;
  readonly record: RecordBody;
  readonly receipt: Receipt;
  /** Extra top-level attributes of the current version only (query-index keys); never of older versions. */
  readonly indexAttributes?: Readonly<Record<string, string | number>>;
  /** When its retention ends (Unix seconds, retention.ts), stamped on each of its items; absent: kept forever. */
  readonly expiresAt?: number;
}

/** One version of a record, as stored and as the read routes answer it. */
export interface StoredRecord {
  readonly action: string;
  readonly record: RecordBody;
  readonly receipt: Receipt & {
    /** Content hash of the record: equal records are one version, however often pushed. */
    readonly versionId: string;
  };
}

/**
 * - `stored`: a new version that became the record's current version;
 * - `stored-older`: a new version kept, but a stored one ranks higher and stays current;
 * - `duplicate`: this exact record was already stored; nothing new was kept;
 * - `erased`: the record was erased (a tombstone holds its place); nothing was kept.
 */
export type SaveOutcome = 'stored' | 'stored-older' | 'duplicate' | 'erased';

/**
 * Writes records. `save` resolves only once the record is durable; it rejects with
 * StorageUnavailable (errors.ts) when the store failed, so the push can be refused and retried.
 */
export interface RecordWriter {
  save(record: NewRecord): Promise<SaveOutcome>;
}

/** The record store: what the push writes, and what the read routes and reports read back. */
export interface RecordStore extends RecordWriter {
  /** The current version of each record of the session, all types, or only `action`'s. */
  currentRecords(sessionId: string, action?: string): Promise<StoredRecord[]>;
  /** Every distinct version of each record of the session, lowest ordering first. */
  versions(sessionId: string, action?: string): Promise<StoredRecord[]>;
}
