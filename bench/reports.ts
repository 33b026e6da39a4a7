// `npm run bench:reports`: the reports at the size issue 8 asks for, in DynamoDB Local.
// 90 days x 5,000 sessions a day (three session-level types, 60 agents, 8 skill groups),
// then GET /reports/summary for the whole range by day and by agent, through the real
// handler, timed; and the write path of a push, counted. See bench/README.md.
import './reports-env';
import path from 'node:path';
import { BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../handler/aws/dynamodb-client';
import { createAggregateHandler } from '../handler/functions/aggregate';
import { createPushHandler } from '../handler/functions/push';
import { createReportHandler } from '../handler/functions/reports';
import { recordHash } from '../handler/query/query-index';
import { DynamoDbQuarantineStore } from '../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordStore } from '../handler/records/dynamodb-record-store';
import { currentRecordKey } from '../handler/records/item-layout';
import { versionIdOf } from '../handler/records/version-id';
import { contributionOf } from '../handler/reports/contribution';
import { type CountedSession, reportItemsOf } from '../handler/reports/rebuild';
import { DynamoDbReportStore } from '../handler/store/dynamodb-report-store';
import { StreamPoller } from '../scripts/stream-poller';

const DAYS = Number(process.env.BENCH_DAYS ?? 90);
const PER_DAY = Number(process.env.BENCH_SESSIONS_PER_DAY ?? 5_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const FIRST_DAY = Date.UTC(2026, 7, 1) / 1000; // 2026-08-01T00:00Z
const ACTIONS = ['cdr', 'imcdr', 'videoCdr'] as const;
const STATUSES = [
  'ok',
  'ok',
  'ok',
  'ok',
  'ok',
  'seatForward',
  'seatGiveUp',
  'waitingGiveUp',
  'ringingGiveUp',
  'noSeatOnline',
];

let seed = 8;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** One session-level body (the fields reports read), ending at `end`. */
function sessionBody(n: number, end: number) {
  const answered = random() < 0.8;
  const start = end - 30 - Math.floor(random() * 900);
  const accept = answered ? start + Math.floor(random() * 120) : 0;
  const group = Math.floor(random() * 8);
  return {
    SdkAppId: 1_400_000_001,
    SessionId: `bench-${n}`,
    StartTimestamp: start,
    AcceptTimestamp: accept,
    EndedTimestamp: end,
    EndStatusString: answered ? pick(STATUSES.slice(0, 6)) : pick(STATUSES.slice(6)),
    QueuedSkillGroupId: 2000 + group,
    QueuedSkillGroupName: `group-${group}`,
    ...((answered || random() < 0.3) && { SeatUser: { UserId: `agent${Math.floor(random() * 60)}@example.com` } }),
  };
}

function* sessions(): Generator<CountedSession> {
  for (let n = 0; n < DAYS * PER_DAY; n++) {
    const end = FIRST_DAY + Math.floor((n / (DAYS * PER_DAY)) * DAYS * 86_400);
    const action = ACTIONS[n % ACTIONS.length] as string;
    const body = sessionBody(n, end);
    yield {
      action,
      hash: recordHash(body.SessionId, currentRecordKey(action, String(body.SdkAppId))),
      versionId: versionIdOf(body),
      contribution: contributionOf(body, end),
    };
  }
}

async function batchWrite(
  client: DynamoDBClient,
  table: string,
  items: Iterable<Record<string, never>>,
  concurrency = 8,
) {
  let written = 0;
  const queue: Array<Record<string, never>[]> = [];
  let chunk: Record<string, never>[] = [];
  const workers: Promise<void>[] = [];
  const drain = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      let pending = next.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
        pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
      }
      written += next.length;
    }
  };
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === 25) {
      queue.push(chunk);
      chunk = [];
      if (queue.length > concurrency * 4) await Promise.all(Array.from({ length: concurrency }, drain));
    }
  }
  if (chunk.length > 0) queue.push(chunk);
  workers.push(...Array.from({ length: concurrency }, drain));
  await Promise.all(workers);
  return written;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

