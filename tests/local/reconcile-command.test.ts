import { randomBytes } from 'node:crypto';
import { dataDir, eventually, type LocalReceiver, startLocalReceiver, userEnv } from '../support/local-receiver';
import { documented, runDocumented } from '../support/readme';
import { STAND_IN_SECRET_ID, STAND_IN_SECRET_KEY, tcccApiStandIn } from '../support/tccc-api-stand-in';
import { type DayPushes, tcccDay } from '../support/tccc-day';

/**
 * docs/reconcile.md's command, run as written in a shell against a running `npm start`
 * (TCCC_AUTH=basic) and the TCCC API stand-in its TCCC_API_ENDPOINT names. Part of a day is
 * pushed to the receiver over HTTP, part is left out; reconcile backfills exactly what is
 * missing; a second run changes nothing; a late real push becomes current and the reports count
 * the session once. Everything is read back through the receiver's own HTTP routes.
 */
const PASSWORD = randomBytes(12).toString('base64url');
const AUTHORIZATION = `Basic ${Buffer.from(`tccc:${PASSWORD}`).toString('base64')}`;
const SDK_APP_ID = 1_400_777_001;
/** A recent day: TCCC's API reaches only the last 180 days. */
const DAY = Math.floor(Date.now() / 86_400_000) * 86_400 - 2 * 86_400;
const day = tcccDay({ day: DAY, sdkAppId: SDK_APP_ID, calls: 40, chats: 12 });
const standIn = tcccApiStandIn({ telCdrs: { [SDK_APP_ID]: day.telCdrs }, imCdrs: { [SDK_APP_ID]: day.imCdrs } });

const data = dataDir();
let receiver: LocalReceiver;
beforeAll(async () => {
  await standIn.start();
  receiver = await startLocalReceiver(data.dir, {
    TCCC_AUTH: 'basic',
    TCCC_BASIC_USERNAME: 'tccc',
    TCCC_BASIC_PASSWORD: PASSWORD,
    STREAM_POLL_MS: '200',
  });
}, 120_000);
afterAll(async () => {
  if (receiver) expect(await receiver.stop()).toBe(true);
  await standIn.stop();
  data.remove();
});

async function push(action: string, body: Record<string, unknown>) {
  const reply = await fetch(`${receiver.base}/?action=${action}&version=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf8', authorization: AUTHORIZATION },
    body: JSON.stringify(body),
  });
  expect(await reply.json()).toMatchObject({ ErrCode: 0 });
}

async function get(pathAndQuery: string) {
  const reply = await fetch(`${receiver.base}${pathAndQuery}`, { headers: { authorization: AUTHORIZATION } });
  return { status: reply.status, body: (await reply.json()) as Record<string, any> };
}

/** The operator's shell: where npm start put DynamoDB Local, the stand-in's address and keys, the app. */
const run = (command: string) =>
  runDocumented(
    command.replace('<from>', new Date(DAY * 1000).toISOString()).replace('<to>', String(DAY + 86_400)),
    userEnv({
      DYNAMODB_PORT: String(receiver.ports.dynamodb),
      TCCC_API_ENDPOINT: `http://${standIn.endpoint}`,
      TCCC_API_SECRET_ID: STAND_IN_SECRET_ID,
      TCCC_API_SECRET_KEY: STAND_IN_SECRET_KEY,
      TCCC_SDK_APP_IDS: String(SDK_APP_ID),
      NO_COLOR: '1',
    }),
  );

/** `cdr  40  36  4  4` -> the four figures of a type's line. */
function figures(stdout: string, type: string): number[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`${type} `)) ?? '';
  return line.trim().split(/\s+/).slice(1, 5).map(Number);
}

