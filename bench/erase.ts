// `npm run bench:erase`: what the person lookup costs per push, and what finding and erasing one
// person costs among many records, on DynamoDB Local through the real handlers. See
// bench/README.md, "Erasure".
//   1. each sample of events/ pushed, its stream record through the lookup's consumer: lookup
//      items, write units and largest item per push; the extra cost per million voice CDRs;
//   2. ERASE_BENCH_RECORDS (100,000) stored voice CDRs, one person in 3 sessions: plan (the
//      --dry-run) and erase timed and their requests counted, against a full scan of the table.
import './erase-env';
import './reports/log-sink';
import os from 'node:os';
import path from 'node:path';
import { paginateScan } from '@aws-sdk/client-dynamodb';
import { createPatientDynamoDbClient } from '../handler/aws/dynamodb-client';
import { Erasure } from '../handler/privacy/erasure';
import { BATCH_SIZE, type LookupCost, measureLookupCost, type Tables } from './erase-lookup-cost';
import { PERSON, seed } from './erase-seed';
import { loadCapacityModule, READ_UNIT_PRICE } from './reports/cost-model';
import { print, printError } from './reports/log-sink';

const RECORDS = Number(process.env.ERASE_BENCH_RECORDS ?? 100_000);
if (!Number.isSafeInteger(RECORDS) || RECORDS < 10) throw new Error('ERASE_BENCH_RECORDS must be an integer >= 10');
/** Voice CDRs pushed for the consumer's batch cost: 3 full batches. */
const CDR_PUSHES = 3 * BATCH_SIZE;
const KEY = 'erase-bench-privacy-hash-key-32-characters';
/** The lookup's Lambda, as serverless.yml's provider sets every function: arm64, 256 MB. */
const LAMBDA_MEMORY_MB = 256;
const TARGET = { records: 1_000_000, seconds: 60 };

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const dollars = (value: number) => `$${value.toFixed(4)}`;
const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');

async function printLookupCost({ samples, singleBatchMs, cdrBatches }: LookupCost) {
  const { PRICES } = await loadCapacityModule();
  print('  sample          lookup items  WRU  largest item');
  for (const s of samples) {
    print(
      `  ${s.sample.padEnd(14)}  ${String(s.lookupItems).padStart(12)}  ${String(s.writeUnits).padStart(3)}  ${String(s.maxItemBytes).padStart(9)} B`,
    );
  }
  const perPush = cdrBatches.writeUnits / cdrBatches.pushes;
  const lambda = (recordsPerBatch: number, batchMs: number) => {
    const invocations = 1e6 / recordsPerBatch;
    const gbSeconds = invocations * (LAMBDA_MEMORY_MB / 1024) * (Math.ceil(batchMs) / 1000);
    return invocations * PRICES.lambdaRequest + gbSeconds * PRICES.lambdaGbSecond;
  };
  const writes = perPush * 1e6 * PRICES.dynamoDbWriteUnit;
  const full = lambda(BATCH_SIZE, cdrBatches.meanBatchMs);
  print(
    `\n  extra cost per million cdr pushes (${PRICES.region} list prices, bench/capacity.mjs): ${dollars(writes + full)}`,
  );
  print(
    `    privacy table writes  ${dollars(writes)}  (${perPush.toFixed(2)} WRU per push at $${(PRICES.dynamoDbWriteUnit * 1e6).toFixed(3)} per million; ${cdrBatches.pushes} pushes metered)`,
  );
  print(
    `    lookup Lambda         ${dollars(full)}  (assumed: full batches of ${BATCH_SIZE} records, 10,000 invocations; ` +
      `${cdrBatches.batches} batches measured, mean ${cdrBatches.meanBatchMs.toFixed(1)} ms on DynamoDB Local, ` +
      `billed at ${LAMBDA_MEMORY_MB} MB arm64 and $0.20 per million requests)`,
  );
  print(
    `    in quiet hours, 1 record per batch (mean ${singleBatchMs.toFixed(1)} ms above): Lambda ${dollars(lambda(1, singleBatchMs))} a million instead`,
  );
}

