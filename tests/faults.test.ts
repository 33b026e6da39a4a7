import { Readable } from 'node:stream';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient, DYNAMODB_MAX_ATTEMPTS } from '../handler/aws/dynamodb-client';
import { createPushHandler } from '../handler/functions/push';
import { DynamoDbQuarantineStore } from '../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordStore } from '../handler/records/dynamodb-record-store';
import { quarantineTableName, tableName } from './support/dynamodb';
import { pushEvent, sampleRecord } from './support/events';

/** Set by tests/support/global-setup.mjs: a DynamoDB Local of this file's own, to pause. */
const faultyPid = Number(process.env.FAULTY_DYNAMODB_PID);
const pause = () => process.kill(faultyPid, 'SIGSTOP');
const resume = () => process.kill(faultyPid, 'SIGCONT');
afterAll(resume);

function receiverOn(config: DynamoDBClientConfig, budgetMs?: number) {
  const client = createDynamoDbClient(config);
  const store = new DynamoDbRecordStore(client, tableName(), budgetMs);
  const handler = createPushHandler({ store, quarantine: new DynamoDbQuarantineStore(client, quarantineTableName()) });
  const push = async (record: unknown) => {
    const reply = await handler(pushEvent(record));
    return { status: reply.statusCode, ...(JSON.parse(reply.body) as { ErrCode: number; ErrMsg: string }) };
  };
  return { push, store };
}

/** The storage budget of these tests: shorter than the deployed one, so that the pauses are short too. */
const TEST_BUDGET_MS = 1_500;
const onFaultyDb = () => receiverOn({ endpoint: process.env.FAULTY_DYNAMODB_ENDPOINT as string }, TEST_BUDGET_MS);
const currentVideoCdr = async (store: DynamoDbRecordStore, sessionId: string) =>
  (await store.currentRecords(sessionId, 'videoCdr'))[0];

describe('storage faults: nothing acknowledged is lost, nothing lost is acknowledged', () => {
  it('answers 503 / ErrCode 2001 within the time budget while DynamoDB Local is paused, and stores after it resumes', async () => {
    const { push, store } = onFaultyDb();
    const record = sampleRecord();

    pause();
    const started = Date.now();
    const refused = await push(record);
    const elapsed = Date.now() - started;
    resume();

    expect(refused).toMatchObject({ status: 503, ErrCode: 2001 });
    expect(elapsed).toBeLessThan(TEST_BUDGET_MS + 1_000);
    expect((await push(record)).ErrCode).toBe(0);
    expect((await currentVideoCdr(store, record.SessionId))?.record).toEqual(record);
  }, 30_000);

  it('keeps every acknowledged push of a run through a pause, and a retry of each refused one stores it once', async () => {
    const { push, store } = onFaultyDb();
    const records = Array.from({ length: 48 }, () => sampleRecord());
    const results = new Map<string, { status: number; ErrCode: number }>();
    let next = 0;
    let paused = false;
    const worker = async () => {
      while (next < records.length) {
        const record = records[next++] as (typeof records)[number];
        if (!paused && results.size >= 12) {
          paused = true;
          pause();
          // Longer than the storage budget: the pushes caught in it must be refused.
          setTimeout(resume, TEST_BUDGET_MS + 1_000);
        }
        results.set(record.SessionId, await push(record));
      }
    };

    await Promise.all(Array.from({ length: 4 }, worker));

    const refused = records.filter((record) => results.get(record.SessionId)?.ErrCode !== 0);
    expect(refused.length).toBeGreaterThan(0);
    for (const record of records) {
      const result = results.get(record.SessionId);
      const stored = await currentVideoCdr(store, record.SessionId);
      if (result?.ErrCode === 0) expect(stored?.record).toEqual(record);
      else expect(result).toMatchObject({ status: 503, ErrCode: 2001 });
    }
    // TCCC pushes the refused ones again.
    for (const record of refused) expect((await push(record)).ErrCode).toBe(0);
    for (const record of records) expect(await store.versions(record.SessionId)).toHaveLength(1);
  }, 90_000);
});

/** A DynamoDB that answers every request with `error` (the SDK's own parsing and retries still run). */
function answeringWith(type: string, statusCode: number) {
  const calls = { count: 0 };
  const requestHandler = {
    handle: async () => {
      calls.count++;
      const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'stubbed fault' });
      return {
        // The shape of an HTTP response the SDK reads (its HttpResponse checks shape, not class).
        response: {
          statusCode,
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type },
          body: Readable.from([Buffer.from(body)]),
        },
      };
    },
  };
  return { requestHandler, calls };
}

describe('storage faults that DynamoDB Local cannot produce (stubbed transport)', () => {
  it('retries throttling a bounded number of times, then answers 503 / 2001', async () => {
    const { requestHandler, calls } = answeringWith('ProvisionedThroughputExceededException', 400);
    const { push } = receiverOn({ requestHandler, endpoint: 'http://127.0.0.1:9' });

    const reply = await push(sampleRecord());

    expect(reply).toMatchObject({ status: 503, ErrCode: 2001 });
    expect(calls.count).toBe(DYNAMODB_MAX_ATTEMPTS);
  });

  it('answers 503 / 2001 when DynamoDB is unavailable (500s)', async () => {
    const { requestHandler } = answeringWith('InternalServerError', 500);

    expect(await receiverOn({ requestHandler, endpoint: 'http://127.0.0.1:9' }).push(sampleRecord())).toMatchObject({
      status: 503,
      ErrCode: 2001,
    });
  });

  it('gives up when a request hangs, once the storage budget is spent', async () => {
    const requestHandler = {
      handle: (_request: unknown, options?: { abortSignal?: AbortSignal }) =>
        new Promise<never>((_resolve, reject) => {
          options?.abortSignal?.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    };
    const { push } = receiverOn({ requestHandler, endpoint: 'http://127.0.0.1:9' }, 300);

    const started = Date.now();
    const reply = await push(sampleRecord());

    expect(reply).toMatchObject({ status: 503, ErrCode: 2001 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
