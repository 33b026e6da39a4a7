import type { ImCdrInfo, TelCdrInfo } from './tccc-api-stand-in';

/**
 * A day of one SdkAppId's contact centre, twice: as TCCC's pull APIs list it (TelCdrInfo,
 * IMCdrInfo, with their pull-only fields and quirks) and as TCCC pushed it (cdr, record,
 * imcdr bodies). Deterministic: session i of a day is always the same.
 */
export interface DayPushes {
  readonly sessionId: string;
  readonly cdr?: Record<string, unknown>;
  readonly records: Array<Record<string, unknown>>;
  readonly imcdr?: Record<string, unknown>;
}

export interface TcccDay {
  readonly telCdrs: TelCdrInfo[];
  readonly imCdrs: ImCdrInfo[];
  /** Per call, then per chat, in the order generated. */
  readonly calls: DayPushes[];
  readonly chats: DayPushes[];
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** A UUID-shaped, deterministic SessionId. */
export const sessionIdOf = (kind: number, day: number, i: number) =>
  `${hex(day % 0xffffffff, 8)}-${hex(kind, 4)}-4000-8000-${hex(i, 12)}`;

export function tcccDay({
  day,
  sdkAppId,
  calls,
  chats,
}: {
  /** First second of the day (UTC). */
  day: number;
  sdkAppId: number;
  calls: number;
  chats: number;
}): TcccDay {
  const day0: TcccDay = { telCdrs: [], imCdrs: [], calls: [], chats: [] };
  for (let i = 0; i < calls; i++) {
    const sessionId = sessionIdOf(sdkAppId % 0xffff, day, i);
    const start = day + Math.floor((i * 86_000) / Math.max(1, calls));
    const answered = i % 5 !== 4;
    const inbound = i % 3 !== 2;
    const accept = answered ? start + 20 : 0;
    const ended = answered ? accept + 60 + (i % 7) * 30 : start + 45;
    const caller = inbound ? `0086138${hex(i, 8)}` : `0086010${hex(sdkAppId % 1000, 8)}`;
    const callee = inbound ? `0086010${hex(sdkAppId % 1000, 8)}` : `0086139${hex(i, 8)}`;
    const agent = `agent${i % 4}@example.com`;
    const status = answered ? 'ok' : 'waitingGiveUp';
    const userRecord = answered ? `rec-u-${sdkAppId}-${i}` : '';
    const agentRecord = answered ? `rec-a-${sdkAppId}-${i}` : '';
    const leg = {
      Mail: agent,
      Phone: '',
      Type: 'staffSeat',
      Sequence: 0,
      StartTimestamp: start + 10,
      RingTimestamp: start + 12,
      AcceptTimestamp: accept,
      EndedTimestamp: ended,
      SkillGroupId: 1001,
      SkillGroupName: 'sales',
      EndStatusString: status,
    };
    const shared = {
      SessionId: sessionId,
      Caller: caller,
      Callee: callee,
      Direction: inbound ? 0 : 1,
      CallType: inbound ? 2 : 1,
      StartTimestamp: start,
      RingTimestamp: start + 12,
      AcceptTimestamp: accept,
      EndedTimestamp: ended,
      Duration: answered ? ended - accept : 0,
      EndStatusString: status,
      HungUpSide: 'user',
      QueuedSkillGroupId: 1001,
      QueuedSkillGroupName: 'sales',
      SeatUser: { Mail: agent, Name: `Agent ${i % 4}`, UserId: agent, StaffNumber: String(i % 4) },
      ...(answered && { RecordId: userRecord }),
    };
    day0.telCdrs.push({
      ...shared,
      Time: start,
      EndStatus: answered ? 1 : 103,
      ProtectedCaller: '',
      ProtectedCallee: '',
      // A pull recording link is TCCC's, authenticated and expiring; a push's is COS's.
      RecordURL: answered ? `https://tccc.qcloud.com/tcccadmin/getRecord/${userRecord}.mp3` : '',
      SeatUser: { ...shared.SeatUser, Role: 'staff', ExtensionNumber: '' },
      ServeParticipants: [
        {
          ...leg,
          RecordId: agentRecord,
          RecordURL: answered ? `https://tccc.qcloud.com/tcccadmin/getRecord/${agentRecord}.mp3` : '',
        },
      ],
      IVRKeyPressedEx: [{ Key: '1', Label: 'sales', Timestamp: (start + 5) * 1000 }],
      UUI: '',
      AsrUrl: '',
      AsrStatus: 'NotExists',
      VoicemailRecordURL: [],
      Remark: null,
    });
    day0.calls.push({
      sessionId,
      cdr: {
        SdkAppId: sdkAppId,
        ...shared,
        ServeParticipants: [{ ...leg, ...(answered && { RecordId: agentRecord }) }],
      },
      records: answered
        ? [
            { user: caller, id: userRecord },
            { user: agent, id: agentRecord },
          ].map(({ user, id }) => ({
            SdkAppId: sdkAppId,
            RecordId: id,
            SessionId: sessionId,
            Timestamp: ended + 1,
            EndpointUser: user,
            RecordURL: `https://recordings.example.com/${id}.mp3`,
          }))
        : [],
    });
  }
  for (let i = 0; i < chats; i++) {
    const sessionId = sessionIdOf(0xc000 + (sdkAppId % 0xfff), day, i);
    const start = day + Math.floor((i * 86_000) / Math.max(1, chats));
    const duration = 120 + (i % 11) * 20;
    const agent = `agent${i % 4}@example.com`;
    day0.imCdrs.push({
      Id: String(10_000 + i),
      SessionId: sessionId,
      Duration: duration,
      EndStatus: 1,
      Nickname: `visitor ${i}`,
      Type: 2,
      StaffId: agent,
      Timestamp: start,
      SkillGroupId: '1002',
      SkillGroupName: 'support',
      Satisfaction: { Id: 1, Label: 'satisfied' },
      ClientUserId: `client-${i}`,
    });
    day0.chats.push({
      sessionId,
      records: [],
      imcdr: {
        SdkAppId: sdkAppId,
        SessionId: sessionId,
        StartTimestamp: start,
        AcceptTimestamp: start + 10,
        EndedTimestamp: start + duration,
        Duration: duration,
        EndStatusString: 'ok',
        QueuedSkillGroupId: 1002,
        QueuedSkillGroupName: 'support',
        UserId: `client-${i}`,
        UserNickName: `visitor ${i}`,
        SeatUser: { Mail: agent, UserId: agent },
      },
    });
  }
  return day0;
}
