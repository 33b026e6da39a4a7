// `npm run bench:reports`: what the reports cost and how fast they answer (issue 11), on
// DynamoDB Local through the real handlers. See bench/README.md, "Reports".
//   1. a realistic day replayed at 200, 2,000 and 10,000 agents: units per push by table and index;
//   2. the lag from push to visible in GET /reports/summary under `npm start`;
//   3. 90 days x 5,000 sessions a day, seeded in bulk: the summaries timed;
//   4. the whole system's cost per million pushes, by component.
import './reports-env';
import './reports/log-sink';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { createPatientDynamoDbClient } from '../handler/aws/dynamodb-client';
import { costPerMillion, loadCapacityModule, READ_UNIT_PRICE } from './reports/cost-model';
import { type DayReplay, replayDay } from './reports/day-replay';
import { print, printError } from './reports/log-sink';
import { percentile, pushLag } from './reports/push-lag';
import { REALISTIC_DAY } from './reports/realistic-day';
import { seededRange } from './reports/seeded-range';

const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0`);
  return value;
};
// An empty BENCH_AGENTS skips parts 1 and 4; BENCH_LAG_SECONDS=0 part 2; BENCH_DAYS=0 part 3.
const AGENTS = (process.env.BENCH_AGENTS ?? '200,2000,10000').split(',').filter(Boolean).map(Number);
const DAY_SESSIONS = number('BENCH_DAY_SESSIONS', REALISTIC_DAY.sessions);
const LAG_SECONDS = number('BENCH_LAG_SECONDS', 30);
const LAG_RATE = number('BENCH_LAG_RATE', 20);
const RANGE = {
  days: number('BENCH_DAYS', 90),
  perDay: number('BENCH_SESSIONS_PER_DAY', 5_000),
  runs: number('BENCH_RUNS', 15),
};
const WRU_TARGET = 8;
const WRU_AIM = 6;
const DEARER_TARGET = 0.1;
const LAG_TARGET_MS = 5_000;
const ANSWER_TARGET_MS = 1_000;

const root = path.join(__dirname, '..');
const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
const load = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
const problems: string[] = [];

async function withDynamoDbLocal<T>(work: (endpoint: string) => Promise<T>): Promise<T> {
  const { startDynamoDbLocal } = await import(path.join(root, 'scripts', 'dynamodb-local.mjs'));
  const { localEnv } = await import(path.join(root, 'scripts', 'local-env.mjs'));
  const db = await startDynamoDbLocal({ quiet: true });
  // The handlers' own clients find it as npm start's do.
  Object.assign(process.env, localEnv(db.endpoint));
  try {
    return await work(db.endpoint);
  } finally {
    await db.stop();
  }
}

const tablesFor = async (endpoint: string, stage: string) => {
  const { ensureLocalTables } = await import(path.join(root, 'scripts', 'local-tables.mjs'));
  return (await ensureLocalTables(endpoint, stage)) as {
    CdrTable: string;
    QuarantineTable: string;
    ReportTable: string;
  };
};

function printReplays(days: DayReplay[]) {
  const cell = (values: string[]) => values.map((value) => value.padStart(14)).join('');
  const row = (name: string, values: string[]) => print(`  ${name.padEnd(50)}${cell(values)}`);
  const per = (day: DayReplay, value: number) => (value / day.pushes).toFixed(2);
  const units = (day: DayReplay, map: Map<string, number>, key: string) => per(day, map.get(key) ?? 0);
  const total = (day: DayReplay, map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0) / day.pushes;
  const shape = days[0]?.shape ?? REALISTIC_DAY;
  print(
    `\n1. Cost at scale: one day of ${shape.sessions} new cdr sessions (${shape.skillGroups} skill groups, 10 end statuses, ` +
      `arrivals over 08:00-20:00 UTC) and the next morning's first session, through the real push handler and stream ` +
      'consumer, batches as the template makes them (<= 100 records, 5-s window); per push:',
  );
  row(
    'agents',
    days.map((day) => String(day.shape.agents)),
  );
  row(
    'pushes / consumer batches',
    days.map((day) => `${day.pushes} / ${day.batches.length}`),
  );
  row(
    'records per batch, mean / max',
    days.map(
      (day) => `${(day.pushes / day.batches.length).toFixed(2)} / ${Math.max(...day.batches.map((b) => b.records))}`,
    ),
  );
  print('  write units per push');
  row(
    '  record table',
    days.map((day) => units(day, day.writeUnits, day.tables.CdrTable)),
  );
  row(
    '  record table GSI byEndTime',
    days.map((day) => units(day, day.writeUnits, `${day.tables.CdrTable}/byEndTime`)),
  );
  row(
    '  record table GSI bySeat',
    days.map((day) => units(day, day.writeUnits, `${day.tables.CdrTable}/bySeat`)),
  );
  row(
    '  report table',
    days.map((day) => units(day, day.writeUnits, day.tables.ReportTable)),
  );
  row(
    '  failed conditional writes (in the above)',
    days.map((day) => `${day.failedConditions} / ${day.failedConditionUnits} WRU`),
  );
  row(
    '  whole system',
    days.map((day) => total(day, day.writeUnits).toFixed(2)),
  );
  print('  read units per push');
  row(
    '  record table (currency GetItem)',
    days.map((day) => units(day, day.readUnits, day.tables.CdrTable)),
  );
  row(
    '  record table GSIs',
    days.map((day) =>
      per(
        day,
        [...day.readUnits].reduce((s, [k, v]) => (k.startsWith(`${day.tables.CdrTable}/`) ? s + v : s), 0),
      ),
    ),
  );
  row(
    '  report table',
    days.map((day) => units(day, day.readUnits, day.tables.ReportTable)),
  );
  row(
    '  whole system',
    days.map((day) => total(day, day.readUnits).toFixed(2)),
  );
  const trips = (day: DayReplay) => day.batches.map((batch) => batch.requests);
  row(
    'consumer round trips per batch, mean / p99 / max',
    days.map(
      (day) =>
        `${(trips(day).reduce((a, b) => a + b, 0) / day.batches.length).toFixed(2)} / ${percentile(trips(day), 99)} / ${Math.max(...trips(day))}`,
    ),
  );
  row(
    'push round trips per push',
    days.map((day) => per(day, day.push.requests)),
  );
  print('  largest item written (bytes)');
  for (const kind of ['record item', 'contribution', 'day state', 'rollup chunk']) {
    row(
      `  ${kind}`,
      days.map((day) => String(day.largest.find(([name]) => name === kind)?.[1] ?? '-')),
    );
  }
  row(
    'every push counted once',
    days.map((day) => (day.problems.length === 0 ? 'yes' : 'NO')),
  );
  const base = days[0] ? total(days[0], days[0].writeUnits) : Number.NaN;
  row(
    `whole-system WRU per push <= ${WRU_TARGET} (aim ${WRU_AIM})`,
    days.map((day) => verdict(total(day, day.writeUnits) <= WRU_TARGET)),
  );
  row(
    `<= ${DEARER_TARGET * 100}% dearer per push than at ${days[0]?.shape.agents} agents`,
    days.map((day, n) => {
      if (n === 0) return '-';
      const dearer = total(day, day.writeUnits) / base - 1;
      return `${verdict(dearer <= DEARER_TARGET)} ${dearer >= 0 ? '+' : ''}${(dearer * 100).toFixed(1)}%`;
    }),
  );
  for (const day of days) for (const problem of day.problems) print(`  ${day.shape.agents} agents: ${problem}`);
}

