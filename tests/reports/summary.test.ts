import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { createAggregateHandler } from '../../handler/functions/aggregate';
import { createPushHandler } from '../../handler/functions/push';
import { createReportHandler } from '../../handler/functions/reports';
import { recordHash } from '../../handler/query/query-index';
import { DynamoDbCurrentVersions } from '../../handler/records/dynamodb-current-versions';
import { DynamoDbQuarantineStore } from '../../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import { currentRecordKey } from '../../handler/records/item-layout';
import { versionIdOf } from '../../handler/records/version-id';
import { contributionOf } from '../../handler/reports/contribution';
import { DynamoDbReportStore } from '../../handler/reports/dynamodb-report-store';
import { reportItemsOf } from '../../handler/reports/rebuild';
import type { ReportStore } from '../../handler/reports/report-store';
import { addChunks } from '../../handler/reports/rollup-rows';
import { VIEWS } from '../../handler/reports/views';
import { StreamPoller } from '../../scripts/stream-poller';
import { contactCentrePushes, currentRecords, SESSION_ACTIONS } from '../support/contact-centre';
import { httpApiEvent, pushEvent, sampleOf } from '../support/events';
import { expectedSummary } from './oracle';

const client = createDynamoDbClient();
const recordTable = process.env.REPORTS_CDR_TABLE_NAME as string;
const records = new DynamoDbRecordStore(client, recordTable);
const reportTable = process.env.REPORTS_REPORT_TABLE_NAME as string;
const reports = new DynamoDbReportStore(client, reportTable);
const push = createPushHandler({
  store: records,
  quarantine: new DynamoDbQuarantineStore(client, process.env.REPORTS_QUARANTINE_TABLE_NAME as string),
});
// 2033-06-01T00:00:00Z: a range no other test file writes.
const FIRST_DAY = 2_001_196_800;
const DAYS = 4;
// The consumer runs as if a month later, ten minutes passing between batches: every day it
// touches is closed, so it rolls them up, and again after later batches changed them.
let clock = FIRST_DAY + 30 * 86_400;
const consumer = createAggregateHandler({
  reports,
  versions: new DynamoDbCurrentVersions(client, recordTable),
  now: () => (clock += 600),
});
const report = createReportHandler({ reports });
/** The same table seen without its rollups: every figure counted from the sessions. */
const withoutRollups: ReportStore = Object.assign(Object.create(reports), {
  dayStates: async (action: string, days: readonly number[], consistent: boolean) =>
    new Map([...(await reports.dayStates(action, days, consistent))].map(([day, { rev }]) => [day, { rev }])),
});
const reportFromSessions = createReportHandler({ reports: withoutRollups });
const pushes = contactCentrePushes({ seed: 33, firstDay: FIRST_DAY, days: DAYS, sessions: 260 });
const current = currentRecords(pushes);
const delivered: DynamoDBStreamEvent[] = [];

const poller = new StreamPoller(
  client,
  recordTable,
  async (event) => {
    delivered.push(event);
    return consumer(event);
  },
  25,
);

async function summary(query: Record<string, string>, handler = report) {
  const reply = await handler(httpApiEvent({ method: 'GET', path: '/reports/summary', query, headers: {} }));
  return { status: reply.statusCode, body: JSON.parse(reply.body) };
}

beforeAll(async () => {
  // Pushed in two halves, the stream consumed after each: later versions move sessions
  // out of buckets already counted.
  const half = Math.floor(pushes.length / 2);
  for (const part of [pushes.slice(0, half), pushes.slice(half)]) {
    for (const { query, body } of part) {
      const reply = await push(pushEvent(body, { query }));
      expect(JSON.parse(reply.body).ErrCode).toBe(0);
    }
    await poller.pollOnce();
  }
  expect(delivered.length).toBeGreaterThan(4);
  // At-least-once: the last batch again, then a failed batch's suffix as Lambda hands it
  // again, then an old batch on its own, long after the versions it carries were replaced.
  const again = (event: DynamoDBStreamEvent) => consumer(event);
  await again(delivered[delivered.length - 1] as DynamoDBStreamEvent);
  for (const event of delivered.slice(-3)) await again(event);
  await again(delivered[1] as DynamoDBStreamEvent);
  // Later batches (here the last one, delivered yet again) roll up what the earlier ones left stale, a few days a batch.
  for (let n = 0; n < 6; n++) await again(delivered[delivered.length - 1] as DynamoDBStreamEvent);
}, 240_000);

const ranges = {
  // Ragged edges: counted from the sessions' contributions.
  ragged: { from: FIRST_DAY + 1_234, to: FIRST_DAY + DAYS * 86_400 - 777 },
  // Whole local days in Kolkata (+05:30): half-hours at every edge.
  kolkataDays: { from: FIRST_DAY - 19_800 + 86_400, to: FIRST_DAY - 19_800 + 3 * 86_400 },
};

