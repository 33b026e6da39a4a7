import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DAY, HOUR } from '../../handler/common/utc-buckets';

/**
 * A contact centre's day as TCCC pushes it: `cdr` sessions arriving at random over a business
 * day (a Poisson process: uniform arrival times, sorted), each pushed as it ends, agents, skill
 * groups and end statuses drawn at random. Bodies are events/cdr.sample.json with the session's
 * own values, so the stored item is the size of a real one.
 */
export interface DayShape {
  readonly sessions: number;
  readonly agents: number;
  readonly skillGroups: number;
  /** UTC start of the day. */
  readonly dayStart: number;
  /** The business day: from `opensAt` seconds after midnight, for `openSeconds`. */
  readonly opensAt: number;
  readonly openSeconds: number;
}

export const REALISTIC_DAY = {
  sessions: 5_000,
  agents: 200,
  skillGroups: 20,
  dayStart: Date.UTC(2026, 10, 2) / 1000, // Monday 2026-11-02
  opensAt: 8 * HOUR,
  openSeconds: 12 * HOUR,
} as const satisfies DayShape;

/** Ten end statuses: four of answered sessions, six of unanswered ones (TCCC's x-known-values). */
export const ANSWERED_STATUSES = [
  'ok',
  'ok',
  'ok',
  'ok',
  'ok',
  'ok',
  'seatForward',
  'outboundForward',
  'error',
  'ivrEnd',
];
export const UNANSWERED_STATUSES = [
  'waitingGiveUp',
  'ringingGiveUp',
  'noSeatOnline',
  'seatGiveUp',
  'ivrGiveUp',
  'notWorkTime',
];
const ANSWERED_SHARE = 0.8;

const SAMPLE = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'events', 'cdr.sample.json'), 'utf8'));

/** A seeded generator (mulberry32): the same day every run. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface DaySession {
  /** When the push arrives (Unix seconds, fractional): the session's end. */
  readonly arrival: number;
  readonly body: Record<string, unknown> & { SessionId: string };
  /** The agent, if the session was answered. */
  readonly agent: string | null;
}

export const agentId = (n: number) => `agent${String(n).padStart(5, '0')}@contact-centre.example.com`;

/** The day's sessions in arrival order; `label` keeps SessionIds apart between runs. */
export function sessionsOf(shape: DayShape, label: string, seed = 11): DaySession[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const open = shape.dayStart + shape.opensAt;
  const arrivals = Array.from({ length: shape.sessions }, () => open + random() * shape.openSeconds).sort(
    (a, b) => a - b,
  );
  return arrivals.map((arrival, n) => {
    const end = Math.floor(arrival);
    const answered = random() < ANSWERED_SHARE;
    const queued = end - 60 - Math.floor(random() * 900);
    const accept = answered ? queued + 5 + Math.floor(random() * 50) : 0;
    const group = Math.floor(random() * shape.skillGroups);
    const seat = Math.floor(random() * shape.agents);
    const agent = answered ? agentId(seat) : null;
    const groupName = `skill-group-${String(group).padStart(2, '0')}`;
    const body: DaySession['body'] = {
      ...SAMPLE,
      SessionId: `${label}-${String(n).padStart(6, '0')}-${Math.floor(random() * 1e9).toString(36)}`,
      StartTimestamp: queued - 20,
      QueuedTimestamp: queued,
      RingTimestamp: answered ? accept - 5 : 0,
      AcceptTimestamp: accept,
      EndedTimestamp: end,
      Duration: answered ? end - accept : 0,
      EndStatusString: answered ? pick(ANSWERED_STATUSES) : pick(UNANSWERED_STATUSES),
      QueuedSkillGroupId: 3000 + group,
      QueuedSkillGroupName: groupName,
      RecordId: answered ? `rec-${n}` : '',
    };
    if (answered) {
      body.SeatUser = {
        ...SAMPLE.SeatUser,
        Mail: agent,
        UserId: agent,
        Name: `Agent ${seat}`,
        Nick: `A${seat}`,
        StaffNumber: String(seat),
        SkillGroupNameList: [groupName],
      };
      body.ServeParticipants = [
        {
          ...SAMPLE.ServeParticipants[0],
          Mail: agent,
          StartTimestamp: queued,
          RingTimestamp: accept - 5,
          AcceptTimestamp: accept,
          EndedTimestamp: end,
          SkillGroupId: 3000 + group,
          SkillGroupName: groupName,
          RecordId: `rec-agent-${n}`,
        },
      ];
    } else {
      delete body.SeatUser;
      delete body.ServeParticipants;
    }
    return { arrival, body, agent };
  });
}

/** The first session of the next morning: its batch comes after the day closed, and rolls it up. */
export function nextMorning(shape: DayShape, label: string): DaySession {
  const [session] = sessionsOf(
    { ...shape, sessions: 1, dayStart: shape.dayStart + DAY, openSeconds: 60 },
    `${label}-next`,
    7,
  );
  return session as DaySession;
}
