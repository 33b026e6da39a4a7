/**
 * Names the store adds to a record's item. TCCC names its fields in PascalCase; ours
 * start lower-case, and a pushed record may not use them (see decode/storable.ts).
 */
export const RECORD_KEY_ATTRIBUTE = 'recordKey';
export const RECEIPT_ATTRIBUTE = 'receipt';
export const RESERVED_ATTRIBUTES: readonly string[] = [RECORD_KEY_ATTRIBUTE, RECEIPT_ATTRIBUTE];

export const CURRENT_RECORD_KEY = 'CURRENT';
export const VERSION_KEY_PREFIX = 'VERSION#';

/** Zero-padded so that versions sort by EndedTimestamp in a Query. */
export function versionRecordKey(endedTimestamp: number, versionId: string): string {
  return `${VERSION_KEY_PREFIX}${String(endedTimestamp).padStart(16, '0')}#${versionId}`;
}