async function eraseOnePerson(tables: Tables): Promise<boolean> {
  const client = createPatientDynamoDbClient();
  print(
    `\n2. One person among ${RECORDS} stored records (${RECORDS - 1} voice CDRs, 1 recording; ` +
      'each as the writer stores it, with its lookup items as the consumer writes them):',
  );
  let started = performance.now();
  const seeded = await seed(client, { records: tables.CdrTable, privacy: tables.PrivacyTable }, RECORDS, KEY);
  print(
    `seeded ${seeded.records} records and ${seeded.lookupItems} lookup items in ${seconds(performance.now() - started)} s`,
  );

  let requests = 0;
  const counted = createPatientDynamoDbClient();
  counted.middlewareStack.add(
    (next) => async (args) => {
      requests++;
      return next(args);
    },
    { step: 'initialize', name: 'eraseBenchRequests' },
  );
  const erasure = new Erasure(
    { client: counted, records: tables.CdrTable, quarantine: tables.QuarantineTable, privacy: tables.PrivacyTable },
    KEY,
  );
  started = performance.now();
  const plan = await erasure.plan({ kind: 'phone', value: PERSON.asCallee });
  const planMs = performance.now() - started;
  const planRequests = requests;
  started = performance.now();
  await erasure.erase(plan);
  const eraseMs = performance.now() - started;
  const eraseRequests = requests - planRequests;
  print(
    `erase one person (${plan.sessions.length} sessions) among ${RECORDS} records: found (--dry-run) in ${planMs.toFixed(0)} ms, ` +
      `${planRequests} requests; erased in ${eraseMs.toFixed(0)} ms more, ${eraseRequests} requests`,
  );
  const found = plan.sessions.map((session) => session.sessionId).sort();
  const exact = JSON.stringify(found) === JSON.stringify([...seeded.personSessions].sort());
  const after = (await erasure.plan({ kind: 'phone', value: PERSON.asCaller })).sessions.length;
  print(
    `  found exactly the person's 3 seeded sessions: ${exact ? 'yes' : `NO (${found.join(', ')})`}; afterwards the lookup finds ${after}`,
  );

  started = performance.now();
  let scanned = 0;
  let readUnits = 0;
  for await (const page of paginateScan({ client }, { TableName: tables.CdrTable, ReturnConsumedCapacity: 'TOTAL' })) {
    scanned += page.Count ?? 0;
    readUnits += page.ConsumedCapacity?.CapacityUnits ?? 0;
  }
  const scanMs = performance.now() - started;
  const scale = TARGET.records / scanned;
  print(
    `a full scan of the record table (${scanned} items): ${scanned} items in ${seconds(scanMs)} s, ${readUnits.toFixed(0)} RRU; ` +
      `at ${TARGET.records.toLocaleString('en-US')} records about ${seconds(scanMs * scale)} s and ${(readUnits * scale).toFixed(0)} RRU (${dollars(readUnits * scale * READ_UNIT_PRICE)}) per person looked for`,
  );
  const totalMs = planMs + eraseMs;
  print(
    `erase one person among ${TARGET.records.toLocaleString('en-US')} records <= ${TARGET.seconds} s: about ${seconds(totalMs)} s ` +
      `(${planRequests + eraseRequests} requests, each reading only the person's lookup partitions, index entries and sessions: ` +
      `the same count at any table size)   ${verdict(totalMs <= TARGET.seconds * 1000 && exact)}`,
  );
  client.destroy();
  counted.destroy();
  return exact && after === 0;
}

async function main() {
  print(
    `bench:erase on ${os.cpus().length} cores, Node ${process.version}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const { startDynamoDbLocal } = await import(path.join(__dirname, '..', 'scripts', 'dynamodb-local.mjs'));
  const { localEnv } = await import(path.join(__dirname, '..', 'scripts', 'local-env.mjs'));
  const { ensureLocalTables } = await import(path.join(__dirname, '..', 'scripts', 'local-tables.mjs'));
  const db = await startDynamoDbLocal({ quiet: true });
  try {
    // The handlers' own clients find it as npm start's do.
    Object.assign(process.env, localEnv(db.endpoint));
    // Each part on its own tables: part 2's record table holds exactly the records it seeded.
    const tablesOf = async (stage: string) => (await ensureLocalTables(db.endpoint, stage)) as unknown as Tables;
    const { itemSize } = await loadCapacityModule();
    print(
      '\n1. The person lookup per push: each sample of events/ pushed (fresh SessionId) through the push handler, ' +
        'its stream record through the lookup consumer; privacy table units as DynamoDB Local reports them:',
    );
    const cost = await measureLookupCost(await tablesOf('erasebench'), KEY, itemSize, CDR_PUSHES);
    await printLookupCost(cost);
    if (!(await eraseOnePerson(await tablesOf('eraseperson')))) process.exitCode = 1;
  } finally {
    await db.stop();
  }
}

main().catch((error: Error) => {
  printError(`bench:erase: ${error.stack ?? error.message}`);
  process.exit(1);
});