async function main() {
  const started = Date.now();
  print(
    `bench:reports on ${os.cpus().length} cores, Node ${process.version}; load average ${load()} at ${new Date().toISOString()}`,
  );
  const capacity = await loadCapacityModule();
  const serverless = loadYaml(readFileSync(path.join(root, 'serverless.yml'), 'utf8')) as {
    provider?: { memorySize?: number };
    functions?: Record<string, { memorySize?: number }>;
  };
  const memoryMb = Number(serverless.functions?.aggregate?.memorySize ?? serverless.provider?.memorySize ?? 1024);

  // 1. Cost at scale.
  const days = await withDynamoDbLocal(async (endpoint) => {
    const replays: DayReplay[] = [];
    for (const agents of AGENTS) {
      const tables = await tablesFor(endpoint, `day${agents}`);
      const shape = { ...REALISTIC_DAY, sessions: DAY_SESSIONS, agents };
      const began = Date.now();
      replays.push(await replayDay(shape, tables, capacity.itemSize, `day${agents}`));
      printError(`  (replayed ${agents} agents in ${((Date.now() - began) / 1000).toFixed(0)} s; load ${load()})`);
    }
    return replays;
  });
  if (days.length > 0) printReplays(days);
  else print('\n1. Cost at scale: skipped (BENCH_AGENTS is empty)');
  for (const day of days) problems.push(...day.problems.map((problem) => `${day.shape.agents} agents: ${problem}`));

  // 2. Lag under npm start.
  if (LAG_SECONDS > 0) {
    const lag = await pushLag(LAG_SECONDS, LAG_RATE);
    const ms = (values: number[], p: number) => `${(percentile(values, p) / 1000).toFixed(2)} s`;
    print(
      `\n2. Lag from push to visible in GET /reports/summary under npm start, ${LAG_RATE} pushes/s for ${LAG_SECONDS} s (load ${load()}):`,
    );
    print(
      `  pushes ${lag.pushes}, stored ${lag.stored}, visible ${lag.visible}; npm start's stream poll every ${lag.pollMs} ms, summary polled every ~100 ms`,
    );
    for (const [why, count] of lag.refusals) print(`  pushed again after: ${why} (${count}x)`);
    print(
      `  push sent -> visible in the summary   p50 ${ms(lag.lagMs, 50)}  p99 ${ms(lag.lagMs, 99)}  max ${ms(lag.lagMs, 100)}   target p99 <= 5 s: ${verdict(lag.visible === lag.pushes && percentile(lag.lagMs, 99) <= LAG_TARGET_MS)}`,
    );
    print(`  of which: push sent -> stored (reply)  p50 ${ms(lag.replyMs, 50)}  p99 ${ms(lag.replyMs, 99)}`);
    print(
      `  one GET /reports/summary               p50 ${ms(lag.summaryMs, 50)}  p99 ${ms(lag.summaryMs, 99)}  (${lag.summaryMs.length} polls)`,
    );
    if (lag.stored !== lag.pushes || lag.visible !== lag.pushes) {
      problems.push(`lag: ${lag.stored} of ${lag.pushes} pushes stored, ${lag.visible} visible`);
    }
  } else {
    print('\n2. Lag under npm start: skipped (BENCH_LAG_SECONDS=0)');
  }

  // 3. 90 days in bulk, the summaries timed.
  if (RANGE.days > 0) {
    const range = await withDynamoDbLocal(async (endpoint) => {
      const tables = await tablesFor(endpoint, 'range');
      return seededRange(createPatientDynamoDbClient(), tables.ReportTable, RANGE);
    });
    print(
      `\n3. GET /reports/summary over ${RANGE.days} days x ${RANGE.perDay} sessions a day (cdr, imcdr, videoCdr; 60 agents, 8 skill groups), ` +
        `seeded with reportItemsOf: ${range.items} items in ${range.seedSeconds.toFixed(1)} s; ${RANGE.runs} timed runs after one warm-up (load ${load()}):`,
    );
    print('  query                              median ms   max ms   sessions   groups   target median <= 1 s');
    for (const query of range.figures) {
      print(
        `  ${query.name.padEnd(34)} ${query.medianMs.toFixed(0).padStart(9)} ${query.maxMs.toFixed(0).padStart(8)} ${String(query.sessions).padStart(10)} ${String(query.groups).padStart(8)}   ${query.targeted ? verdict(query.medianMs <= ANSWER_TARGET_MS) : '(info)'}`,
      );
      const expected = query.name.startsWith(`${RANGE.days} days`) ? RANGE.days * RANGE.perDay : undefined;
      if (expected !== undefined && query.sessions !== expected)
        problems.push(`${query.name}: ${query.sessions} sessions of ${expected}`);
    }
  } else {
    print('\n3. The seeded summaries: skipped (BENCH_DAYS=0)');
  }

  // 4. Cost per million pushes, at the first (realistic) size.
  const [realistic] = days;
  if (realistic) {
    const lines = costPerMillion(realistic, capacity, memoryMb);
    const total = lines.reduce((sum, line) => sum + line.dollars, 0);
    print(
      `\n4. Whole-system cost per million new cdr pushes at ${realistic.shape.agents} agents, ${capacity.PRICES.region} list prices ` +
        `(DynamoDB on-demand $${(capacity.PRICES.dynamoDbWriteUnit * 1e6).toFixed(3)}/M WRU, $${(READ_UNIT_PRICE * 1e6).toFixed(3)}/M RRU; ` +
        `Lambda arm64 $${capacity.PRICES.lambdaGbSecond}/GB-s + $${(capacity.PRICES.lambdaRequest * 1e6).toFixed(2)}/M requests at ${memoryMb} MB; ` +
        `HTTP API $${(capacity.PRICES.httpApiRequest * 1e6).toFixed(2)}/M; Logs $${capacity.PRICES.logsIngestedGb}/GB):`,
    );
    for (const line of lines)
      print(`  ${line.component.padEnd(44)} ${line.what.padEnd(52)} $${line.dollars.toFixed(2).padStart(6)}`);
    print(`  ${'whole system'.padEnd(44)} ${''.padEnd(52)} $${total.toFixed(2).padStart(6)}`);
  }

  print(`\nbench:reports took ${((Date.now() - started) / 1000).toFixed(0)} s; load average ${load()}`);
  if (problems.length > 0) {
    print(`NOT every push was counted once:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    print('every push was counted once: exit 0');
  }
}

main().catch((error) => {
  printError(String(error?.stack ?? error));
  process.exit(1);
});
