import { randomUUID } from 'node:crypto';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { Misconfigured } from '../../handler/common/errors';
import { createLookupHandler } from '../../handler/functions/lookup';
import { createPushHandler } from '../../handler/functions/push';
import { createReadHandler } from '../../handler/functions/read';
import { Erasure } from '../../handler/privacy/erasure';
import { restamp } from '../../handler/privacy/restamp';
import { PUSH_TYPES } from '../../handler/push-types/push-registry';
import { DynamoDbSessionQuery } from '../../handler/query/dynamodb-session-query';
import { reindexCurrentItems } from '../../handler/query/reindex';
import { DynamoDbQuarantineStore } from '../../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import { retentionPolicyOf } from '../../handler/records/retention';
import { StreamPoller } from '../../scripts/stream-poller';
import { scanAll } from '../support/dynamodb';
import { pushEvent, readEvent, sampleOf } from '../support/events';

// Read once by the first push of this file's worker (handler/intake/new-record.ts).
process.env.RETENTION_DAYS = '30,CDR=400';

const DAY = 86_400;
const KEY = 'test-privacy-hash-key-of-at-least-32-chars';
const tables = JSON.parse(process.env.PRIVACY_TEST_TABLES as string) as Record<
  'records' | 'quarantine' | 'privacy' | 'reports',
  string
>;
const client = createDynamoDbClient();
const store = new DynamoDbRecordStore(client, tables.records);
const push = createPushHandler({
  store,
  quarantine: new DynamoDbQuarantineStore(client, tables.quarantine),
  loadAuth: async () => ({ mode: 'none' }) as never,
});
const read = createReadHandler({
  store,
  sessions: new DynamoDbSessionQuery(client, tables.records),
  loadAuth: async () => ({ mode: 'none' }) as never,
  deployed: false,
});
const lookup = createLookupHandler({ client, privacyTable: tables.privacy, hashKey: async () => KEY });
const poller = new StreamPoller(client, tables.records, lookup, 100);
const erasure = new Erasure({ client, ...tables }, KEY);

async function send(action: string, record: Record<string, unknown>) {
  const reply = await push(pushEvent(record, { query: { action, version: '1' } }));
  return JSON.parse(reply.body) as { ErrCode: number; ErrMsg: string };
}

const scan = async (table: string, index?: string): Promise<Record<string, any>[]> =>
  (await scanAll(client, table, index)).map((item) => unmarshall(item));
const lookupsOf = async (sessionId: string) =>
  (await scan(tables.privacy)).filter((item) => item.SessionId === sessionId);

