import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { decodeRecord } from '../../handler/decode/decode-push';
import { newRecordOf, receiptOf } from '../../handler/intake/new-record';
import { loadSchema } from '../../handler/push-types/generated/schemas';
import { type PushType, pushTypeOf } from '../../handler/push-types/push-registry';
import { MAX_SPAN_SECONDS, spansOf } from '../../handler/reconcile/pull-lists';
import { cdrOfTelCdr } from '../../handler/reconcile/pull-mapping';
import { reconcile } from '../../handler/reconcile/reconcile';
import { recordsWithoutCdr } from '../../handler/reconcile/records-without-cdr';
import { StoredKeys } from '../../handler/reconcile/stored-keys';
import { commonClientSend, createTcccApi, MAX_ATTEMPTS, RateLimiter } from '../../handler/reconcile/tccc-api';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import { rawItems, tableName } from '../support/dynamodb';
import {
  type Failure,
  STAND_IN_SECRET_ID,
  STAND_IN_SECRET_KEY,
  type StandInData,
  tcccApiStandIn,
} from '../support/tccc-api-stand-in';
import { type DayPushes, tcccDay } from '../support/tccc-day';

/**
 * The reconcile library against the TCCC API stand-in (through the SDK's CommonClient, signed)
 * and DynamoDB Local: what is missing is backfilled through the push's store path, what is
 * stored is left alone, and a real push still wins.
 */
const client = createDynamoDbClient();
const store = new DynamoDbRecordStore(client, tableName());
const noPause = () => Promise.resolve();

/** A recent day: TCCC's API reaches only the last 180 days. */
const DAY = Math.floor(Date.now() / 86_400_000) * 86_400 - 3 * 86_400;
const WINDOW = { from: DAY, to: DAY + 86_399 };
let nextApp = 1_400_100_000;
const newApp = () => nextApp++;

async function push(action: string, body: Record<string, unknown>, receivedAt = new Date()) {
  const decoded = await decodeRecord(pushTypeOf(action) as PushType, '1', body);
  const receipt = receiptOf(decoded, { receivedAt: receivedAt.toISOString(), requestId: 'push', pushId: 'p' });
  return store.save(newRecordOf(decoded, receipt));
}

async function pushAll(sessions: DayPushes[]) {
  for (const session of sessions) {
    if (session.cdr) await push('cdr', session.cdr);
    for (const record of session.records) await push('record', record);
    if (session.imcdr) await push('imcdr', session.imcdr);
  }
}

async function withStandIn<T>(
  data: StandInData,
  options: { failures?: Failure[]; ratePerSecond?: number; realBackoff?: boolean },
  run: (api: ReturnType<typeof createTcccApi>, standIn: ReturnType<typeof tcccApiStandIn>) => Promise<T>,
): Promise<T> {
  const standIn = tcccApiStandIn(data, options);
  const endpoint = await standIn.start();
  try {
    const send = commonClientSend({
      secretId: STAND_IN_SECRET_ID,
      secretKey: STAND_IN_SECRET_KEY,
      host: 'ccc.tencentcloudapi.com',
      endpoint: `http://${endpoint}`,
    });
    // Backoff takes its time only where throttling is tested.
    const backoff = options.realBackoff ? {} : { pause: noPause };
    return await run(createTcccApi(send, backoff), standIn);
  } finally {
    await standIn.stop();
  }
}

const deps = (api: ReturnType<typeof createTcccApi>) => ({
  api,
  storedKeys: new StoredKeys(client, tableName()),
  writer: store,
});

