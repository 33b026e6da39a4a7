import type { VideoCdrV1 } from '../decode/generated/video-cdr-v1';

/** What the receiver knows about one push besides the record itself. */
export interface Receipt {
  /** ISO 8601 time the receiver accepted the push. */
  readonly receivedAt: string;
  readonly action: string;
  readonly version: string;
  /** The X-TCCC-PUSH-UUID header: one id per push, repeated on TCCC's retries. */
  readonly pushId?: string;
  /** The API Gateway request id, to find the push in the logs. */
  readonly requestId: string;
  /** Fields and values the schema does not document; present only when there are some. */
  readonly unknownFields?: readonly string[];
  readonly unknownValues?: readonly string[];
  /** When the push was replayed from the quarantine (receivedAt stays the original receipt). */
  readonly replayedAt?: string;
}

/** One version of a session's record, as stored. */
export interface StoredCdr {
  readonly record: VideoCdrV1;
  readonly receipt: Receipt & {
    /** Content hash of the record: equal records are one version, however often pushed. */
    readonly versionId: string;
  };
}

/**
 * - `stored`: a new version that became the session's current record;
 * - `stored-older`: a new version kept, but an already stored one ended later and stays current;
 * - `duplicate`: this exact record was already stored; nothing was written.
 */
export type SaveOutcome = 'stored' | 'stored-older' | 'duplicate';

/**
 * The record store. `save` resolves only once the record is durable; it rejects with
 * StorageUnavailable when the store failed, so the push can be refused and retried.
 */
export interface CdrStore {
  save(record: VideoCdrV1, receipt: Receipt): Promise<SaveOutcome>;
  /** The session's current record: the version with the latest EndedTimestamp (ties: the later receipt). */
  getCurrent(sessionId: string): Promise<StoredCdr | undefined>;
  /** Every distinct version of the session's record, oldest EndedTimestamp first. */
  listVersions(sessionId: string): Promise<StoredCdr[]>;
}

export class StorageUnavailable extends Error {
  override readonly name = 'StorageUnavailable';
}