describe('GET /reports/summary equals the figures computed from the pushed bodies', () => {
  const cases: Array<[string, string, keyof typeof ranges, string | undefined]> = [];
  for (const groupBy of ['hour', 'day', 'seat', 'skillGroup', 'status']) {
    for (const tz of ['UTC', 'Asia/Kolkata']) cases.push([groupBy, tz, 'ragged', undefined]);
  }
  cases.push(['day', 'Asia/Kolkata', 'kolkataDays', undefined]);
  cases.push(['hour', 'Asia/Kolkata', 'kolkataDays', 'imcdr']);
  cases.push(['seat', 'America/New_York', 'ragged', 'cdr']);

  it.each(cases)('groupBy=%s tz=%s (%s range, action %s)', async (groupBy, tz, range, action) => {
    const { from, to } = ranges[range];
    const query = {
      from: new Date(from * 1000).toISOString(),
      to: String(to),
      groupBy,
      ...(tz !== 'UTC' && { tz }),
      ...(action && { action }),
    };
    const { status, body } = await summary(query);
    expect(status).toBe(200);
    const expected = expectedSummary(current, { from, to, groupBy, tz, actions: action ? [action] : SESSION_ACTIONS });
    expect(expected.totals.sessions).toBeGreaterThan(5);
    expect(body).toEqual(expected);
    // The rollups say what the sessions say.
    expect((await summary(query, reportFromSessions)).body).toEqual(expected);
  });

  it('reads whole days from their rollups, which the consumer made once the days closed', async () => {
    for (const action of SESSION_ACTIONS) {
      const days = Array.from({ length: DAYS }, (_, n) => FIRST_DAY + n * 86_400);
      const states = await reports.dayStates(action, days, true);
      expect(states.size).toBe(DAYS);
      for (const state of states.values()) expect(state.rollup?.rev).toBe(state.rev);
    }
  });

  it('counts a session with two versions once, by its current version', async () => {
    const { body } = await summary({
      from: String(FIRST_DAY - 86_400),
      to: String(FIRST_DAY + (DAYS + 3) * 86_400),
      groupBy: 'status',
    });
    const sessionLevel = current.filter((p) => (SESSION_ACTIONS as readonly string[]).includes(p.action));
    expect(body.totals.sessions).toBe(sessionLevel.length);
    const pushedSessionLevel = pushes.filter((p) => (SESSION_ACTIONS as readonly string[]).includes(p.action));
    expect(pushedSessionLevel.length).toBeGreaterThan(sessionLevel.length);
  });
});

describe('a maximum wait taken back', () => {
  it('is exact once the version that held it is replaced, from rollups and from sessions alike', async () => {
    const day = FIRST_DAY + 10 * 86_400;
    const pushOf = (sessionId: string, wait: number, end: number) =>
      sampleOf('cdr', {
        SessionId: sessionId,
        StartTimestamp: end - 1_000,
        AcceptTimestamp: end - 1_000 + wait,
        EndedTimestamp: end,
        EndStatusString: 'ok',
      });
    for (const body of [pushOf('max-a', 500, day + 3_600), pushOf('max-b', 100, day + 7_200)]) {
      expect(JSON.parse((await push(pushEvent(body, { query: { action: 'cdr', version: '1' } }))).body).ErrCode).toBe(
        0,
      );
    }
    await poller.pollOnce();
    await poller.pollOnce();
    const query = { from: String(day), to: String(day + 86_400), groupBy: 'day', action: 'cdr' };
    expect((await summary(query)).body.totals.maxWaitSeconds).toBe(500);
    // A newer version of the session that held the maximum, waiting less: the maximum falls to the next one.
    const corrected = pushOf('max-a', 40, day + 3_600 + 5);
    expect(
      JSON.parse((await push(pushEvent(corrected, { query: { action: 'cdr', version: '1' } }))).body).ErrCode,
    ).toBe(0);
    await poller.pollOnce();
    await poller.pollOnce();
    const state = (await reports.dayStates('cdr', [day], true)).get(day);
    expect(state?.rollup?.rev).toBe(state?.rev);
    for (const handler of [report, reportFromSessions]) {
      const { body } = await summary(query, handler);
      expect(body.totals).toMatchObject({ sessions: 2, maxWaitSeconds: 100, avgWaitSeconds: 70 });
    }
  }, 60_000);
});

