import { Refusal } from '../../handler/common/errors';
import { contributionOf } from '../../handler/reports/contribution';
import type { DayState, ReportStore } from '../../handler/reports/report-store';
import { MAX_DAYS_FROM_SESSIONS, MAX_GROUPS, summarize } from '../../handler/reports/summary';
import { sampleOf } from '../support/events';

/**
 * A summary's work is bounded: whole days come from rollups, days without a state are not
 * read at all, at most 8 reads run at once, and a range needing more than
 * MAX_DAYS_FROM_SESSIONS days counted from their sessions is refused with 1009 before any of
 * them is read. A store stand-in counts what is asked of it.
 */
function storeWith(states: (day: number) => DayState | undefined) {
  const asked = { contributions: 0, inFlight: 0, mostInFlight: 0 };
  const store = {
    dayStates: async (_action: string, days: readonly number[]) =>
      new Map(days.flatMap((day) => (states(day) ? [[day, states(day) as DayState] as const] : []))),
    contributions: async () => {
      asked.contributions++;
      asked.inFlight++;
      asked.mostInFlight = Math.max(asked.mostInFlight, asked.inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      asked.inFlight--;
      return [];
    },
    rollupChunksOf: async () => new Map(),
  } as unknown as ReportStore;
  return { store, asked };
}

const YEAR_1971 = { fromSeconds: 31_536_000, toSeconds: 31_536_000 + 366 * 86_400 };

it('answers a year in a zone off the quarter-hour grid (Monrovia) without reading days that had no session', async () => {
  const { store, asked } = storeWith(() => undefined);
  const summary = await summarize(
    { ...YEAR_1971, timeZone: 'Africa/Monrovia', groupBy: 'day', actions: ['cdr'] },
    store,
  );
  expect(summary.groups).toHaveLength(367);
  expect(asked.contributions).toBe(0);
});

it(`refuses with 1009 a range needing more than ${MAX_DAYS_FROM_SESSIONS} days counted from their sessions, reading none`, async () => {
  const { store, asked } = storeWith(() => ({ rev: 3 }));
  const request = { ...YEAR_1971, timeZone: 'UTC', groupBy: 'seat' as const, actions: ['cdr'] };
  const refused = await summarize(request, store).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(Refusal);
  expect((refused as Error).message).toContain('this range needs 366 days counted from their sessions (at most 31)');
  expect(asked.contributions).toBe(0);
});

it('reads at most 8 days at once', async () => {
  const { store, asked } = storeWith(() => ({ rev: 1 }));
  const request = { fromSeconds: YEAR_1971.fromSeconds, toSeconds: YEAR_1971.fromSeconds + 30 * 86_400 };
  await summarize({ ...request, timeZone: 'UTC', groupBy: 'status', actions: ['cdr'] }, store);
  expect(asked.contributions).toBe(30);
  expect(asked.mostInFlight).toBe(8);
});

it(`lists at most ${MAX_GROUPS} groups by seat, those with the most sessions, and says how many it left out; the totals count all`, async () => {
  const day = YEAR_1971.fromSeconds;
  // 1,005 agents: the first 10 ended two sessions each, the others one.
  const contributions = Array.from({ length: 1005 }, (_, agent) => agent).flatMap((agent) =>
    Array.from({ length: agent < 10 ? 2 : 1 }, (_, n) => {
      const record = sampleOf('cdr', { SeatUser: { UserId: `agent-${String(agent).padStart(4, '0')}` } });
      const end = day + 3_600 + agent + n;
      return {
        action: 'cdr',
        hash: `${agent}-${n}`.padEnd(32, '0'),
        sessionId: record.SessionId,
        recordKey: `R#cdr#${agent}`,
        versionId: 'v',
        contribution: contributionOf({ ...record, StartTimestamp: end - 60, EndedTimestamp: end }, end),
      };
    }),
  );
  const store = {
    dayStates: async (_action: string, days: readonly number[]) => new Map(days.map((d) => [d, { rev: 1 }])),
    contributions: async (_action: string, from: number, to: number) =>
      contributions.filter(({ contribution }) => contribution.end >= from && contribution.end < to),
    rollupChunksOf: async () => new Map(),
  } as unknown as ReportStore;
  const request = { fromSeconds: day, toSeconds: day + 86_400, timeZone: 'UTC', actions: ['cdr'] };
  const summary = await summarize({ ...request, groupBy: 'seat' }, store);
  expect(summary.groups).toHaveLength(MAX_GROUPS);
  expect(summary.groupsOmitted).toBe(5);
  expect(summary.totals.sessions).toBe(1015);
  const listed = summary.groups.map((group) => group.key);
  // Every agent with two sessions is listed; the listed ones stay in key order.
  for (let agent = 0; agent < 10; agent++) expect(listed).toContain(`agent-${String(agent).padStart(4, '0')}`);
  expect(listed).toEqual([...listed].sort());
  // A time grouping lists every bucket, whatever their number.
  expect((await summarize({ ...request, groupBy: 'hour' }, store)).groupsOmitted).toBeUndefined();
});
