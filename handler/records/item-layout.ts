/**
 * How records sit in the table: partition key SessionId, sort key recordKey.
 * - `R#<action>#<naturalKey>`: a record's current version (one item per record, the only
 *   item a new record costs);
 * - `V#<action>#<naturalKey>#<versionId>`: the other versions, written only when a record
 *   gets a second, different version.
 * Each item holds `action`, `ordering`, the record as pushed under `record` and a `receipt`
 * map; the current version may also carry query-index attributes.
 */
export const SESSION_ID_ATTRIBUTE = 'SessionId';
export const RECORD_KEY_ATTRIBUTE = 'recordKey';

const CURRENT_PREFIX = 'R#';
const VERSION_PREFIX = 'V#';

/** Sort-key prefix of the current versions: of all types, of one type. */
export const currentKeyPrefix = (action?: string): string =>
  action === undefined ? CURRENT_PREFIX : `${CURRENT_PREFIX}${action}#`;
export const versionKeyPrefix = (action?: string): string =>
  action === undefined ? VERSION_PREFIX : `${VERSION_PREFIX}${action}#`;

export const currentRecordKey = (action: string, naturalKey: string): string =>
  `${CURRENT_PREFIX}${action}#${naturalKey}`;
export const versionRecordKey = (action: string, naturalKey: string, versionId: string): string =>
  `${VERSION_PREFIX}${action}#${naturalKey}#${versionId}`;

/**
 * An erased record's current item, its tombstone (docs/privacy.md): the keys, `action` and
 * `erasedAt`, nothing of the record. It answers a later push of that record "ok: erased"
 * (the push's conditional write meets it), and every reader passes over it.
 */
export const ERASED_AT_ATTRIBUTE = 'erasedAt';
export const isTombstone = (item: Record<string, unknown>): boolean => item[ERASED_AT_ATTRIBUTE] !== undefined;

/** When DynamoDB's TTL deletes the item (Unix seconds): a record's retention (retention.ts). */
export const EXPIRES_AT_ATTRIBUTE = 'expiresAt';