describe('the TCCC API stand-in', () => {
  it('checks every signature itself: the SDK’s passes, a wrong key or a stale timestamp does not', async () => {
    await withStandIn({}, {}, async (api, standIn) => {
      await expect(
        api.request('DescribeTelCdr', {
          SdkAppId: 1,
          StartTimeStamp: DAY,
          EndTimeStamp: DAY + 10,
          PageSize: 100,
          PageNumber: 0,
        }),
      ).resolves.toMatchObject({ TotalCount: 0, TelCdrList: [] });
      const wrongKey = commonClientSend({
        secretId: STAND_IN_SECRET_ID,
        secretKey: 'not-the-key',
        host: 'ccc.tencentcloudapi.com',
        endpoint: `http://${standIn.endpoint}`,
      });
      await expect(
        wrongKey('DescribeIMCdrList', { SdkAppId: 1, StartTimestamp: DAY, EndTimestamp: DAY + 1 }),
      ).rejects.toMatchObject({ code: 'AuthFailure.SignatureFailure' });
      const unknownId = commonClientSend({
        secretId: 'AKIDsomeoneelse',
        secretKey: STAND_IN_SECRET_KEY,
        host: 'ccc.tencentcloudapi.com',
        endpoint: `http://${standIn.endpoint}`,
      });
      await expect(unknownId('DescribeIMCdrList', {})).rejects.toMatchObject({ code: 'AuthFailure.SecretIdNotFound' });
      expect(standIn.requests.map((r) => r.error)).toEqual([
        undefined,
        'AuthFailure.SignatureFailure',
        'AuthFailure.SecretIdNotFound',
      ]);
    });
    const stale = tcccApiStandIn({}, { now: () => Date.now() + 10 * 60_000 });
    const endpoint = await stale.start();
    const send = commonClientSend({
      secretId: STAND_IN_SECRET_ID,
      secretKey: STAND_IN_SECRET_KEY,
      host: 'ccc.tencentcloudapi.com',
      endpoint: `http://${endpoint}`,
    });
    await expect(send('DescribeIMCdrList', {})).rejects.toMatchObject({ code: 'AuthFailure.SignatureExpired' });
    await stale.stop();
  });

  it('has TCCC’s quirks: StartTimeStamp vs StartTimestamp, 0-based pages, the 90-day span, PageSize <= 100', async () => {
    const sdkAppId = newApp();
    const day = tcccDay({ day: DAY, sdkAppId, calls: 150, chats: 0 });
    await withStandIn({ telCdrs: { [sdkAppId]: day.telCdrs } }, {}, async (api) => {
      const page = (number: number) =>
        api.request('DescribeTelCdr', {
          SdkAppId: sdkAppId,
          StartTimeStamp: WINDOW.from,
          EndTimeStamp: WINDOW.to,
          PageSize: 100,
          PageNumber: number,
        });
      const [first, second] = [await page(0), await page(1)];
      expect(first.TotalCount).toBe(150);
      expect((first.TelCdrList as unknown[]).length).toBe(100);
      expect((second.TelCdrList as unknown[]).length).toBe(50);
      await expect(
        api.request('DescribeTelCdr', {
          SdkAppId: sdkAppId,
          StartTimestamp: DAY,
          EndTimestamp: DAY + 1,
          PageSize: 1,
          PageNumber: 0,
        }),
      ).rejects.toMatchObject({ code: 'UnknownParameter' });
      await expect(
        api.request('DescribeIMCdrList', { SdkAppId: sdkAppId, StartTimeStamp: DAY, EndTimeStamp: DAY + 1 }),
      ).rejects.toMatchObject({ code: 'UnknownParameter' });
      await expect(
        api.request('DescribeTelCdr', {
          SdkAppId: sdkAppId,
          StartTimeStamp: DAY - 90 * 86_400,
          EndTimeStamp: DAY,
          PageSize: 100,
          PageNumber: 0,
        }),
      ).rejects.toMatchObject({ code: 'InvalidParameterValue' });
      await expect(
        api.request('DescribeTelCdr', {
          SdkAppId: sdkAppId,
          StartTimeStamp: DAY,
          EndTimeStamp: DAY + 1,
          PageSize: 101,
          PageNumber: 0,
        }),
      ).rejects.toMatchObject({ code: 'InvalidParameterValue' });
    });
  });
});

