// `npm run bench:reconcile`: reconciling a day of 5,000 calls and 2,000 chats against the TCCC API
// stand-in (tests/support/tccc-api-stand-in.ts, through the SDK's CommonClient, signed, at TCCC's
// 20 requests a second) and DynamoDB Local with the tables of infra/. 99% of the day is stored
// beforehand through the push's writer; the rest is left out. Prints time, DynamoDB read units per
// session checked (as DynamoDB Local reports them), TCCC requests, what was backfilled, and the
// cost per day of the schedule's default (hourly, over 6 hours), each with its target and PASS/FAIL.
import path from 'node:path';
import { createPatientDynamoDbClient } from '../handler/aws/dynamodb-client';
import { decodeRecord } from '../handler/decode/decode-push';
import { newRecordOf, receiptOf } from '../handler/intake/new-record';
import { type PushType, pushTypeOf } from '../handler/push-types/push-registry';
import { reconcile } from '../handler/reconcile/reconcile';
import { StoredKeys } from '../handler/reconcile/stored-keys';
import { commonClientSend, createTcccApi } from '../handler/reconcile/tccc-api';
import { DynamoDbRecordWriter } from '../handler/records/dynamodb-record-writer';
import { STAND_IN_SECRET_ID, STAND_IN_SECRET_KEY, tcccApiStandIn } from '../tests/support/tccc-api-stand-in';
import { tcccDay } from '../tests/support/tccc-day';

const CALLS = Number(process.env.BENCH_CALLS ?? 5_000);
const CHATS = Number(process.env.BENCH_CHATS ?? 2_000);
/** Every 100th session is left out: the push path lost 1%. */
const LOST_EVERY = 100;
const SDK_APP_ID = 1_400_000_001;
const TARGET_SECONDS = 60;
const TARGET_READ_UNITS_PER_SESSION = 0.1;
/** The schedule's default: every hour over the last 6, so each session is checked 6 times a day. */
const RUNS_PER_DAY = 24;
const CHECKS_PER_SESSION_PER_DAY = 6;
const PRICES = {
  region: 'us-east-1',
  readUnit: 0.125 / 1e6,
  writeUnit: 0.625 / 1e6,
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
};
const LAMBDA_MEMORY_MB = 512;

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