const agent = `agent-${randomUUID()}@example.com`;
const caller = `0086139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
const times = { StartTimestamp: 1_790_000_000, AcceptTimestamp: 1_790_000_030, EndedTimestamp: 1_790_000_300 };
const seat = (userId: string) => ({ ...(sampleOf('cdr').SeatUser as object), UserId: userId, Mail: userId });
const served = sampleOf('cdr', { Caller: caller, SeatUser: seat(agent), ServeParticipants: [], ...times });
// Another caller, another agent, another line of the centre.
const otherAgent = sampleOf('cdr', {
  Callee: '0086075511112222',
  SeatUser: seat(`other-${randomUUID()}`),
  ServeParticipants: [],
  ...times,
});

describe('the lookup follows the records, off the push path, and holds no identifier in clear', () => {
  it('a new voice CDR: one item for its caller and one for its callee; its agent is left to the bySeat index', async () => {
    expect(await send('cdr', served)).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
    expect(await send('cdr', otherAgent)).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
    // Nothing written by the push itself.
    expect(await lookupsOf(served.SessionId)).toEqual([]);
    await poller.pollOnce();
    const items = await lookupsOf(served.SessionId);
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(item).toEqual({
        pk: expect.stringMatching(/^P#[0-9a-f]{32}#[0-3]$/),
        sk: expect.stringMatching(/^[0-9a-f]{32}$/),
        SessionId: served.SessionId,
        action: 'cdr',
        at: expect.any(Number),
        expiresAt: expect.any(Number),
      });
      expect(item.expiresAt - item.at).toBe(400 * DAY);
    }
    const text = JSON.stringify(await scan(tables.privacy));
    expect(text).not.toContain(caller.slice(4));
    expect(text).not.toContain(agent);
  });

  it('a newer version with another callee: the new callee is added, the old one stays findable through the older version', async () => {
    const newer = { ...served, EndedTimestamp: times.EndedTimestamp + 60, Callee: '0086075599999999' };
    expect(await send('cdr', newer)).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
    await poller.pollOnce();
    for (const phone of ['0086075599999999', served.Callee as string, caller]) {
      const plan = await erasure.plan({ kind: 'phone', value: phone });
      expect([phone, plan.sessions.map((s) => s.sessionId)]).toEqual([phone, [served.SessionId]]);
    }
    // The older versions (kept as version items) are indexed with their agent: version items are in no index.
    const plan = await erasure.plan({ kind: 'user', value: agent });
    expect(plan.sessions).toEqual([
      { sessionId: served.SessionId, types: { cdr: { current: 1, versions: 2 } }, alreadyErased: 0 },
    ]);
  });
});

describe('erasure', () => {
  it("--user <agent>: finds the agent's sessions through bySeat, erases every item of them, and leaves the others", async () => {
    const recording = sampleOf('record', { SessionId: served.SessionId, EndpointUser: agent });
    expect((await send('record', recording)).ErrCode).toBe(0);
    await poller.pollOnce();
    const plan = await erasure.plan({ kind: 'user', value: agent });
    expect(plan.sessions.map((s) => s.types)).toEqual([
      { cdr: { current: 1, versions: 2 }, record: { current: 1, versions: 0 } },
    ]);
    const otherBefore = (await scan(tables.records)).filter((item) => item.SessionId === otherAgent.SessionId);

    const erased = await erasure.erase(plan);
    expect(erased).toEqual([{ action: 'cdr', ordering: times.EndedTimestamp + 60 }]);
    const left = (await scan(tables.records)).filter((item) => item.SessionId === served.SessionId);
    expect(left.map((item) => Object.keys(item).sort())).toEqual([
      ['SessionId', 'action', 'erasedAt', 'recordKey'],
      ['SessionId', 'action', 'erasedAt', 'recordKey'],
    ]);
    expect(await lookupsOf(served.SessionId)).toEqual([]);
    for (const index of ['byEndTime', 'bySeat'])
      expect((await scan(tables.records, index)).filter((e) => e.SessionId === served.SessionId)).toEqual([]);
    expect((await scan(tables.records)).filter((item) => item.SessionId === otherAgent.SessionId)).toEqual(otherBefore);
    // The consumer reading the tombstones changes nothing more.
    await poller.pollOnce();
    expect(await lookupsOf(served.SessionId)).toEqual([]);
    expect((await erasure.plan({ kind: 'user', value: agent })).sessions).toEqual([]);
  });

  it('reads answer 404 at once: the session, its versions, the legacy route', async () => {
    for (const [suffix, base] of [
      ['', '/sessions'],
      ['/versions', '/sessions'],
      ['', '/cdrs'],
      ['/versions', '/cdrs'],
    ] as const) {
      const reply = await read(readEvent(served.SessionId, suffix, base));
      expect([base + suffix, reply.statusCode]).toEqual([base + suffix, 404]);
    }
  });

  it('a later push of the erased record, the same or another version, is answered "ok: erased" and stores nothing', async () => {
    const before = await scan(tables.records);
    expect(await send('cdr', served)).toEqual({ ErrCode: 0, ErrMsg: 'ok: erased' });
    expect(await send('cdr', { ...served, EndedTimestamp: times.EndedTimestamp + 999 })).toEqual({
      ErrCode: 0,
      ErrMsg: 'ok: erased',
    });
    expect(await scan(tables.records)).toEqual(before);
  });

  it('reindex passes over tombstones', async () => {
    await reindexCurrentItems(client, tables.records);
    const tombstones = (await scan(tables.records)).filter((item) => item.SessionId === served.SessionId);
    for (const item of tombstones) expect(item.qSort).toBeUndefined();
  });

  it('--session erases one session; a --phone that is no number is refused', async () => {
    const plan = await erasure.plan({ kind: 'session', value: otherAgent.SessionId });
    expect(plan.sessions).toEqual([
      { sessionId: otherAgent.SessionId, types: { cdr: { current: 1, versions: 0 } }, alreadyErased: 0 },
    ]);
    await erasure.erase(plan);
    expect((await erasure.plan({ kind: 'session', value: otherAgent.SessionId })).sessions[0]?.alreadyErased).toBe(1);
    await expect(erasure.plan({ kind: 'phone', value: 'agent@example.com' })).rejects.toThrow(/not a phone number/);
  });
});

describe('an agent id the bySeat index would not find as asked is in the lookup', () => {
  it.each([
    ['a phone number, asked for in another form', '13800000009', { kind: 'phone', value: '+86 138 0000 0009' }],
    ['an id with spaces around it, asked for trimmed', ` padded-${randomUUID()} `, undefined],
  ] as const)('%s', async (_name, userId, asked) => {
    const record = sampleOf('cdr', { SeatUser: seat(userId), ServeParticipants: [], ...times });
    expect((await send('cdr', record)).ErrCode).toBe(0);
    await poller.pollOnce();
    const plan = await erasure.plan(asked ?? { kind: 'user', value: userId.trim() });
    expect(plan.sessions.map((found) => found.sessionId)).toContain(record.SessionId);
    await erasure.erase(plan);
  });
});

describe('the lookup consumer without its hash key', () => {
  it('fails the whole batch (retried, alarmed) and writes nothing; the push was stored regardless', async () => {
    const pushed = sampleOf('cdr', { ...times });
    expect(await send('cdr', pushed)).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
    const keyless = createLookupHandler({
      client,
      privacyTable: tables.privacy,
      hashKey: async () => {
        throw new Misconfigured('secret privacy-hash-key cannot be read from SSM: ParameterNotFound');
      },
    });
    const failing = new StreamPoller(client, tables.records, keyless, 100);
    await expect(failing.pollOnce()).resolves.toBe(0);
    expect(await lookupsOf(pushed.SessionId)).toEqual([]);
    await poller.pollOnce();
    expect(await lookupsOf(pushed.SessionId)).toHaveLength(2);
  });
});

describe('retention: TTL attributes (DynamoDB Local never expires items) and npm run retention’s re-stamp', () => {
  const ACTIONS = PUSH_TYPES.map((type) => type.action);

  it('stamps each record item with its receipt plus its type’s days: the current item and the older versions', async () => {
    const voicemail = sampleOf('voicemail', { Timestamp: times.EndedTimestamp });
    expect((await send('voicemail', voicemail)).ErrCode).toBe(0);
    const first = sampleOf('cdr', { ...times });
    await send('cdr', first);
    await send('cdr', { ...first, EndedTimestamp: times.EndedTimestamp + 5 });
    const items = (await scan(tables.records)).filter((item) =>
      [first.SessionId, voicemail.SessionId].includes(item.SessionId),
    );
    expect(items.map((item) => item.recordKey.slice(0, 2)).sort()).toEqual(['R#', 'R#', 'V#', 'V#']);
    for (const item of items) {
      const days = item.action === 'cdr' ? 400 : 30;
      expect(item.expiresAt).toBe(Math.floor(Date.parse(item.receipt.receivedAt) / 1000) + days * DAY);
    }
  });

  it('re-stamps records and lookup items to a new setting, counts first without --apply, never a tombstone', async () => {
    await poller.pollOnce();
    const policy = retentionPolicyOf(
      { RETENTION_DAYS: '0', RETENTION_DAYS_VOICEMAIL: '7', RETENTION_DAYS_CDR: '100' },
      ACTIONS,
    );
    const before = await scan(tables.records);
    const dry = await restamp(client, tables, policy, false);
    expect(dry.stamped).toBeGreaterThan(0);
    expect(await scan(tables.records)).toEqual(before);
    const applied = await restamp(client, tables, policy, true);
    expect(applied).toEqual({ ...dry, skipped: 0 });
    for (const item of await scan(tables.records)) {
      if (item.erasedAt) {
        expect(item.expiresAt).toBeUndefined();
        continue;
      }
      const days = { cdr: 100, voicemail: 7 }[item.action as string];
      const expected =
        days === undefined ? undefined : Math.floor(Date.parse(item.receipt.receivedAt) / 1000) + days * DAY;
      expect([item.recordKey, item.expiresAt]).toEqual([item.recordKey, expected]);
    }
    for (const item of await scan(tables.privacy)) {
      if (!String(item.pk).startsWith('P#')) continue;
      const days = { cdr: 100, voicemail: 7 }[item.action as string];
      expect(item.expiresAt).toBe(days === undefined ? undefined : item.at + days * DAY);
    }
    expect(await restamp(client, tables, policy, true)).toMatchObject({ stamped: 0, cleared: 0 });
  });
});