describe('reconcile', () => {
  it('backfills exactly the missing calls and recordings, lists missing chats, touches nothing stored; a second run changes nothing', async () => {
    const sdkAppId = newApp();
    const day = tcccDay({ day: DAY, sdkAppId, calls: 230, chats: 120 });
    // Pushed: every call but each 10th; of the pushed, every 7th lost its agent-side recording.
    const pushedCalls = day.calls.filter((_, i) => i % 10 !== 3);
    await pushAll(
      pushedCalls.map((call, i) => ({ ...call, records: i % 7 === 0 ? call.records.slice(0, 1) : call.records })),
    );
    await pushAll(day.chats.filter((_, i) => i % 8 !== 5));
    const before = await rawItems(pushedCalls[1]?.sessionId as string);

    const report = await withStandIn(
      { telCdrs: { [sdkAppId]: day.telCdrs }, imCdrs: { [sdkAppId]: day.imCdrs } },
      {},
      (api) => reconcile({ sdkAppIds: [sdkAppId], window: WINDOW, dryRun: false }, deps(api)),
    );
    const missingCalls = day.calls.filter((_, i) => i % 10 === 3);
    const missingRecordings =
      missingCalls.reduce((n, call) => n + call.records.length, 0) +
      pushedCalls.filter((call, i) => i % 7 === 0 && call.records.length === 2).length;
    const allRecordings = day.calls.reduce((n, call) => n + call.records.length, 0);
    expect(report.failureCount).toBe(0);
    expect(report.invalid).toEqual([]);
    expect(report.types.cdr).toEqual({ found: 230, stored: 207, missing: 23, backfilled: 23 });
    expect(report.types.record).toEqual({
      found: allRecordings,
      stored: allRecordings - missingRecordings,
      missing: missingRecordings,
      backfilled: missingRecordings,
    });
    expect(report.types.imcdr).toEqual({ found: 120, stored: 105, missing: 15, backfilled: 0 });
    expect(report.missingChats.map((chat) => chat.SessionId).sort()).toEqual(
      day.chats
        .filter((_, i) => i % 8 === 5)
        .map((chat) => chat.sessionId)
        .sort(),
    );
    // No personal data in the listing: the visitor's nickname and ids stay at TCCC.
    expect(JSON.stringify(report.missingChats)).not.toMatch(/visitor|client-|@example/);
    // 3 pages of calls, 2 of chats.
    expect(report.tcccRequests).toBe(5);

    // Stored as a push would be: the push's schema, a receipt saying where it came from.
    const [backfilled] = await store.currentRecords(missingCalls[0]?.sessionId as string, 'cdr');
    expect(backfilled?.record).toMatchObject({
      SdkAppId: sdkAppId,
      SessionId: missingCalls[0]?.sessionId,
      EndStatusString: 'ok',
    });
    expect(backfilled?.record).not.toHaveProperty('EndStatus');
    expect(backfilled?.receipt).toMatchObject({
      source: 'pull',
      pullApi: 'DescribeTelCdr',
      action: 'cdr',
      version: '1',
    });
    expect(backfilled?.receipt.requestId).toMatch(/^stand-in-/);
    const recordings = await store.currentRecords(missingCalls[0]?.sessionId as string, 'record');
    expect(recordings.map((r) => r.record.EndpointUser).sort()).toEqual(
      (missingCalls[0]?.records ?? []).map((r) => r.EndpointUser).sort(),
    );
    // What was stored before is byte for byte what it was.
    expect(await rawItems(pushedCalls[1]?.sessionId as string)).toEqual(before);

    const again = await withStandIn(
      { telCdrs: { [sdkAppId]: day.telCdrs }, imCdrs: { [sdkAppId]: day.imCdrs } },
      {},
      (api) => reconcile({ sdkAppIds: [sdkAppId], window: WINDOW, dryRun: false }, deps(api)),
    );
    expect(again.types.cdr).toEqual({ found: 230, stored: 230, missing: 0, backfilled: 0 });
    expect(again.types.record).toMatchObject({ missing: 0, backfilled: 0 });
    expect(again.types.imcdr).toMatchObject({ missing: 15, backfilled: 0 });
  }, 60_000);

  it('a later real push of a backfilled record becomes current; the pulled one stays a version', async () => {
    const sdkAppId = newApp();
    const day = tcccDay({ day: DAY, sdkAppId, calls: 2, chats: 0 });
    await withStandIn({ telCdrs: { [sdkAppId]: day.telCdrs } }, {}, (api) =>
      reconcile({ sdkAppIds: [sdkAppId], window: WINDOW, dryRun: false }, deps(api)),
    );
    const call = day.calls[0] as DayPushes;
    // Even pushed with an earlier receipt time than the backfill, the push ranks first.
    expect(await push('cdr', call.cdr as Record<string, unknown>, new Date(Date.now() - 3_600_000))).toBe('stored');
    const [current] = await store.currentRecords(call.sessionId, 'cdr');
    expect(current?.receipt.source).toBeUndefined();
    expect(current?.record).toEqual(call.cdr);
    const versions = await store.versions(call.sessionId, 'cdr');
    expect(versions.map((v) => v.receipt.source)).toEqual(['pull', undefined]);

    // And a reconcile after that changes nothing: the push stays current.
    const after = await withStandIn({ telCdrs: { [sdkAppId]: day.telCdrs } }, {}, (api) =>
      reconcile({ sdkAppIds: [sdkAppId], window: WINDOW, dryRun: false }, deps(api)),
    );
    expect(after.types.cdr).toMatchObject({ missing: 0, backfilled: 0 });
    expect((await store.currentRecords(call.sessionId, 'cdr'))[0]?.receipt.source).toBeUndefined();
  });

  it('lists number-protected calls through DescribeProtectedTelCdr for the apps so configured, each call once', async () => {
    const sdkAppId = newApp();
    const day = tcccDay({ day: DAY, sdkAppId, calls: 4, chats: 0 });
    // Under number protection TCCC blanks Caller/Callee; one call is in both lists.
    const protectedCalls = day.telCdrs
      .slice(1)
      .map((call) => ({ ...call, Caller: '', Callee: '', ProtectedCaller: 'CDCD' }));
    const { report, standIn } = await withStandIn(
      { telCdrs: { [sdkAppId]: day.telCdrs.slice(0, 2) }, protectedTelCdrs: { [sdkAppId]: protectedCalls } },
      {},
      async (api, standIn) => ({
        report: await reconcile(
          { sdkAppIds: [sdkAppId], protectedSdkAppIds: [sdkAppId], window: WINDOW, dryRun: false },
          deps(api),
        ),
        standIn,
      }),
    );
    expect(standIn.requests.map((r) => r.action).sort()).toEqual([
      'DescribeIMCdrList',
      'DescribeProtectedTelCdr',
      'DescribeTelCdr',
    ]);
    expect(report.types.cdr).toEqual({ found: 4, stored: 0, missing: 4, backfilled: 4 });
    const [last] = await store.currentRecords(day.calls[3]?.sessionId as string, 'cdr');
    expect(last?.receipt.pullApi).toBe('DescribeProtectedTelCdr');
    expect(last?.record).not.toHaveProperty('ProtectedCaller');
  });

  it('--dry-run writes nothing', async () => {
    const sdkAppId = newApp();
    const day = tcccDay({ day: DAY, sdkAppId, calls: 3, chats: 0 });
    const report = await withStandIn({ telCdrs: { [sdkAppId]: day.telCdrs } }, {}, (api) =>
      reconcile({ sdkAppIds: [sdkAppId], window: WINDOW, dryRun: true }, deps(api)),
    );
    expect(report.types.cdr).toEqual({ found: 3, stored: 0, missing: 3, backfilled: 0 });
    for (const call of day.calls) expect(await rawItems(call.sessionId)).toEqual([]);
  });

  it('a failing page or SdkAppId is reported and skipped; the others are reconciled', async () => {
    const [failing, healthy] = [newApp(), newApp()];
    const a = tcccDay({ day: DAY, sdkAppId: failing, calls: 250, chats: 10 });
    const b = tcccDay({ day: DAY, sdkAppId: healthy, calls: 20, chats: 10 });
    const failures: Failure[] = [
      { action: 'DescribeTelCdr', sdkAppId: failing, page: 1, code: 'InternalError.DBError' },
      { action: 'DescribeIMCdrList', sdkAppId: failing, code: 'InvalidParameterValue.InstanceNotExist' },
    ];
    const { report, standIn } = await withStandIn(
      { telCdrs: { [failing]: a.telCdrs, [healthy]: b.telCdrs }, imCdrs: { [failing]: a.imCdrs, [healthy]: b.imCdrs } },
      { failures },
      async (api, standIn) => ({
        report: await reconcile({ sdkAppIds: [failing, healthy], window: WINDOW, dryRun: false }, deps(api)),
        standIn,
      }),
    );
    expect(report.failures).toHaveLength(2);
    expect(report.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          api: 'DescribeIMCdrList',
          sdkAppId: failing,
          page: -1,
          code: 'InvalidParameterValue.InstanceNotExist',
        }),
        expect.objectContaining({ api: 'DescribeTelCdr', sdkAppId: failing, page: 1, code: 'InternalError.DBError' }),
      ]),
    );
    expect(report.failureCount).toBe(2);
    // Pages 0 and 2 of the failing app, every page of the healthy one.
    expect(report.types.cdr).toMatchObject({ found: 150 + 20, missing: 170, backfilled: 170 });
    expect(report.types.imcdr).toMatchObject({ found: 10 });
    // TCCC's own fault is tried MAX_ATTEMPTS times; a parameter error only once.
    expect(standIn.requests.filter((r) => r.error === 'InternalError.DBError')).toHaveLength(MAX_ATTEMPTS);
    expect(standIn.requests.filter((r) => r.error === 'InvalidParameterValue.InstanceNotExist')).toHaveLength(1);
  }, 60_000);

  it('throttled (RequestLimitExceeded) requests are waited out and tried again: nothing is lost', async () => {
    const sdkAppId = newApp();
    const day = tcccDay({ day: DAY, sdkAppId, calls: 450, chats: 150 });
    const { report, standIn } = await withStandIn(
      { telCdrs: { [sdkAppId]: day.telCdrs }, imCdrs: { [sdkAppId]: day.imCdrs } },
      { ratePerSecond: 3, realBackoff: true },
      async (api, standIn) => ({
        report: await reconcile({ sdkAppIds: [sdkAppId], window: WINDOW, dryRun: true }, deps(api)),
        standIn,
      }),
    );
    expect(standIn.requests.filter((r) => r.error === 'RequestLimitExceeded').length).toBeGreaterThan(0);
    expect(report.failureCount).toBe(0);
    expect(report.types.cdr.found).toBe(450);
    expect(report.types.imcdr.found).toBe(150);
  }, 60_000);

  it('lists sessions whose recording arrived but whose cdr did not, after the delay', async () => {
    const sdkAppId = newApp();
    const day = tcccDay({ day: DAY, sdkAppId, calls: 10, chats: 0 });
    const lost = day.calls[0] as DayPushes;
    await pushAll([{ ...lost, cdr: undefined }, ...day.calls.slice(1)]);
    const storedKeys = new StoredKeys(client, tableName());
    const found = await recordsWithoutCdr(storedKeys, WINDOW, 600, Math.floor(Date.now() / 1000));
    expect(found.filter((f) => f.sdkAppId === String(sdkAppId))).toEqual([
      { sessionId: lost.sessionId, sdkAppId: String(sdkAppId), at: lost.records[0]?.Timestamp },
    ]);
    // Within the delay: not yet listed.
    const recent = await recordsWithoutCdr(storedKeys, WINDOW, 600, (lost.records[0]?.Timestamp as number) + 60);
    expect(recent.filter((f) => f.sessionId === lost.sessionId)).toEqual([]);
  });
});