async function main() {
  const { startDynamoDbLocal } = await import(path.join(__dirname, '..', 'scripts', 'dynamodb-local.mjs'));
  const { localEnv } = await import(path.join(__dirname, '..', 'scripts', 'local-env.mjs'));
  const { ensureLocalTables } = await import(path.join(__dirname, '..', 'scripts', 'local-tables.mjs'));
  const db = await startDynamoDbLocal({ quiet: true });
  const day0 = Math.floor(Date.now() / 86_400_000) * 86_400 - 86_400;
  const day = tcccDay({ day: day0, sdkAppId: SDK_APP_ID, calls: CALLS, chats: CHATS });
  const standIn = tcccApiStandIn({ telCdrs: { [SDK_APP_ID]: day.telCdrs }, imCdrs: { [SDK_APP_ID]: day.imCdrs } });
  try {
    // The handlers' own clients find it as npm start's do.
    Object.assign(process.env, localEnv(db.endpoint));
    const tables = await ensureLocalTables(db.endpoint, 'bench');
    const client = createPatientDynamoDbClient();
    const writer = new DynamoDbRecordWriter(client, tables.CdrTable);
    const saves: Array<[string, Record<string, unknown>]> = [];
    for (const [i, call] of day.calls.entries()) {
      if (i % LOST_EVERY === 7) continue;
      saves.push(['cdr', call.cdr as Record<string, unknown>]);
      for (const record of call.records) saves.push(['record', record]);
    }
    for (const [i, chat] of day.chats.entries()) if (i % LOST_EVERY !== 7) saves.push(['imcdr', chat.imcdr as never]);
    console.log(
      `storing ${saves.length} pushed records (${CALLS} calls, ${CHATS} chats, 1 in ${LOST_EVERY} left out) ...`,
    );
    await pool(saves, 16, async ([action, body]) => {
      const push = await decodeRecord(pushTypeOf(action) as PushType, '1', body);
      const receipt = receiptOf(push, { receivedAt: new Date().toISOString(), requestId: 'bench', pushId: undefined });
      return writer.save(newRecordOf(push, receipt));
    });

    const endpoint = await standIn.start();
    const api = createTcccApi(
      commonClientSend({
        secretId: STAND_IN_SECRET_ID,
        secretKey: STAND_IN_SECRET_KEY,
        host: 'ccc.tencentcloudapi.com',
        endpoint: `http://${endpoint}`,
      }),
    );
    const storedKeys = new StoredKeys(client, tables.CdrTable);
    const started = performance.now();
    const report = await reconcile(
      { sdkAppIds: [SDK_APP_ID], window: { from: day0, to: day0 + 86_399 }, dryRun: false },
      { api, storedKeys, writer },
    );
    const seconds = (performance.now() - started) / 1000;
    client.destroy();

    const { cdr, record, imcdr } = report.types;
    const sessions = cdr.found + imcdr.found;
    const checked = sessions + record.found;
    const perSession = storedKeys.readUnits / sessions;
    const backfilledUnits = (cdr.backfilled + record.backfilled) * 2; // a record item ~1-2 KB, + its index entry
    const runSeconds = seconds / (24 / CHECKS_PER_SESSION_PER_DAY); // a 6-hour window is a quarter of the day
    const costPerDay = {
      reads: storedKeys.readUnits * CHECKS_PER_SESSION_PER_DAY * PRICES.readUnit,
      writes: backfilledUnits * PRICES.writeUnit,
      lambda: RUNS_PER_DAY * ((LAMBDA_MEMORY_MB / 1024) * runSeconds * PRICES.lambdaGbSecond + PRICES.lambdaRequest),
    };
    const total = Object.values(costPerDay).reduce((a, b) => a + b, 0);
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
    console.log(`
reconcile bench: ${CALLS} calls, ${CHATS} chats, one day, one SdkAppId
  type     found  stored  missing  backfilled
  cdr     ${String(cdr.found).padStart(6)}  ${String(cdr.stored).padStart(6)}  ${String(cdr.missing).padStart(7)}  ${String(cdr.backfilled).padStart(10)}
  record  ${String(record.found).padStart(6)}  ${String(record.stored).padStart(6)}  ${String(record.missing).padStart(7)}  ${String(record.backfilled).padStart(10)}
  imcdr   ${String(imcdr.found).padStart(6)}  ${String(imcdr.stored).padStart(6)}  ${String(imcdr.missing).padStart(7)}  ${String(imcdr.backfilled).padStart(10)}
  failures: ${report.failureCount}

  time                              ${seconds.toFixed(1)} s   target <= ${TARGET_SECONDS} s   ${verdict(seconds <= TARGET_SECONDS)}
  DynamoDB read units               ${storedKeys.readUnits.toFixed(1)} in ${storedKeys.requests} requests (${checked} records of ${sessions} sessions checked)
  read units per session checked    ${perSession.toFixed(4)}   target <= ${TARGET_READ_UNITS_PER_SESSION}   ${verdict(perSession <= TARGET_READ_UNITS_PER_SESSION)}
  TCCC requests                     ${report.tcccRequests} (stand-in saw ${standIn.requests.length}; ${standIn.requests.filter((r) => r.error).length} refused)
  cost per day (${PRICES.region} list prices; hourly over 6 h, ${RUNS_PER_DAY} runs of ~${runSeconds.toFixed(1)} s at ${LAMBDA_MEMORY_MB} MB)
    DynamoDB reads   $${costPerDay.reads.toFixed(6)}  (${(storedKeys.readUnits * CHECKS_PER_SESSION_PER_DAY).toFixed(0)} RRU at $0.125/M)
    DynamoDB writes  $${costPerDay.writes.toFixed(6)}  (backfills: ~${backfilledUnits} WRU at $0.625/M; none when nothing is lost)
    Lambda           $${costPerDay.lambda.toFixed(6)}
    total            $${total.toFixed(6)} a day (TCCC's API calls: not billed per request by any source found)`);
  } finally {
    await standIn.stop();
    await db.stop();
  }
}

main().catch((error: Error) => {
  console.error(`bench:reconcile: ${error.stack ?? error.message}`);
  process.exit(1);
});
