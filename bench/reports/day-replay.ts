import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type Item, scanPages } from '../../handler/aws/dynamodb';
import { createDynamoDbClient, createPatientDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { DAY } from '../../handler/common/utc-buckets';
import { createAggregateHandler } from '../../handler/functions/aggregate';
import { createPushHandler } from '../../handler/functions/push';
import { createReportHandler } from '../../handler/functions/reports';
import { DynamoDbCurrentVersions } from '../../handler/records/dynamodb-current-versions';
import { DynamoDbQuarantineStore } from '../../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordWriter } from '../../handler/records/dynamodb-record-writer';
import { DynamoDbReportStore } from '../../handler/reports/dynamodb-report-store';
import { inTurns } from '../../handler/reports/in-turns';
import { StreamPoller } from '../../scripts/stream-poller';
import { CapacityMeter, type ItemSize } from './capacity-meter';
import { countingLogs, type LogAccount, newLogAccount } from './log-sink';
import { type DaySession, type DayShape, nextMorning, sessionsOf } from './realistic-day';
import { summaryOf } from './summary-request';

/** The template's event source mapping (serverless.yml, `aggregate`): batchSize 100, batchWindow 5. */
export const BATCH_SIZE = 100;
export const BATCH_WINDOW_SECONDS = 5;
/** Pushes, and the consumer's invocations, in flight at once (BENCH_CONCURRENCY): a speed-up only. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

export interface Tables {
  CdrTable: string;
  QuarantineTable: string;
  ReportTable: string;
}

/** One Lambda invocation of the consumer, as measured. */
export interface BatchRun {
  readonly records: number;
  requests: number;
  /** The consumer's CPU per invocation: the mean, when invocations ran side by side. */
  cpuUs: number;
}

export interface DayReplay {
  readonly shape: DayShape;
  readonly tables: Tables;
  readonly pushes: number;
  readonly batches: BatchRun[];
  /** Write and read units by table and `<table>/<index>`: push path and consumer together. */
  readonly writeUnits: Map<string, number>;
  readonly readUnits: Map<string, number>;
  readonly failedConditions: number;
  readonly failedConditionUnits: number;
  /** Largest item by kind: the record item put, and each kind of report item (read back at the end). */
  readonly largest: Array<[string, number]>;
  readonly push: { readonly cpuUs: number; readonly requests: number; readonly logs: LogAccount };
  readonly consumerLogs: LogAccount;
  /** What shows that every push was counted once; empty when all holds. */
  readonly problems: string[];
}

const cpuUs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

/**
 * Groups stream records into the consumer's invocations as Lambda's event source mapping does:
 * a batch opens with its first record and is handed over when its window ends or it holds
 * BATCH_SIZE records. Answers each batch with the (simulated) time it is handed over.
 */
export function batchesOf<T>(records: readonly T[], arrivalOf: (record: T) => number) {
  const batches: Array<{ records: T[]; at: number }> = [];
  let current: { records: T[]; at: number; opened: number } | undefined;
  for (const record of records) {
    const arrival = arrivalOf(record);
    if (!current || arrival >= current.opened + BATCH_WINDOW_SECONDS || current.records.length === BATCH_SIZE) {
      current = { records: [], at: arrival + BATCH_WINDOW_SECONDS, opened: arrival };
      batches.push(current);
    }
    current.records.push(record);
    if (current.records.length === BATCH_SIZE) current.at = arrival;
  }
  return batches.map(({ records: members, at }) => ({ records: members, at }));
}

const pushEvent = (session: DaySession, n: number) =>
  ({
    version: '2.0',
    routeKey: 'POST /',
    rawPath: '/',
    rawQueryString: 'action=cdr&version=1',
    headers: { 'content-type': 'application/json;charset=utf8', 'x-tccc-push-uuid': `push-${session.body.SessionId}` },
    queryStringParameters: { action: 'cdr', version: '1' },
    requestContext: { requestId: `request-${n}`, http: { method: 'POST' } },
    body: JSON.stringify(session.body),
    isBase64Encoded: false,
  }) as never;

/**
 * The day replayed through the real push handler and the real stream consumer on DynamoDB
 * Local, with simulated time: each push at its arrival, the stream's records handed to the
 * consumer in the template's batches at the time Lambda would, and the next morning's first
 * session last, whose batch finds the day closed and rolls it up. Every DynamoDB request of
 * both is counted (CapacityMeter), and what the handlers log.
 */
export async function replayDay(
  shape: DayShape,
  tables: Tables,
  itemSize: ItemSize,
  label: string,
): Promise<DayReplay> {
  const invocation = new AsyncLocalStorage<BatchRun & { at: number }>();
  const pushMeter = new CapacityMeter(itemSize);
  const consumerMeter = new CapacityMeter(itemSize, invocation);
  const pushClient = pushMeter.attach(createDynamoDbClient());
  const consumerClient = consumerMeter.attach(createPatientDynamoDbClient());
  const push = createPushHandler({
    store: new DynamoDbRecordWriter(pushClient, tables.CdrTable),
    quarantine: new DynamoDbQuarantineStore(pushClient, tables.QuarantineTable),
  });
  const consumer = createAggregateHandler({
    reports: new DynamoDbReportStore(consumerClient, tables.ReportTable),
    versions: new DynamoDbCurrentVersions(consumerClient, tables.CdrTable),
    now: () => invocation.getStore()?.at ?? Number.NaN,
  });
  const problems: string[] = [];
  /** TCCC's retries of a push not answered ErrCode 0 (docs/protocol.md). */
  const TCCC_RETRIES = 3;

  // Pushes arrive minutes apart and touch different sessions: sent CONCURRENCY at a time (a
  // bench speed-up; each is still one push through the handler). The next morning's comes last.
  const sessions = [...sessionsOf(shape, label), nextMorning(shape, label)];
  const arrivalOf = new Map(sessions.map((session) => [session.body.SessionId, session.arrival]));
  const pushLogs = newLogAccount();
  let stored = 0;
  const pushOne = async ([n, session]: [number, DaySession]) => {
    // As TCCC does: a retryable answer (2001 under a machine's load) is pushed again, at most 3 more times.
    for (let attempt = 0; ; attempt++) {
      const reply = await push(pushEvent(session, n));
      const envelope = JSON.parse(reply.body) as { ErrCode: number };
      // 'ok: already stored' too: under load the SDK may retry a write whose first attempt landed.
      if (envelope.ErrCode === 0) {
        stored++;
        return;
      }
      if (attempt >= TCCC_RETRIES || envelope.ErrCode < 2000) {
        if (problems.length < 5) problems.push(`push ${n} answered ${reply.body} (attempt ${attempt + 1})`);
        return;
      }
    }
  };
  let started = process.cpuUsage();
  await countingLogs(pushLogs, async () => {
    const numbered = [...sessions.entries()];
    await inTurns(numbered.slice(0, -1), pushOne, CONCURRENCY);
    await pushOne(numbered[numbered.length - 1] as [number, DaySession]);
  });
  const pushCpu = cpuUs(started);
  if (stored !== sessions.length) problems.push(`${stored} of ${sessions.length} pushes stored`);

  // The stream as DynamoDB Local holds it, read once; handed over below in Lambda's batches.
  const plain = createPatientDynamoDbClient();
  const streamed: DynamoDBRecord[] = [];
  await new StreamPoller(plain, tables.CdrTable, async (event: DynamoDBStreamEvent) => {
    streamed.push(...event.Records);
    return { batchItemFailures: [] };
  }).pollOnce();
  const sessionOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.SessionId?.S ?? '';
  const distinct = new Set(streamed.map(sessionOf));
  if (streamed.length !== sessions.length || distinct.size !== sessions.length) {
    problems.push(
      `the stream holds ${streamed.length} records of ${distinct.size} sessions for ${sessions.length} pushes`,
    );
  }
  // In arrival order, as one shard would hold them had they been pushed one by one.
  const arrival = (record: DynamoDBRecord) => arrivalOf.get(sessionOf(record)) ?? Number.NaN;
  streamed.sort((a, b) => arrival(a) - arrival(b));

  // Each batch is one invocation with its own `now`. The day's batches run CONCURRENCY at a time
  // (they touch different sessions; a day's revision is an atomic ADD); the last batch, which
  // finds the day closed, runs alone after them.
  const consumerLogs = newLogAccount();
  const planned = batchesOf(streamed, arrival);
  const batches: BatchRun[] = planned.map((batch) => ({ records: batch.records.length, requests: 0, cpuUs: 0 }));
  const runBatch = async (n: number) => {
    const batch = planned[n] as (typeof planned)[number];
    const run = batches[n] as BatchRun;
    const response = await invocation.run({ ...run, at: batch.at }, async () => {
      const result = await consumer({ Records: batch.records } as DynamoDBStreamEvent);
      run.requests = (invocation.getStore() as BatchRun).requests;
      return result;
    });
    if (response.batchItemFailures.length > 0) {
      problems.push(`a batch of ${batch.records.length} reported ${response.batchItemFailures.length} failures`);
    }
  };
  started = process.cpuUsage();
  await countingLogs(consumerLogs, async () => {
    const order = planned.map((_, n) => n);
    await inTurns(order.slice(0, -1), runBatch, CONCURRENCY);
    await runBatch(order.length - 1);
  });
  const consumerCpu = cpuUs(started);
  for (const run of batches) run.cpuUs = consumerCpu / batches.length;
  const handed = batches.reduce((sum, batch) => sum + batch.records, 0);
  if (handed !== streamed.length)
    problems.push(`${handed} stream records handed to the consumer of ${streamed.length}`);

  problems.push(...(await checkCounts(shape, tables, sessions)));

  const merge = (a: Map<string, number>, b: Map<string, number>) => {
    const sum = new Map(a);
    for (const [key, value] of b) sum.set(key, (sum.get(key) ?? 0) + value);
    return sum;
  };
  return {
    shape,
    tables,
    pushes: sessions.length,
    batches,
    writeUnits: merge(pushMeter.writeUnits, consumerMeter.writeUnits),
    readUnits: merge(pushMeter.readUnits, consumerMeter.readUnits),
    failedConditions: pushMeter.failedConditions + consumerMeter.failedConditions,
    failedConditionUnits: pushMeter.failedConditionUnits + consumerMeter.failedConditionUnits,
    largest: [
      ['record item', pushMeter.largestPut.get(tables.CdrTable) ?? 0],
      ...(await largestReportItems(plain, tables.ReportTable, itemSize)),
    ],
    push: { cpuUs: pushCpu, requests: pushMeter.requests, logs: pushLogs },
    consumerLogs,
    problems,
  };
}

/** The summaries agree with what was pushed, and the closed day was rolled up. */
async function checkCounts(shape: DayShape, tables: Tables, sessions: DaySession[]): Promise<string[]> {
  const store = new DynamoDbReportStore(createPatientDynamoDbClient(), tables.ReportTable);
  const report = createReportHandler({ reports: store, deployed: false });
  const day = (start: number) => ({
    from: new Date(start * 1000).toISOString(),
    to: new Date((start + DAY) * 1000).toISOString(),
  });
  const problems: string[] = [];
  const byDay = (await summaryOf(report, { ...day(shape.dayStart), groupBy: 'day' })).body;
  if (byDay.totals.sessions !== shape.sessions) {
    problems.push(`the day's summary counts ${byDay.totals.sessions} sessions of ${shape.sessions}`);
  }
  const next = (await summaryOf(report, { ...day(shape.dayStart + DAY), groupBy: 'day' })).body;
  if (next.totals.sessions !== 1) problems.push(`the next day's summary counts ${next.totals.sessions} sessions of 1`);
  const bySeat = (await summaryOf(report, { ...day(shape.dayStart), groupBy: 'seat' })).body;
  const daySessions = sessions.slice(0, shape.sessions);
  const seats = new Set(daySessions.map((session) => session.agent));
  const answered = daySessions.filter((session) => session.agent !== null).length;
  const seatAnswered = bySeat.groups.reduce((sum, group) => sum + (group.key === null ? 0 : group.answered), 0);
  if (bySeat.groups.length !== seats.size || seatAnswered !== answered) {
    problems.push(
      `by seat: ${bySeat.groups.length} groups, ${seatAnswered} answered; pushed ${seats.size} seats, ${answered} answered`,
    );
  }
  const state = (await store.dayStates('cdr', [shape.dayStart], true)).get(shape.dayStart);
  if (!state?.rollup || state.rollup.rev !== state.rev) {
    problems.push(`the closed day was not rolled up at its last revision (${JSON.stringify(state)})`);
  }
  return problems;
}

/** The largest report item of each kind (contribution, day state, rollup chunk), read back. */
async function largestReportItems(
  client: ReturnType<typeof createPatientDynamoDbClient>,
  table: string,
  itemSize: ItemSize,
) {
  const kinds = new Map<string, number>();
  const kindOf = (item: Item) =>
    item.pk?.S?.startsWith('U#') ? 'rollup chunk' : item.sk?.S === '#day' ? 'day state' : 'contribution';
  for await (const page of scanPages(client, { TableName: table })) {
    for (const item of page) {
      const kind = kindOf(item);
      kinds.set(kind, Math.max(kinds.get(kind) ?? 0, itemSize(item)));
    }
  }
  return [...kinds].map(([kind, bytes]): [string, number] => [kind, bytes]);
}
