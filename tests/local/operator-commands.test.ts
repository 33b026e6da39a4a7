import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { toHttpRequest } from '../../handler/http/http-request';
import { quarantineEntry } from '../../handler/intake/quarantine-push';
import { DynamoDbQuarantineStore } from '../../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import { pushEvent, sampleOf, sampleRecord } from '../support/events';
import {
  dataDir,
  eventually,
  type LocalReceiver,
  localDynamoDbClient,
  startLocalReceiver,
  userEnv,
} from '../support/local-receiver';
import { documented, runDocumented } from '../support/readme';
import { putLegacyLayoutItems, saveWithoutIndexes } from '../support/stored-before';

/**
 * The README's operator commands without `--stage`, run as written in a shell against the
 * DynamoDB Local of a running `npm start` (TCCC_AUTH=basic): the shell says where it listens
 * with DYNAMODB_PORT, as for `npm run invoke`. Their effect is read back through the
 * receiver's own HTTP routes, the reports through its stream consumer.
 */
const RECORDS = 'tccc-cdr-receiver-dev-cdrs';
const QUARANTINE = 'tccc-cdr-receiver-dev-quarantine';
const PASSWORD = randomBytes(12).toString('base64url');
const AUTHORIZATION = `Basic ${Buffer.from(`tccc:${PASSWORD}`).toString('base64')}`;

const data = dataDir();
let receiver: LocalReceiver;
let client: DynamoDBClient;
beforeAll(async () => {
  receiver = await startLocalReceiver(data.dir, {
    TCCC_AUTH: 'basic',
    TCCC_BASIC_USERNAME: 'tccc',
    TCCC_BASIC_PASSWORD: PASSWORD,
    STREAM_POLL_MS: '200',
  });
  client = localDynamoDbClient(receiver.dynamoDbEndpoint);
}, 120_000);
afterAll(async () => {
  client?.destroy();
  if (receiver) expect(await receiver.stop()).toBe(true);
  data.remove();
});

/** The command in the operator's shell, which knows where `npm start` put DynamoDB Local. */
const run = (command: string) =>
  runDocumented(command, userEnv({ DYNAMODB_PORT: String(receiver.ports.dynamodb), NO_COLOR: '1' }));

async function get(pathAndQuery: string) {
  const reply = await fetch(`${receiver.base}${pathAndQuery}`, { headers: { authorization: AUTHORIZATION } });
  return { status: reply.status, body: (await reply.json()) as Record<string, any> };
}

// 2034-03-01T00:00Z: a day of its own.
const DAY = 2_024_870_400;
const range = `from=${DAY}&to=${DAY + 86_400}`;

