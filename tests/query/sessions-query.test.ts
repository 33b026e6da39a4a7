import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { createPushHandler } from '../../handler/functions/push';
import { createReadHandler } from '../../handler/functions/read';
import { DynamoDbSessionQuery } from '../../handler/query/dynamodb-session-query';
import { DynamoDbQuarantineStore } from '../../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import { AGENTS, contactCentrePushes, currentRecords, endOf, type Push } from '../support/contact-centre';
import { httpApiEvent, pushEvent } from '../support/events';

const client = createDynamoDbClient();
const table = process.env.REPORTS_CDR_TABLE_NAME as string;
const store = new DynamoDbRecordStore(client, table);
const push = createPushHandler({
  store,
  quarantine: new DynamoDbQuarantineStore(client, process.env.REPORTS_QUARANTINE_TABLE_NAME as string),
});
const read = createReadHandler({ store, sessions: new DynamoDbSessionQuery(client, table) });
// A budget so small that pages end early: cursors must still give every record exactly once.
const tightRead = createReadHandler({
  store,
  sessions: new DynamoDbSessionQuery(client, table, { maxQueries: 3, maxReplyBytes: 3_000 }),
});

// 2031-03-10T00:00:00Z: a range of its own in the shared table.
const FIRST_DAY = 1_962_403_200;
const pushes = contactCentrePushes({ seed: 8, firstDay: FIRST_DAY, days: 4, sessions: 160 });
const current = currentRecords(pushes);
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

const queryEvent = (query: Record<string, string>) =>
  httpApiEvent({ method: 'GET', path: '/sessions', query, headers: {} });

type Item = { action: string; record: Record<string, unknown>; receipt: { versionId: string } };

async function allPages(handler: typeof read, query: Record<string, string>) {
  const items: Item[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const reply = await handler(queryEvent({ ...query, ...(cursor && { cursor }) }));
    expect(reply.statusCode).toBe(200);
    const body = JSON.parse(reply.body) as { items: Item[]; cursor: string | null };
    items.push(...body.items);
    cursor = body.cursor;
    pages++;
    expect(pages).toBeLessThan(500);
  } while (cursor !== null);
  return { items, pages };
}

const identity = (action: string, record: Record<string, unknown>) =>
  `${record.SessionId}|${action}|${record.RecordId ?? ''}|${action === 'voicemail' ? record.Timestamp : ''}`;

function expected(predicate: (push: Push) => boolean, from: number, to: number) {
  return current
    .filter((push) => endOf(push.action, push.body) >= from && endOf(push.action, push.body) < to && predicate(push))
    .map((push) => ({ key: identity(push.action, push.body), end: endOf(push.action, push.body), body: push.body }));
}

function expectExactly(items: Item[], wanted: ReturnType<typeof expected>) {
  const ends = items.map((item) => endOf(item.action, item.record));
  expect(ends).toEqual([...ends].sort((a, b) => b - a));
  const keys = items.map((item) => identity(item.action, item.record));
  expect(new Set(keys).size).toBe(keys.length);
  expect([...keys].sort()).toEqual(wanted.map((entry) => entry.key).sort());
  const byKey = new Map(wanted.map((entry) => [entry.key, entry.body]));
  for (const item of items) expect(item.record).toEqual(byKey.get(identity(item.action, item.record)));
}

const seatOf = (push: Push) => (push.body.SeatUser as { UserId?: string } | undefined)?.UserId;

beforeAll(async () => {
  for (const { query, body } of pushes) {
    const reply = await push(pushEvent(body, { query }));
    expect(JSON.parse(reply.body)).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
  }
}, 120_000);

