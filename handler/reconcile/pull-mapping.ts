import type { KnownShape } from '../push-types/known-shape';

/**
 * From TCCC's pull records (TelCdrInfo) to the push's shape (../shared/tccc-pull-apis.md §5, §6).
 * The result is checked by the push's own schema afterwards (decodeRecord); this only moves fields.
 *
 * cdr: the fields the cdr schema documents, as pulled (same names, same meaning), plus SdkAppId,
 * which the pull has only as a request parameter. `UUI` is the push's `Uui`. Pull-only fields
 * (Time, EndStatus, Protected*, Asr*, Voicemail*URL, SysHangupReason*, ...) are left out: the
 * push does not carry them, and a backfilled record should look like the push it stands in for.
 * Fields TCCC returns as null are left out (the push omits what it lacks).
 *
 * record: one per recording the call lists: the user side (root RecordId/RecordURL, EndpointUser
 * the caller of an inbound call, the callee of an outbound one) and each agent leg
 * (ServeParticipants[i].RecordId/RecordURL, EndpointUser the agent's Mail). The pull has no
 * recording time: Timestamp is the leg's end (the call's for the user side), so the recording
 * dates with its call. A recording without RecordId or RecordURL cannot be stored and is skipped.
 */
export type PullRecord = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const seconds = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;

export function cdrOfTelCdr(info: PullRecord, sdkAppId: number, shape: KnownShape): PullRecord {
  const documented = shape.properties ?? {};
  const cdr: PullRecord = { SdkAppId: sdkAppId };
  for (const [name, value] of Object.entries(info)) {
    if (value === null || value === undefined) continue;
    if (name === 'UUI' && !Object.hasOwn(documented, 'UUI')) {
      if (info.Uui === undefined || info.Uui === null || info.Uui === '') cdr.Uui = value;
    } else if (Object.hasOwn(documented, name) && name !== 'SdkAppId') cdr[name] = value;
  }
  return cdr;
}

export function recordingsOfTelCdr(info: PullRecord, sdkAppId: number): PullRecord[] {
  const sessionId = text(info.SessionId);
  const callEnd = seconds(info.EndedTimestamp);
  if (sessionId === undefined) return [];
  const recordings: PullRecord[] = [];
  const add = (source: PullRecord, endpointUser: string | undefined, timestamp: number | undefined) => {
    const recordId = text(source.RecordId);
    const url = text(source.RecordURL);
    if (recordId === undefined || url === undefined || timestamp === undefined) return;
    const custom = text(source.CustomRecordURL);
    recordings.push({
      SdkAppId: sdkAppId,
      RecordId: recordId,
      SessionId: sessionId,
      Timestamp: timestamp,
      ...(endpointUser !== undefined && { EndpointUser: endpointUser }),
      RecordURL: url,
      ...(custom !== undefined && { CustomRecordURL: custom }),
    });
  };
  const user = info.Direction === 1 ? info.Callee : info.Caller;
  add(info, text(user), callEnd);
  const legs = Array.isArray(info.ServeParticipants) ? info.ServeParticipants : [];
  for (const leg of legs) {
    if (typeof leg !== 'object' || leg === null) continue;
    const participant = leg as PullRecord;
    add(participant, text(participant.Mail), seconds(participant.EndedTimestamp) ?? callEnd);
  }
  return recordings;
}