describe('the README’s operator commands against npm start’s DynamoDB Local, run as written', () => {
  it('npm run reindex: a record stored before the indexes is found by /sessions and counted by /reports/summary', async () => {
    const old = sampleOf('cdr', { StartTimestamp: DAY + 100, AcceptTimestamp: DAY + 130, EndedTimestamp: DAY + 400 });
    await saveWithoutIndexes(new DynamoDbRecordStore(client, RECORDS), old);
    expect((await get(`/sessions?${range}`)).body.items).toEqual([]);

    const command = documented('npm run reindex');
    const first = await run(command);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`reindex ${RECORDS}: 1 record(s) indexed, 0 replaced meanwhile (already indexed)`);
    const found = await get(`/sessions?${range}`);
    expect(found.body.items.map((item: { record: unknown }) => item.record)).toEqual([old]);

    // The stream brings it into the reports: wait for the settled figures, not the first change.
    const summary = await eventually(
      async () => (await get(`/reports/summary?${range}&groupBy=day`)).body,
      (body) => body.totals?.sessions === 1 && body.totals?.answered === 1,
      60_000,
    );
    expect(summary.totals).toMatchObject({ sessions: 1, answered: 1, avgWaitSeconds: 30, avgHandleSeconds: 270 });

    const again = await run(command);
    expect(again.stdout).toContain(`reindex ${RECORDS}: 0 record(s) indexed`);
  }, 120_000);

  it('npm run migrate: the first layout’s records are read back in today’s, every version kept', async () => {
    const ids = await putLegacyLayoutItems(client, RECORDS);
    const multi = ids.get('legacy-multi') as string;
    expect((await get(`/sessions/${multi}`)).status).toBe(404);

    const command = documented('npm run migrate');
    const first = await run(command);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `migrate ${RECORDS}: 2 session(s), 4 version(s) stored, 6 legacy item(s) removed, 0 refused`,
    );
    const versions = await get(`/sessions/${multi}/versions`);
    expect(versions.status).toBe(200);
    expect(
      versions.body.items.map((item: { record: { EndedTimestamp: number } }) => item.record.EndedTimestamp),
    ).toEqual([1700000030, 1700000060, 1700000090]);
    expect((await get(`/cdrs/${multi}`)).body.record).toMatchObject({ SessionId: multi, EndedTimestamp: 1700000090 });
    expect((await get(`/sessions/${ids.get('legacy-single')}`)).body.items).toHaveLength(1);

    expect((await run(command)).stdout).toContain(`migrate ${RECORDS}: 0 session(s)`);
  }, 120_000);

  it('npm run quarantine -- list, show <id>, replay <id>, replay --all: what npm start kept, without its credentials', async () => {
    // Refused by this receiver: an SdkAppId that is not a number.
    const refusedRecord = sampleRecord({ SdkAppId: 'not-a-number' });
    const refused = await fetch(`${receiver.base}/?action=videoCdr&version=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=utf8', authorization: AUTHORIZATION },
      body: JSON.stringify(refusedRecord),
    });
    expect(((await refused.json()) as { ErrCode: number }).ErrCode).toBe(1002);
    // Kept by an older, stricter receiver; valid today.
    const valid = sampleRecord();
    const kept = quarantineEntry(
      toHttpRequest(pushEvent(valid, { headers: { 'content-type': 'application/json', 'x-tccc-push-uuid': 'older' } })),
      { errCode: 1002, errMsg: 'schema violation: (an older schema)' },
      new Date('2026-11-20T10:00:00Z'),
    );
    await new DynamoDbQuarantineStore(client, QUARANTINE).put(kept);

    const list = await run(documented('npm run quarantine -- list'));
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('2 quarantined push(es)');
    const refusedLine = lines.find((line) => line.includes('/SdkAppId must be integer')) ?? '';
    const refusedId = refusedLine.split('  ')[0] as string;
    expect(refusedLine).toMatch(/ {2}ErrCode 1002 {2}\d+ B {2}action=videoCdr {2}/);
    expect(lines.some((line) => line.startsWith(`${kept.id}  2026-11-20T10:00:00.000Z  ErrCode 1002`))).toBe(true);

    const show = await run(documented('npm run quarantine -- show <id>').replace('<id>', refusedId));
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.stdout.slice(show.stdout.indexOf('{')));
    expect(shown).toMatchObject({ id: refusedId, errCode: 1002, query: { action: 'videoCdr', version: '1' } });
    expect(JSON.parse(shown.body)).toEqual(refusedRecord);
    // The push's credentials were not kept: neither the header nor the password.
    expect(Object.keys(shown.headers)).not.toContain('authorization');
    expect(show.stdout).not.toContain(PASSWORD);
    expect(show.stdout).not.toContain(AUTHORIZATION.slice('Basic '.length));

    const replayOne = documented('npm run quarantine -- replay <id>');
    const replayed = await run(replayOne.replace('<id>', kept.id));
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain(`${kept.id}: stored; removed from the quarantine`);
    const [item] = (await get(`/sessions/${valid.SessionId}`)).body.items;
    expect(item.record).toEqual(valid);
    expect(item.receipt).toMatchObject({ receivedAt: '2026-11-20T10:00:00.000Z', pushId: 'older' });
    expect(item.receipt.replayedAt).toEqual(expect.any(String));

    // "or --all": the one still refused today stays, and the exit code says so.
    const all = await run(replayOne.replace('<id>', '--all'));
    expect(all.code).toBe(1);
    expect(all.stdout).toContain(`${refusedId}: still refused (SCHEMA_VIOLATION`);
    expect((await run(documented('npm run quarantine -- list'))).stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${refusedId}  `)),
      '1 quarantined push(es)',
    ]);
  }, 120_000);
});
