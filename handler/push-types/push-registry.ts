import type { SchemaName } from './generated/schemas';

/**
 * One TCCC push type: how TCCC's query names it, which schema its body follows, and
 * which fields identify and order its records. Adding a type is its schema under
 * schemas/ and one entry here; nothing else changes.
 */
export interface PushType {
  /** The `action` query parameter. */
  readonly action: string;
  /** Accepted `version` query parameters; `null` accepts a push without one. */
  readonly versions: ReadonlyArray<string | null>;
  readonly schema: SchemaName;
  /**
   * With SessionId, the fields that identify one record of this type; the schema requires
   * each. A session has one record per distinct value.
   */
  readonly naturalKey: readonly string[];
  /** The integer field that orders a record's versions and dates it (its end time). */
  readonly ordering: string;
  /** One record per session (a CDR), rather than a part of one (a recording): reports count these. */
  readonly sessionLevel: boolean;
}

export const PUSH_TYPES: readonly PushType[] = [
  // Voice call CDR: one per phone session.
  {
    action: 'cdr',
    versions: ['1'],
    schema: 'cdr.v1',
    naturalKey: ['SdkAppId'],
    ordering: 'EndedTimestamp',
    sessionLevel: true,
  },
  // One recording per recorded party: caller and agent sides share the SessionId.
  {
    action: 'record',
    versions: ['1'],
    schema: 'record.v1',
    naturalKey: ['SdkAppId', 'RecordId'],
    ordering: 'Timestamp',
    sessionLevel: false,
  },
  // IVR voicemail, sent without `version`. A session may hold several messages, and a
  // voicemail has no id of its own: the time it was recorded tells them apart.
  {
    action: 'voicemail',
    versions: [null, '1'],
    schema: 'voicemail.v1',
    naturalKey: ['SdkAppId', 'Timestamp'],
    ordering: 'Timestamp',
    sessionLevel: false,
  },
  // Online-chat CDR: one per chat session.
  {
    action: 'imcdr',
    versions: ['1'],
    schema: 'imcdr.v1',
    naturalKey: ['SdkAppId'],
    ordering: 'EndedTimestamp',
    sessionLevel: true,
  },
  // Video CDR: one per video session.
  {
    action: 'videoCdr',
    versions: ['1'],
    schema: 'video-cdr.v1',
    naturalKey: ['SdkAppId'],
    ordering: 'EndedTimestamp',
    sessionLevel: true,
  },
];

const BY_ACTION: ReadonlyMap<string, PushType> = new Map(PUSH_TYPES.map((type) => [type.action, type]));

export function pushTypeOf(action: string): PushType | undefined {
  return BY_ACTION.get(action);
}

/** The actions of the session-level records (one per session): what reports count. */
export const SESSION_ACTIONS: readonly string[] = PUSH_TYPES.filter((type) => type.sessionLevel).map(
  (type) => type.action,
);
