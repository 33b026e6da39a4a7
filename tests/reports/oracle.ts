import { createHash } from 'node:crypto';
import type { Push } from '../support/contact-centre';

/**
 * The summary's figures computed straight from the pushed bodies, by other means than the
 * receiver's (no aggregates, no offsets: Intl's own wall clock for each session), to hold
 * the answer against.
 */
type Body = Record<string, unknown>;

const wallFormat = new Map<string, Intl.DateTimeFormat>();
function localParts(seconds: number, timeZone: string) {
  let format = wallFormat.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('sv-SE', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    });
    wallFormat.set(timeZone, format);
  }
  // sv-SE prints `2031-03-10 14`.
  const [day, hour] = format.format(seconds * 1000).split(' ');
  return { day: day as string, hour: `${day}T${hour}:00` };
}

/**
 * The documented report key of a pushed value (handler/reports/README.md): up to 256
 * characters as pushed; longer, its first 200 (199 when the 200th opens a surrogate pair),
 * `…~` and 16 hex digits of its SHA-256.
 */
export function documentedKey(value: string | null): string | null {
  if (value === null || value.length <= 256) return value;
  const cut = value.charCodeAt(199) >= 0xd800 && value.charCodeAt(199) <= 0xdbff ? 199 : 200;
  return `${value.slice(0, cut)}…~${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

function keyOf(body: Body, groupBy: string, timeZone: string): string | null {
  return groupBy === 'hour' || groupBy === 'day'
    ? rawKeyOf(body, groupBy, timeZone)
    : documentedKey(rawKeyOf(body, groupBy, timeZone));
}

function rawKeyOf(body: Body, groupBy: string, timeZone: string): string | null {
  const end = body.EndedTimestamp as number;
  switch (groupBy) {
    case 'hour':
      return localParts(end, timeZone).hour;
    case 'day':
      return localParts(end, timeZone).day;
    case 'seat': {
      const id = (body.SeatUser as Body | undefined)?.UserId;
      return typeof id === 'string' && id !== '' ? id : null;
    }
    case 'skillGroup':
      if (typeof body.QueuedSkillGroupName === 'string' && body.QueuedSkillGroupName !== '')
        return body.QueuedSkillGroupName;
      return typeof body.QueuedSkillGroupId === 'number' ? String(body.QueuedSkillGroupId) : null;
    default:
      return typeof body.EndStatusString === 'string' && body.EndStatusString !== '' ? body.EndStatusString : null;
  }
}

function figures(bodies: Body[]) {
  const answered = bodies.filter((body) => (body.AcceptTimestamp as number) > 0);
  const waits = answered.map((body) => (body.AcceptTimestamp as number) - (body.StartTimestamp as number));
  const handles = answered.map((body) => (body.EndedTimestamp as number) - (body.AcceptTimestamp as number));
  // A Map, not an object: a status may be any string, "valueOf" or "__proto__" too.
  const byStatus = new Map<string, number>();
  for (const body of bodies) {
    const status = documentedKey(body.EndStatusString as string) as string;
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    sessions: bodies.length,
    answered: answered.length,
    unanswered: bodies.length - answered.length,
    answerRate: bodies.length === 0 ? null : answered.length / bodies.length,
    avgWaitSeconds: waits.length === 0 ? null : sum(waits) / waits.length,
    maxWaitSeconds: waits.length === 0 ? null : Math.max(...waits),
    avgHandleSeconds: handles.length === 0 ? null : sum(handles) / handles.length,
    byStatus: Object.fromEntries([...byStatus].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

export function expectedSummary(
  current: readonly Push[],
  request: { from: number; to: number; groupBy: string; tz: string; actions: readonly string[] },
) {
  const { from, to, groupBy, tz, actions } = request;
  const bodies = current
    .filter((push) => actions.includes(push.action))
    .map((push) => push.body as Body)
    .filter((body) => (body.EndedTimestamp as number) >= from && (body.EndedTimestamp as number) < to);
  const groups = new Map<string | null, Body[]>();
  if (groupBy === 'hour' || groupBy === 'day') {
    // Every local bucket the range touches, sessions or not: a look every minute finds them all.
    for (let t = from; t < to; t += 60) groups.set(keyOf({ EndedTimestamp: t }, groupBy, tz), []);
    groups.set(keyOf({ EndedTimestamp: to - 1 }, groupBy, tz), []);
  }
  for (const body of bodies) {
    const key = keyOf(body, groupBy, tz);
    groups.set(key, [...(groups.get(key) ?? []), body]);
  }
  const byKey = ([a]: [string | null, Body[]], [b]: [string | null, Body[]]) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
  // By a dimension, the 1,000 groups with the most sessions (docs/reports.md), ties by key.
  const all = [...groups];
  const timed = groupBy === 'hour' || groupBy === 'day';
  const omitted = timed ? 0 : Math.max(0, all.length - 1000);
  const kept = omitted > 0 ? all.sort((a, b) => b[1].length - a[1].length || byKey(a, b)).slice(0, 1000) : all;
  const ordered = kept.sort(byKey);
  return {
    from: new Date(from * 1000).toISOString(),
    to: new Date(to * 1000).toISOString(),
    tz,
    groupBy,
    totals: figures(bodies),
    groups: ordered.map(([key, members]) => ({ key, ...figures(members) })),
    ...(omitted > 0 && { groupsOmitted: omitted }),
  };
}
