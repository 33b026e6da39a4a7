import { currentKeyPrefix, currentRecordKey } from '../records/item-layout';
import { keyId, type StoredKeys } from './stored-keys';

/**
 * A cheap signal that needs no TCCC API: sessions whose recording (`record`) arrived but whose
 * call record (`cdr`) did not, `delaySeconds` after the recording. TCCC pushes both at the end
 * of a call; a recording alone means the cdr push was lost (or is late). Read from the index,
 * keys only, then the cdr keys in bulk (StoredKeys).
 */
export interface RecordWithoutCdr {
  readonly sessionId: string;
  readonly sdkAppId: string;
  /** The recording's Timestamp. */
  readonly at: number;
}

/** `R#record#<SdkAppId>#<RecordId>` -> SdkAppId. */
function sdkAppIdOf(recordKey: string): string | undefined {
  const rest = recordKey.slice(currentKeyPrefix('record').length);
  const cut = rest.indexOf('#');
  return cut > 0 ? rest.slice(0, cut) : undefined;
}

export async function recordsWithoutCdr(
  storedKeys: StoredKeys,
  window: { from: number; to: number },
  delaySeconds: number,
  nowSeconds: number,
): Promise<RecordWithoutCdr[]> {
  const to = Math.min(window.to, nowSeconds - delaySeconds);
  if (to < window.from) return [];
  const sessions = new Map<string, RecordWithoutCdr>();
  for (const { sessionId, recordKey, ordering } of await storedKeys.indexed('record', window.from, to)) {
    const sdkAppId = sdkAppIdOf(recordKey);
    const id = `${sessionId}#${sdkAppId}`;
    if (sdkAppId !== undefined && !sessions.has(id)) sessions.set(id, { sessionId, sdkAppId, at: ordering });
  }
  const cdrKeyOf = ({ sessionId, sdkAppId, at }: RecordWithoutCdr) => ({
    sessionId,
    recordKey: currentRecordKey('cdr', sdkAppId),
    action: 'cdr',
    ordering: at,
  });
  const withCdr = await storedKeys.present([...sessions.values()].map(cdrKeyOf));
  return [...sessions.values()].filter((session) => !withCdr.has(keyId(cdrKeyOf(session))));
}
