import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { loadAuthConfig } from '../handler/auth/auth-config';
import { createPushHandler } from '../handler/functions/push';
import { toHttpRequest } from '../handler/http/http-request';
import { QUARANTINE_TTL_SECONDS, quarantineEntry } from '../handler/intake/quarantine-push';
import { countingStore, quarantineStore, rawCurrentItem, rawItems } from './support/dynamodb';
import { pushEvent, sampleRecord } from './support/events';

const basicEnv = { TCCC_AUTH: 'basic', TCCC_BASIC_USERNAME: 'tccc', TCCC_BASIC_PASSWORD: 'pw' };
const goodAuth = `Basic ${Buffer.from('tccc:pw').toString('base64')}`;
const root = path.join(__dirname, '..');

const quarantine = quarantineStore();
const { store } = countingStore();
const push = createPushHandler({ store, quarantine, loadAuth: () => loadAuthConfig(basicEnv) });

const entriesFor = async (sessionId: string) =>
  (await quarantine.list()).filter((entry) => Buffer.from(entry.body).toString('utf8').includes(sessionId));

/** `npm run quarantine -- ...args` on the tests' DynamoDB Local: its stdout, and its exit code. */
function cli(...args: string[]): { stdout: string; status: number } {
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB as string;
  const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');
  const argv = [tsx, 'scripts/quarantine.ts', ...args, '--stage', 'test', '--endpoint', endpoint];
  try {
    return { stdout: execFileSync(process.execPath, argv, { cwd: root, encoding: 'utf8', stdio: 'pipe' }), status: 0 };
  } catch (error) {
    const { stdout, status } = error as { stdout: string; status: number };
    return { stdout, status };
  }
}

describe('quarantine: refused pushes are kept, and can be replayed', () => {
  it('keeps an authenticated push that fails validation: raw body, headers without credentials, errors, expiry', async () => {
    const record = sampleRecord({ SdkAppId: 'not a number' });
    const before = Date.now();

    const reply = await push(
      pushEvent(record, {
        headers: {
          'content-type': 'application/json;charset=utf8',
          authorization: goodAuth,
          'x-tccc-push-uuid': 'q-1',
        },
      }),
    );

    expect(JSON.parse(reply.body).ErrCode).toBe(1002);
    expect(await rawItems(record.SessionId)).toEqual([]);
    const [entry, ...more] = await entriesFor(record.SessionId);
    expect(more).toEqual([]);
    expect(Buffer.from(entry?.body ?? []).toString('utf8')).toBe(JSON.stringify(record));
    expect(entry).toMatchObject({
      errCode: 1002,
      errMsg: expect.stringContaining('/SdkAppId must be integer'),
      method: 'POST',
      query: { action: 'videoCdr', version: '1' },
      headers: { 'content-type': 'application/json;charset=utf8', 'x-tccc-push-uuid': 'q-1' },
      bodyTruncated: false,
    });
    expect(entry?.headers.authorization).toBeUndefined();
    const expiresAtMs = (entry?.expiresAt ?? 0) * 1000;
    expect(expiresAtMs).toBeGreaterThanOrEqual(before + QUARANTINE_TTL_SECONDS * 1000 - 1000);
    expect(expiresAtMs).toBeLessThanOrEqual(Date.now() + QUARANTINE_TTL_SECONDS * 1000);
  });

  it('keeps pushes of unknown type and malformed bodies, but not unauthenticated ones', async () => {
    const unknownType = sampleRecord();
    const unauthenticated = sampleRecord({ SdkAppId: 'x' });
    const headers = { 'content-type': 'application/json', authorization: goodAuth };

    await push(pushEvent(unknownType, { headers, query: { action: 'specifiedSeat', version: '1' } }));
    await push(pushEvent(unauthenticated, { headers: { 'content-type': 'application/json' } }));

    expect(await entriesFor(unknownType.SessionId)).toHaveLength(1);
    expect(await entriesFor(unauthenticated.SessionId)).toEqual([]);
  });

  it('bounds an entry: a body over the cap is kept truncated, and is not replayable', () => {
    const huge = 'x'.repeat(300 * 1024);
    const entry = quarantineEntry(
      toHttpRequest(pushEvent({ ClientData: huge })),
      { errCode: 1006, errMsg: 'too large' },
      new Date(),
    );

    expect(entry.body.length).toBe(128 * 1024);
    expect(entry.bodySize).toBe(JSON.stringify({ ClientData: huge }).length);
    expect(entry.bodyTruncated).toBe(true);
  });

  it('lists and replays with `npm run quarantine`: a valid entry is stored, removed, and a replay again is harmless', async () => {
    // As if refused by an older, stricter receiver: valid under today's schema.
    const record = sampleRecord();
    const entry = quarantineEntry(
      toHttpRequest(
        pushEvent(record, { headers: { 'content-type': 'application/json', 'x-tccc-push-uuid': 'replay-1' } }),
      ),
      { errCode: 1002, errMsg: 'schema violation: (an older schema)' },
      new Date('2026-11-20T10:00:00Z'),
    );
    await quarantine.put(entry);
    const invalid = sampleRecord({ SdkAppId: 'x' });
    const invalidEntry = quarantineEntry(toHttpRequest(pushEvent(invalid)), { errCode: 1002, errMsg: 'x' }, new Date());
    await quarantine.put(invalidEntry);

    expect(cli('list').stdout).toContain(entry.id);
    expect(cli('replay', entry.id)).toEqual({
      status: 0,
      stdout: `${entry.id}: stored; removed from the quarantine\n`,
    });
    expect(cli('replay', invalidEntry.id)).toEqual({
      status: 1,
      stdout: expect.stringContaining(`${invalidEntry.id}: still refused (SCHEMA_VIOLATION`),
    });

    const { receipt } = (await rawCurrentItem(record.SessionId)) ?? {};
    expect(receipt?.M?.receivedAt?.S).toBe('2026-11-20T10:00:00.000Z');
    expect(receipt?.M?.pushId?.S).toBe('replay-1');
    expect(receipt?.M?.replayedAt?.S).toBeDefined();
    expect((await quarantine.list()).map((candidate) => candidate.id)).not.toContain(entry.id);
    expect((await quarantine.list()).map((candidate) => candidate.id)).toContain(invalidEntry.id);
    await quarantine.put(entry);
    expect(cli('replay', entry.id).stdout).toContain(`${entry.id}: duplicate`);
  });
});