describe('filling the report table in bulk (the bench)', () => {
  it('gives the contributions and rollups the stream consumer gave', async () => {
    const sessionLevel = current.filter((p) => (SESSION_ACTIONS as readonly string[]).includes(p.action));
    const items = [
      ...reportItemsOf(
        sessionLevel.map((p) => {
          const recordKey = currentRecordKey(p.action, String(p.body.SdkAppId));
          return {
            action: p.action,
            hash: recordHash(p.body.SessionId, recordKey),
            sessionId: p.body.SessionId,
            recordKey,
            versionId: versionIdOf(p.body),
            contribution: contributionOf(p.body, p.body.EndedTimestamp as number),
          };
        }),
      ),
    ];
    const contributions = items.filter((item) => item.c);
    expect(contributions.length).toBe(sessionLevel.length);
    for (const item of contributions) {
      const { Item: stored } = await client.send(
        new GetItemCommand({
          TableName: reportTable,
          Key: { pk: item.pk as never, sk: item.sk as never },
          ConsistentRead: true,
        }),
      );
      expect(stored).toBeDefined();
      expect(JSON.parse(stored?.c?.S ?? '')).toEqual(JSON.parse(item.c?.S ?? ''));
      expect(stored?.v).toEqual(item.v);
    }
    // Each day's rollup, view by view, holds the same groups as the consumer's.
    const bulkChunks = new Map(
      items.filter((item) => item.r).map((item) => [`${item.pk?.S}|${item.sk?.S}`, item.r?.S]),
    );
    const states = items.filter((item) => item.sk?.S === '#day');
    expect(states.length).toBeGreaterThan(DAYS);
    for (const state of states) {
      const [, action, day] = (state.pk?.S ?? '').split('#');
      const stored = (await reports.dayStates(action as string, [Number(day)], true)).get(Number(day));
      for (const view of VIEWS) {
        const consumerGroups = new Map();
        addChunks(
          consumerGroups,
          await reports.rollupChunks(action as string, Number(day), stored?.rollup?.token ?? '', view),
        );
        const bulkGroups = new Map();
        const count = Number(state.chunks?.M?.[view]?.N);
        addChunks(
          bulkGroups,
          Array.from(
            { length: count },
            (_, n) => bulkChunks.get(`U#${action}#${day}#bulk|${view}#${String(n).padStart(4, '0')}`) ?? '',
          ),
        );
        expect(bulkGroups).toEqual(consumerGroups);
      }
    }
  }, 60_000);
});

describe('GET /reports/summary: a bad parameter gets a 400 envelope naming it', () => {
  const good = { from: '2033-06-01T00:00:00Z', to: '2033-06-02T00:00:00Z', groupBy: 'day' };
  it.each([
    [
      'groupBy',
      { ...good, groupBy: 'week' },
      'query parameter groupBy must be one of hour, day, seat, skillGroup, status',
    ],
    ['groupBy', { from: good.from, to: good.to }, 'query parameter groupBy must be one of'],
    ['tz', { ...good, tz: 'Mars/Olympus' }, 'query parameter tz must be an IANA time zone'],
    ['tz', { ...good, tz: '../etc' }, 'query parameter tz must be an IANA time zone'],
    ['action', { ...good, action: 'record' }, 'query parameter action must be one of cdr, imcdr, videoCdr'],
    ['to', { ...good, to: '2035-06-01T00:00:00Z' }, 'query parameter to must be at most 366 days after from'],
    ['from', { ...good, from: 'now' }, 'query parameter from must be an ISO 8601'],
    [
      'groupBy',
      { ...good, to: '2034-06-01T00:00:00Z', groupBy: 'hour', tz: 'America/St_Johns' },
      'query parameter groupBy=hour covers at most 31 days; use groupBy=day for a longer range',
    ],
    ['limit', { ...good, limit: '5' }, 'query parameter limit is not known'],
  ])('%s', async (_, query, message) => {
    const { status, body } = await summary(query);
    expect(status).toBe(400);
    expect(body.ErrCode).toBe(1009);
    expect(body.ErrMsg).toContain(message);
  });
});

describe('GET /reports/summary: the access of the read routes', () => {
  const query = { from: '2033-06-01T00:00:00Z', to: '2033-06-02T00:00:00Z', groupBy: 'day' };
  const event = (headers: Record<string, string>) =>
    httpApiEvent({ method: 'GET', path: '/reports/summary', query, headers });

  it('wants the push credentials locally', async () => {
    const guarded = createReportHandler({
      reports,
      deployed: false,
      loadAuth: async () => ({ mode: 'basic', username: 'tccc', password: 'pw' }) as never,
    });
    expect((await guarded(event({}))).statusCode).toBe(401);
    const authorization = `Basic ${Buffer.from('tccc:pw').toString('base64')}`;
    expect((await guarded(event({ authorization }))).statusCode).toBe(200);
  });

  it('wants IAM authorization deployed, whatever headers say', async () => {
    const deployed = createReportHandler({ reports, deployed: true });
    const reply = await deployed(event({ 'sls-offline-authorizer-override': '{"iam":{}}' }));
    expect(reply.statusCode).toBe(401);
    expect(JSON.parse(reply.body).ErrCode).toBe(1008);
  });
});
