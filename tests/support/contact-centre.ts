import { sampleOf } from './events';

/**
 * A small contact centre's pushes over a few days, made in the test from TCCC's samples:
 * three session-level types, recordings and voicemails, agents and skill groups (by name,
 * by id only, none), many end statuses, unanswered sessions, and sessions pushed twice
 * (a newer version that moves the session to another hour or day, and an older version
 * arriving late, which changes nothing). Deterministic: the same seed, the same pushes.
 */
export interface Push {
  readonly action: string;
  readonly query: Record<string, string>;
  readonly body: Record<string, unknown> & { SessionId: string };
}

export const SESSION_ACTIONS = ['cdr', 'imcdr', 'videoCdr'] as const;
const SAMPLE = { cdr: 'cdr', imcdr: 'imcdr', videoCdr: 'video-cdr' } as const;
export const AGENTS = ['agent1@example.com', 'agent2@example.com', 'agent3@example.com', 'agent4@example.com'];
const GROUPS: ReadonlyArray<{ QueuedSkillGroupName?: string; QueuedSkillGroupId?: number }> = [
  { QueuedSkillGroupName: 'sales', QueuedSkillGroupId: 1001 },
  { QueuedSkillGroupName: 'support', QueuedSkillGroupId: 1002 },
  { QueuedSkillGroupId: 1003 },
  {},
];
const ANSWERED_STATUSES = ['ok', 'ok', 'ok', 'seatForward'];
const UNANSWERED_STATUSES = ['seatGiveUp', 'waitingGiveUp', 'ringingGiveUp', 'noSeatOnline', 'ivrGiveUp'];

function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (low: number, high: number) => low + Math.floor(next() * (high - low + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}

/** One session-level body: its shape from TCCC's sample, its facts from the generator. */
function sessionBody(
  action: (typeof SESSION_ACTIONS)[number],
  sessionId: string,
  facts: {
    start: number;
    accept: number;
    end: number;
    status: string;
    agent: string | null;
    group: (typeof GROUPS)[number];
  },
) {
  const sample = sampleOf(SAMPLE[action], { SessionId: sessionId });
  const { QueuedSkillGroupId: _id, QueuedSkillGroupName: _name, SeatUser, ...rest } = sample;
  return {
    ...rest,
    StartTimestamp: facts.start,
    AcceptTimestamp: facts.accept,
    EndedTimestamp: facts.end,
    Duration: Math.max(0, facts.accept > 0 ? facts.end - facts.accept : facts.end - facts.start),
    EndStatusString: facts.status,
    ...facts.group,
    ...(facts.agent !== null && {
      SeatUser: { ...(SeatUser as Record<string, unknown>), UserId: facts.agent, Mail: facts.agent },
    }),
  } as Record<string, unknown> & { SessionId: string };
}

export function contactCentrePushes(options: {
  seed: number;
  firstDay: number;
  days: number;
  sessions: number;
}): Push[] {
  const rng = random(options.seed);
  const pushes: Push[] = [];
  const late: Push[] = [];
  const span = options.days * 86_400;
  for (let n = 0; n < options.sessions; n++) {
    const action = rng.pick(SESSION_ACTIONS);
    const sessionId = `cc-${options.seed}-${n}-${action}`;
    const start = options.firstDay + rng.int(0, span - 3_600);
    const answered = rng.chance(0.7);
    const accept = answered ? start + rng.int(0, 300) : 0;
    const end = (answered ? accept : start) + rng.int(5, 1_800);
    const facts = {
      start,
      accept,
      end,
      status: answered ? rng.pick(ANSWERED_STATUSES) : rng.pick(UNANSWERED_STATUSES),
      agent: answered || rng.chance(0.3) ? rng.pick(AGENTS) : null,
      group: rng.pick(GROUPS),
    };
    const body = sessionBody(action, sessionId, facts);
    pushes.push({ action, query: { action, version: '1' }, body });
    if (rng.chance(0.15)) {
      // A corrected record: ends later (often in another hour, sometimes another day), maybe answered now.
      const newEnd = end + rng.int(600, 30 * 3_600);
      const newAccept = accept > 0 ? accept : rng.chance(0.5) ? start + rng.int(1, 200) : 0;
      const newer = sessionBody(action, sessionId, {
        ...facts,
        accept: newAccept,
        end: newEnd,
        status: newAccept > 0 ? 'ok' : facts.status,
        agent: rng.chance(0.5) ? rng.pick(AGENTS) : facts.agent,
      });
      pushes.push({ action, query: { action, version: '1' }, body: newer });
    } else if (rng.chance(0.1)) {
      // An older version arriving late: kept, but the current version stays.
      const older = sessionBody(action, sessionId, { ...facts, end: end - rng.int(1, 600), status: 'error' });
      late.push({ action, query: { action, version: '1' }, body: older });
    }
    if (action === 'cdr' && rng.chance(0.6)) {
      const record = sampleOf('record', {
        SessionId: sessionId,
        RecordId: `rec-${n}`,
        Timestamp: end + rng.int(1, 30),
      });
      pushes.push({ action: 'record', query: { action: 'record', version: '1' }, body: record });
    }
    if (action === 'cdr' && !answered && rng.chance(0.3)) {
      const voicemail = sampleOf('voicemail', { SessionId: sessionId, Timestamp: end - 1 });
      pushes.push({ action: 'voicemail', query: { action: 'voicemail' }, body: voicemail });
    }
  }
  return [...pushes, ...late];
}

const ORDERING: Record<string, string> = { record: 'Timestamp', voicemail: 'Timestamp' };
export const endOf = (action: string, body: Record<string, unknown>): number =>
  body[ORDERING[action] ?? 'EndedTimestamp'] as number;

const naturalKeyOf = (action: string, body: Record<string, unknown>): string =>
  action === 'record' ? `${body.RecordId}` : action === 'voicemail' ? `${body.Timestamp}` : '';

/** The current version of every record, computed from the pushes alone: the latest end time wins. */
export function currentRecords(pushes: readonly Push[]): Push[] {
  const current = new Map<string, Push>();
  for (const push of pushes) {
    const key = `${push.body.SessionId}\u0000${push.action}\u0000${naturalKeyOf(push.action, push.body)}`;
    const known = current.get(key);
    if (!known || endOf(push.action, push.body) > endOf(known.action, known.body)) current.set(key, push);
  }
  return [...current.values()];
}
