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