describe('RateLimiter', () => {
  it('spaces requests 1/rate apart', async () => {
    let clock = 0;
    const waits: number[] = [];
    const limiter = new RateLimiter(
      20,
      async (ms) => {
        waits.push(ms);
      },
      () => clock,
    );
    for (let i = 0; i < 5; i++) await limiter.take();
    expect(waits).toEqual([50, 100, 150, 200]);
    clock = 1000;
    await limiter.take();
    expect(waits).toHaveLength(4);
  });
});

afterAll(() => client.destroy());

describe('RateLimiter when throttled', () => {
  it('halves its rate, once per second of throttling, never below 1', () => {
    let clock = 0;
    const limiter = new RateLimiter(
      20,
      async () => {},
      () => clock,
    );
    limiter.throttled();
    limiter.throttled();
    expect(limiter.rate).toBe(10);
    for (let i = 0; i < 6; i++) {
      clock += 1000;
      limiter.throttled();
    }
    expect(limiter.rate).toBe(1);
  });
});

describe('spansOf', () => {
  it('cuts a window into spans under TCCC’s 90 days, end to end, none overlapping', () => {
    const day = 86_400;
    expect(spansOf({ from: 0, to: day - 1 })).toEqual([{ from: 0, to: day - 1 }]);
    const spans = spansOf({ from: 0, to: 200 * day });
    expect(spans).toEqual([
      { from: 0, to: MAX_SPAN_SECONDS },
      { from: MAX_SPAN_SECONDS + 1, to: 2 * MAX_SPAN_SECONDS + 1 },
      { from: 2 * MAX_SPAN_SECONDS + 2, to: 200 * day },
    ]);
    for (const span of spans) expect(span.to - span.from).toBeLessThan(90 * day);
  });
});

describe('cdrOfTelCdr', () => {
  it('keeps the documented fields, renames UUI to Uui, drops pull-only and null fields', async () => {
    const { shape } = await loadSchema('cdr.v1');
    const cdr = cdrOfTelCdr(
      { SessionId: 's', EndStatusString: 'ok', EndStatus: 1, UUI: 'u', Remark: null, Time: 5, SeatUser: null },
      7,
      shape,
    );
    expect(cdr).toEqual({ SdkAppId: 7, SessionId: 's', EndStatusString: 'ok', Uui: 'u' });
  });
});