describe('GET /sessions: current records by end time, filtered, paged', () => {
  const from = FIRST_DAY + 3_600;
  const to = FIRST_DAY + 3 * 86_400 + 7_200;
  const range = { from: iso(from), to: String(to) };

  const cases: Array<[string, Record<string, string>, (push: Push) => boolean]> = [
    ['every type', {}, () => true],
    ['one type', { action: 'record' }, (p) => p.action === 'record'],
    [
      'several types (the reports page: the session-level ones)',
      { action: 'cdr,imcdr,videoCdr' },
      (p) => ['cdr', 'imcdr', 'videoCdr'].includes(p.action),
    ],
    ['one agent', { seat: AGENTS[1] as string }, (p) => seatOf(p) === AGENTS[1]],
    [
      'one agent, one type',
      { seat: AGENTS[0] as string, action: 'imcdr' },
      (p) => seatOf(p) === AGENTS[0] && p.action === 'imcdr',
    ],
    ['a skill group by name', { skillGroup: 'support' }, (p) => p.body.QueuedSkillGroupName === 'support'],
    ['a skill group by id', { skillGroup: '1003' }, (p) => p.body.QueuedSkillGroupId === 1003],
    ['an end status', { status: 'waitingGiveUp' }, (p) => p.body.EndStatusString === 'waitingGiveUp'],
    [
      'agent and status together',
      { seat: AGENTS[2] as string, status: 'ok' },
      (p) => seatOf(p) === AGENTS[2] && p.body.EndStatusString === 'ok',
    ],
  ];

  it.each(cases)(
    '%s: every matching current record exactly once across pages, newest first',
    async (_, filter, predicate) => {
      const wanted = expected(predicate, from, to);
      expect(wanted.length).toBeGreaterThan(2);
      const { items, pages } = await allPages(read, { ...range, ...filter, limit: '7' });
      expectExactly(items, wanted);
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(wanted.length / 7));
    },
  );

  it('gives every record once even when pages end early on a tiny budget', async () => {
    const wanted = expected(() => true, from, to);
    const { items, pages } = await allPages(tightRead, { ...range, limit: '50' });
    expectExactly(items, wanted);
    expect(pages).toBeGreaterThan(Math.ceil(wanted.length / 50));
  });

  it('answers current versions only: a corrected session shows its newer version, at its new end time', async () => {
    const sessions = new Map<string, number>();
    for (const p of pushes)
      if (p.action !== 'record' && p.action !== 'voicemail')
        sessions.set(p.body.SessionId, (sessions.get(p.body.SessionId) ?? 0) + 1);
    const twice = [...sessions].filter(([, count]) => count > 1).map(([id]) => id);
    expect(twice.length).toBeGreaterThan(3);
    const { items } = await allPages(read, {
      from: String(FIRST_DAY - 86_400),
      to: String(FIRST_DAY + 6 * 86_400),
      limit: '1000',
    });
    const currentBodies = new Map(current.map((p) => [identity(p.action, p.body), p.body]));
    for (const id of twice) {
      const found = items.filter(
        (item) => item.record.SessionId === id && item.action !== 'record' && item.action !== 'voicemail',
      );
      expect(found).toHaveLength(1);
      expect(found[0]?.record).toEqual(currentBodies.get(identity(found[0]?.action as string, found[0]?.record ?? {})));
    }
  });

  it('answers an empty page and a null cursor for a range with nothing in it', async () => {
    const reply = await read(queryEvent({ from: '2031-01-01T00:00:00+08:00', to: '2031-01-02T00:00:00+08:00' }));
    expect(reply.statusCode).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ items: [], cursor: null });
  });
});

describe('GET /sessions: a bad parameter gets a 400 envelope naming it', () => {
  const good = { from: '2031-03-10T00:00:00Z', to: '2031-03-11T00:00:00Z' };
  const cursorOf = async (query: Record<string, string>) =>
    JSON.parse((await read(queryEvent({ ...query, limit: '1' }))).body).cursor as string;

  it.each([
    ['from', { to: good.to }, 'query parameter from is required'],
    ['from', { ...good, from: '2031-03-10T00:00:00' }, 'query parameter from must be an ISO 8601'],
    ['from', { ...good, from: '2031-02-30T00:00:00Z' }, 'query parameter from must be an ISO 8601'],
    ['to', { ...good, to: 'yesterday' }, 'query parameter to must be an ISO 8601'],
    ['to', { ...good, to: good.from }, 'query parameter to must be later than from'],
    ['to', { ...good, to: '99999999999999' }, 'query parameter to must be an ISO 8601'],
    ['action', { ...good, action: 'fax' }, 'query parameter action must be one or more of'],
    ['action', { ...good, action: 'cdr,fax' }, 'query parameter action must be one or more of'],
    ['limit', { ...good, limit: '0' }, 'query parameter limit must be an integer from 1 to 1000'],
    ['limit', { ...good, limit: '1001' }, 'query parameter limit must be an integer from 1 to 1000'],
    ['limit', { ...good, limit: '1e2' }, 'query parameter limit must be an integer from 1 to 1000'],
    ['seat', { ...good, seat: '' }, 'query parameter seat must be 1 to 1024 characters'],
    ['status', { ...good, status: 'x'.repeat(1025) }, 'query parameter status must be 1 to 1024 characters'],
    ['cursor', { ...good, cursor: 'not a cursor!' }, 'query parameter cursor is not a cursor this API gave'],
    [
      'cursor',
      { ...good, cursor: Buffer.from('{"v":1,"p":"x","q":"y"}').toString('base64url') },
      'query parameter cursor is not a cursor this API gave',
    ],
    ['skilGroup', { ...good, skilGroup: 'sales' }, 'query parameter skilGroup is not known'],
  ])('%s', async (_, query, message) => {
    const reply = await read(queryEvent(query));
    expect(reply.statusCode).toBe(400);
    const body = JSON.parse(reply.body);
    expect(body.ErrCode).toBe(1009);
    expect(body.ErrMsg).toContain(message);
  });

  it('refuses a cursor of another query, and one moved outside the range', async () => {
    const cursor = await cursorOf({ from: String(FIRST_DAY), to: String(FIRST_DAY + 4 * 86_400) });
    expect(cursor).toEqual(expect.any(String));
    const other = await read(
      queryEvent({ from: String(FIRST_DAY), to: String(FIRST_DAY + 4 * 86_400), status: 'ok', cursor }),
    );
    expect(JSON.parse(other.body)).toEqual({
      ErrCode: 1009,
      ErrMsg: 'query parameter cursor belongs to another query (from, to, action or a filter differ)',
    });
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...decoded, p: '0000009999999999' })).toString('base64url');
    const moved = await read(
      queryEvent({ from: String(FIRST_DAY), to: String(FIRST_DAY + 4 * 86_400), cursor: forged }),
    );
    expect(JSON.parse(moved.body).ErrMsg).toBe('query parameter cursor lies outside from and to');
  });
});