describe('npm run reconcile against npm start and the TCCC API stand-in, as docs/reconcile.md writes it', () => {
  it('backfills exactly the missing calls and recordings, lists missing chats, touches nothing stored; a second run changes nothing; a late push wins', async () => {
    const lostCalls = new Set([3, 17, 29]);
    const lostChats = new Set([2, 7]);
    // Pushed: every call but three, each without its agent-side recording when i % 9 == 0;
    // every chat but two.
    let pushedRecordings = 0;
    for (const [i, call] of day.calls.entries()) {
      if (lostCalls.has(i)) continue;
      await push('cdr', call.cdr as Record<string, unknown>);
      for (const record of i % 9 === 0 ? call.records.slice(0, 1) : call.records) {
        await push('record', record);
        pushedRecordings++;
      }
    }
    for (const [i, chat] of day.chats.entries())
      if (!lostChats.has(i)) await push('imcdr', chat.imcdr as Record<string, unknown>);
    const allRecordings = day.calls.reduce((n, call) => n + call.records.length, 0);
    const stored = day.calls[1] as DayPushes;
    const storedBefore = await get(`/sessions/${stored.sessionId}/versions`);

    const dry = await run(documented('npm run reconcile -- --from <from> --to <to> --dry-run'));
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('(dry run: nothing written)');
    expect(figures(dry.stdout, 'cdr')).toEqual([40, 37, 3, 0]);
    const lost = day.calls[3] as DayPushes;
    expect((await get(`/sessions/${lost.sessionId}`)).status).toBe(404);

    const first = await run(documented('npm run reconcile -- --from <from> --to <to>'));
    expect(first.code).toBe(0);
    expect(figures(first.stdout, 'cdr')).toEqual([40, 37, 3, 3]);
    const missingRecordings = allRecordings - pushedRecordings;
    expect(figures(first.stdout, 'record')).toEqual([
      allRecordings,
      pushedRecordings,
      missingRecordings,
      missingRecordings,
    ]);
    expect(figures(first.stdout, 'imcdr')).toEqual([12, 10, 2, 0]);
    expect(first.stdout).toContain('videoCdr  cannot be reconciled');
    expect(first.stdout).toContain('voicemail cannot be reconciled');
    for (const i of lostChats) expect(first.stdout).toContain(`  ${day.chats[i]?.sessionId}  SdkAppId ${SDK_APP_ID}`);
    expect(first.stdout).toContain('failures: 0');

    // The backfilled call, as /sessions finds it: the push's shape, a receipt saying pull.
    const backfilled = await get(`/sessions/${lost.sessionId}`);
    expect(backfilled.status).toBe(200);
    const cdr = backfilled.body.items.find((item: { action: string }) => item.action === 'cdr');
    expect(cdr.record).toMatchObject({ SdkAppId: SDK_APP_ID, SessionId: lost.sessionId, EndStatusString: 'ok' });
    expect(cdr.receipt).toMatchObject({ source: 'pull', pullApi: 'DescribeTelCdr' });
    expect(backfilled.body.items.filter((item: { action: string }) => item.action === 'record')).toHaveLength(
      lost.records.length,
    );
    // What was stored is untouched: the same versions, the same receipts.
    expect(await get(`/sessions/${stored.sessionId}/versions`)).toEqual(storedBefore);

    const second = await run(documented('npm run reconcile -- --from <from> --to <to>'));
    expect(figures(second.stdout, 'cdr')).toEqual([40, 40, 0, 0]);
    expect(figures(second.stdout, 'record')).toEqual([allRecordings, allRecordings, 0, 0]);
    expect(figures(second.stdout, 'imcdr')).toEqual([12, 10, 2, 0]);

    // The lost call's push comes after all: it becomes current, the pulled one stays a version.
    await push('cdr', lost.cdr as Record<string, unknown>);
    const current = (await get(`/sessions/${lost.sessionId}`)).body.items.find(
      (item: { action: string }) => item.action === 'cdr',
    );
    expect(current.record).toEqual(lost.cdr);
    expect(current.receipt.source).toBeUndefined();
    const versions = await get(`/sessions/${lost.sessionId}/versions`);
    expect(
      versions.body.items
        .filter((item: { action: string }) => item.action === 'cdr')
        .map((item: { receipt: { source?: string } }) => item.receipt.source ?? 'push'),
    ).toEqual(['pull', 'push']);

    // The reports count every call of the day once: 37 pushed, 3 backfilled, one of them since pushed.
    const range = `from=${DAY}&to=${DAY + 86_400}`;
    const summary = await eventually(
      async () => (await get(`/reports/summary?${range}&groupBy=day`)).body,
      (body) => body.totals?.sessions === 40 + 10,
      60_000,
    );
    expect(summary.totals.sessions).toBe(50);
    // And they stay so.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await get(`/reports/summary?${range}&groupBy=day`)).body.totals.sessions).toBe(50);
  }, 240_000);
});