async function main() {
  // Powertools Metrics warns on every request that published nothing: not a bench figure.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).startsWith('No application metrics')) warn(...args);
  };
  const { startDynamoDbLocal } = await import(path.join(__dirname, '..', 'scripts', 'dynamodb-local.mjs'));
  const { ensureLocalTables } = await import(path.join(__dirname, '..', 'scripts', 'local-tables.mjs'));
  const db = await startDynamoDbLocal({ quiet: true });
  try {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      TCCC_AUTH: 'none',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    const tables = await ensureLocalTables(db.endpoint, 'bench');
    const client = createDynamoDbClient();
    const reportStore = new DynamoDbReportStore(client, tables.ReportTable);

    console.log(`seeding ${DAYS} days x ${PER_DAY} sessions (${DAYS * PER_DAY}) into ${tables.ReportTable} ...`);
    let started = performance.now();
    const written = await batchWrite(
      client,
      tables.ReportTable,
      reportItemsOf(sessions()) as Iterable<Record<string, never>>,
    );
    console.log(`seeded ${written} items in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const report = createReportHandler({ reports: reportStore });
    const range = {
      from: new Date(FIRST_DAY * 1000).toISOString(),
      to: new Date((FIRST_DAY + DAYS * 86_400) * 1000).toISOString(),
    };
    const summaryOf = async (query: Record<string, string>) => {
      const t = performance.now();
      const reply = await report({
        version: '2.0',
        routeKey: 'GET /reports/summary',
        rawPath: '/reports/summary',
        rawQueryString: new URLSearchParams(query).toString(),
        headers: {},
        queryStringParameters: query,
        requestContext: { requestId: `bench-${Math.random()}`, http: { method: 'GET' } },
        isBase64Encoded: false,
      } as never);
      const ms = performance.now() - t;
      if (reply.statusCode !== 200) throw new Error(`summary answered ${reply.statusCode}: ${reply.body}`);
      return { ms, body: JSON.parse(reply.body) };
    };
    const figures: Array<[string, number, number, number, number]> = [];
    for (const [name, query] of [
      ['by day, UTC', { ...range, groupBy: 'day' }],
      ['by seat, UTC', { ...range, groupBy: 'seat' }],
      ['by day, Asia/Shanghai', { ...range, groupBy: 'day', tz: 'Asia/Shanghai' }],
      ['by hour, UTC', { ...range, groupBy: 'hour' }],
    ] as const) {
      const first = await summaryOf(query);
      const times: number[] = [];
      for (let run = 0; run < RUNS; run++) times.push((await summaryOf(query)).ms);
      figures.push([name, median(times), Math.max(...times), first.body.totals.sessions, first.body.groups.length]);
    }
    console.log(`\nGET /reports/summary over ${DAYS} days (${RUNS} timed runs each, after one warm-up):`);
    console.log('  query                    median ms   max ms   sessions  groups');
    for (const [name, med, max, total, groups] of figures) {
      console.log(
        `  ${name.padEnd(24)} ${med.toFixed(0).padStart(9)} ${max.toFixed(0).padStart(8)} ${String(total).padStart(10)} ${String(groups).padStart(7)}`,
      );
    }

    // The write path: a push is still one write request; the stream consumer does the rest.
    const counts = { pushWrites: 0, consumerWrites: 0 };
    const counting = (key: keyof typeof counts) => {
      const counted = createDynamoDbClient();
      counted.middlewareStack.add(
        (next, context) => async (args) => {
          if (/^(Put|Update|Delete|BatchWrite|TransactWrite)/.test(context.commandName ?? '')) counts[key]++;
          return next(args);
        },
        { step: 'initialize', name: 'countWrites' },
      );
      return counted;
    };
    const pushClient = counting('pushWrites');
    const records = new DynamoDbRecordStore(pushClient, tables.CdrTable);
    const push = createPushHandler({
      store: records,
      quarantine: new DynamoDbQuarantineStore(pushClient, tables.QuarantineTable),
    });
    const consumerClient = counting('consumerWrites');
    const consumer = createAggregateHandler({
      reports: new DynamoDbReportStore(consumerClient, tables.ReportTable),
      records: new DynamoDbRecordStore(consumerClient, tables.CdrTable),
    });
    const before = (await summaryOf({ ...range, groupBy: 'day' })).body.totals.sessions;
    const PUSHES = 200;
    started = performance.now();
    for (let n = 0; n < PUSHES; n++) {
      const end = FIRST_DAY + Math.floor(DAYS / 2) * 86_400 + n * 60;
      const body = {
        ...sessionBody(DAYS * PER_DAY + n, end),
        EndStatusString: 'ok',
        UserId: 'u',
        SeatUser: { UserId: 'agent1@example.com' },
      };
      const reply = await push({
        version: '2.0',
        routeKey: 'POST /',
        rawPath: '/',
        rawQueryString: 'action=cdr&version=1',
        headers: { 'content-type': 'application/json;charset=utf8' },
        queryStringParameters: { action: 'cdr', version: '1' },
        requestContext: { requestId: `push-${n}`, http: { method: 'POST' } },
        body: JSON.stringify(body),
        isBase64Encoded: false,
      } as never);
      if (JSON.parse(reply.body).ErrCode !== 0) throw new Error(`push refused: ${reply.body}`);
    }
    const pushMs = performance.now() - started;
    started = performance.now();
    await new StreamPoller(client, tables.CdrTable, consumer).pollOnce();
    const consumerMs = performance.now() - started;
    const after = (await summaryOf({ ...range, groupBy: 'day' })).body.totals.sessions;
    console.log(`\nwrite path: ${PUSHES} new cdr pushes through the push handler`);
    console.log(
      `  write requests per push:             ${(counts.pushWrites / PUSHES).toFixed(2)} (one PutItem; the index entries and the stream record are DynamoDB's)`,
    );
    console.log(`  push handler, mean ms per push:      ${(pushMs / PUSHES).toFixed(1)}`);
    console.log(
      `  stream consumer writes per session:  ${(counts.consumerWrites / PUSHES).toFixed(2)} (batches of 100; off the push path)`,
    );
    console.log(`  stream consumer, ms for all:         ${consumerMs.toFixed(0)}`);
    console.log(
      `  summary sessions before/after:       ${before} -> ${after} (${after - before === PUSHES ? 'every push counted once' : 'MISMATCH'})`,
    );
    if (after - before !== PUSHES || counts.pushWrites !== PUSHES) process.exitCode = 1;
  } finally {
    await db.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
