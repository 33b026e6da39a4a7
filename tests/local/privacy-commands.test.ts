import { randomBytes, randomUUID } from 'node:crypto';
import { DeleteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { scanAll } from '../support/dynamodb';
import { sampleOf } from '../support/events';
import {
  dataDir,
  eventually,
  type LocalReceiver,
  localDynamoDbClient,
  startLocalReceiver,
  userEnv,
} from '../support/local-receiver';
import { documented, runDocumented } from '../support/readme';

/**
 * docs/privacy.md's commands, run as written in a shell against a running `npm start`
 * (TCCC_AUTH=basic, RETENTION_DAYS_CDR=400): one caller in records of all five push types and
 * in a refused push kept in quarantine; found, erased, and then no trace of the number or of
 * those records in any table or index; the others untouched; the audit trail without the
 * number; a replay of an erased push stores nothing.
 */
const PHONE = '008613912345678';
const DIGITS = '13912345678';
const TABLES = {
  records: 'tccc-cdr-receiver-dev-cdrs',
  quarantine: 'tccc-cdr-receiver-dev-quarantine',
  privacy: 'tccc-cdr-receiver-dev-privacy',
  reports: 'tccc-cdr-receiver-dev-reports',
};
const PASSWORD = randomBytes(12).toString('base64url');
const AUTHORIZATION = `Basic ${Buffer.from(`tccc:${PASSWORD}`).toString('base64')}`;
// 2034-03-02T00:00Z: the day these sessions end.
const DAY = 2_024_956_800;
const range = `from=${DAY}&to=${DAY + 86_400}`;

const data = dataDir();
let receiver: LocalReceiver;
let client: DynamoDBClient;
beforeAll(async () => {
  receiver = await startLocalReceiver(data.dir, {
    TCCC_AUTH: 'basic',
    TCCC_BASIC_USERNAME: 'tccc',
    TCCC_BASIC_PASSWORD: PASSWORD,
    RETENTION_DAYS_CDR: '400',
    STREAM_POLL_MS: '200',
  });
  client = localDynamoDbClient(receiver.dynamoDbEndpoint);
}, 120_000);
afterAll(async () => {
  client?.destroy();
  if (receiver) expect(await receiver.stop()).toBe(true);
  data.remove();
});

const run = (command: string, env: Record<string, string> = {}) =>
  runDocumented(command, userEnv({ DYNAMODB_PORT: String(receiver.ports.dynamodb), NO_COLOR: '1', ...env }));

async function push(action: string, record: unknown, version: string | null = '1') {
  const query = new URLSearchParams({ action, ...(version && { version }) });
  const reply = await fetch(`${receiver.base}/?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf8', authorization: AUTHORIZATION },
    body: JSON.stringify(record),
  });
  return (await reply.json()) as { ErrCode: number; ErrMsg: string };
}

async function get(pathAndQuery: string) {
  const reply = await fetch(`${receiver.base}${pathAndQuery}`, { headers: { authorization: AUTHORIZATION } });
  return { status: reply.status, body: (await reply.json()) as Record<string, any> };
}

/** Every item of a table, or of one of its indexes, as DynamoDB holds it. */
const scan = async (table: string, index?: string): Promise<Record<string, any>[]> =>
  (await scanAll(client, table, index)).map((item) => unmarshall(item));

type Items = Record<string, any>[];
async function everything(): Promise<{
  records: Items;
  byEndTime: Items;
  bySeat: Items;
  quarantine: Items;
  privacy: Items;
  reports: Items;
}> {
  return {
    records: await scan(TABLES.records),
    byEndTime: await scan(TABLES.records, 'byEndTime'),
    bySeat: await scan(TABLES.records, 'bySeat'),
    quarantine: await scan(TABLES.quarantine),
    privacy: await scan(TABLES.privacy),
    reports: await scan(TABLES.reports),
  };
}

/** A table's items as text, a quarantined body decoded: where a number could hide. */
const text = (items: Record<string, any>[]) =>
  JSON.stringify(items, (_key, value) => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value));

describe('docs/privacy.md: erasing one person everywhere, through npm start and the commands as written', () => {
  const voice = randomUUID();
  const voicemail = randomUUID();
  const chat = randomUUID();
  const video = randomUUID();
  const other = randomUUID();
  const times = { StartTimestamp: DAY + 100, AcceptTimestamp: DAY + 130, EndedTimestamp: DAY + 400 };
  const cdr = sampleOf('cdr', { SessionId: voice, Caller: PHONE, ...times });

  it('pushes of all five types and a refused one: the number in many fields and forms', async () => {
    expect(await push('cdr', cdr)).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
    // A later version: an older version item too.
    expect((await push('cdr', { ...cdr, EndedTimestamp: DAY + 410, UserRemark: 'called back' })).ErrCode).toBe(0);
    expect(
      (await push('record', sampleOf('record-caller', { SessionId: voice, EndpointUser: '+86 139 1234 5678' })))
        .ErrCode,
    ).toBe(0);
    expect((await push('record', sampleOf('record', { SessionId: voice }))).ErrCode).toBe(0);
    expect(
      (
        await push(
          'voicemail',
          sampleOf('voicemail', { SessionId: voicemail, EndpointUser: Number(DIGITS), Timestamp: DAY + 500 }),
          null,
        )
      ).ErrCode,
    ).toBe(0);
    expect((await push('imcdr', sampleOf('imcdr', { SessionId: chat, UserId: DIGITS, ...times }))).ErrCode).toBe(0);
    expect(
      (await push('videoCdr', sampleOf('video-cdr', { SessionId: video, UserId: `+86${DIGITS}`, ...times }))).ErrCode,
    ).toBe(0);
    // Refused (SdkAppId is no number) and kept in quarantine, the number in it.
    expect((await push('cdr', { ...cdr, SessionId: randomUUID(), SdkAppId: 'x', Callee: PHONE })).ErrCode).toBe(1002);
    // Someone else, with the same agent.
    expect((await push('cdr', sampleOf('cdr', { SessionId: other, ...times }))).ErrCode).toBe(0);

    const stored = await everything();
    const current = stored.records.find((item) => item.SessionId === voice && item.recordKey.startsWith('R#cdr#'));
    expect(current?.expiresAt).toBe(Math.floor(Date.parse(current?.receipt.receivedAt) / 1000) + 400 * 86_400);
    expect(text(stored.quarantine)).toContain(PHONE);
    // The lookup is written by its stream consumer, off the push path: wait until it has read them all.
    await eventually(
      async () => new Set((await scan(TABLES.privacy)).map((item) => item.SessionId)),
      (indexed) => [voice, voicemail, chat, video, other].every((id) => indexed.has(id)),
    );
    const found = await eventually(
      async () => (await get(`/sessions?${range}`)).body.items as Array<{ record: { SessionId: string } }>,
      (items) => items.length === 5,
    );
    expect(new Set(found.map((item) => item.record.SessionId))).toEqual(
      new Set([voice, voicemail, chat, video, other]),
    );
    // The reports count the four sessions (cdr, imcdr, videoCdr).
    const summary = await eventually(
      async () => (await get(`/reports/summary?${range}&groupBy=day`)).body,
      (body) => body.totals?.sessions === 4,
      60_000,
    );
    expect(summary.totals.sessions).toBe(4);
  }, 90_000);

  it('npm run privacy-index: the records the consumer never read (here: its items deleted) are indexed as it indexed them', async () => {
    const lookupItems = async () =>
      (await scan(TABLES.privacy))
        .filter((item) => item.pk.startsWith('P#'))
        .map((item) => JSON.stringify(item))
        .sort();
    const indexed = await lookupItems();
    const forgotten = (await scan(TABLES.privacy)).filter((item) => [voice, chat].includes(item.SessionId));
    expect(forgotten.length).toBeGreaterThan(2);
    for (const item of forgotten) {
      await client.send(
        new DeleteItemCommand({ TableName: TABLES.privacy, Key: { pk: { S: item.pk }, sk: { S: item.sk } } }),
      );
    }

    const result = await run(documented('npm run privacy-index'));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^privacy-index: \\d+ record item\\(s\\) read, ${indexed.length} lookup item\\(s\\) written, 0 record\\(s\\) changed meanwhile and written again, 0 still changing\n$`,
      ),
    );
    expect(await lookupItems()).toEqual(indexed);
  });

  it('npm run erase -- --phone … --dry-run lists the sessions, types and counts, never the number, and erases nothing', async () => {
    const before = await everything();
    const dry = await run(documented('npm run erase -- --phone 008613912345678 --dry-run'));
    expect(dry.code).toBe(0);
    expect(dry.stdout).not.toContain(DIGITS);
    const lines = dry.stdout.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `${voice}  cdr  1 current, 2 older version(s)`,
        `${voice}  record  2 current, 0 older version(s)`,
        `${voicemail}  voicemail  1 current, 0 older version(s)`,
        `${chat}  imcdr  1 current, 0 older version(s)`,
        `${video}  videoCdr  1 current, 0 older version(s)`,
      ]),
    );
    expect(lines.filter((line) => line.startsWith('quarantine '))).toHaveLength(1);
    expect(lines.at(-1)).toBe('would erase: 4 session(s), 6 record(s), 2 older version(s), 1 quarantine entry');
    expect(dry.stdout).not.toContain(other);
    const after = await everything();
    expect(after.records).toEqual(before.records);
    expect(after.quarantine).toHaveLength(before.quarantine.length);
  }, 60_000);

  it('npm run erase -- --phone …: then no table or index holds the number or those records; the others untouched; the reports drop them', async () => {
    const otherBefore = (await everything()).records.filter((item) => item.SessionId === other);
    const erased = await run(documented('npm run erase -- --phone 008613912345678'));
    expect(erased.code).toBe(0);
    expect(erased.stdout).not.toContain(DIGITS);
    expect(erased.stdout).toContain('erased: 4 session(s), 6 record(s), 2 older version(s), 1 quarantine entry');
    expect(erased.stdout).toContain('reports: 3 day(s) recounted without them');

    // /sessions and /sessions/{id} stop showing them at once.
    for (const sessionId of [voice, voicemail, chat, video])
      expect((await get(`/sessions/${sessionId}`)).status).toBe(404);
    const listed = (await get(`/sessions?${range}`)).body.items as Array<{ record: { SessionId: string } }>;
    expect(listed.map((item) => item.record.SessionId)).toEqual([other]);
    // An erasure counts as a removal in the reports (docs/privacy.md, Reports), at once: the command
    // recounted the erased sessions' days before it returned.
    const summary = (await get(`/reports/summary?${range}&groupBy=day`)).body;
    expect(summary.totals.sessions).toBe(1);

    const gone = [voice, voicemail, chat, video];
    const all = await everything();
    for (const [name, items] of Object.entries(all)) {
      const all_ = text(items);
      expect([name, all_.includes(DIGITS)]).toEqual([name, false]);
    }
    // What is left of them: one tombstone per erased record (session, key, when), nothing else.
    const left = all.records.filter((item) => gone.includes(item.SessionId));
    expect(left).toHaveLength(6);
    for (const item of left) expect(Object.keys(item).sort()).toEqual(['SessionId', 'action', 'erasedAt', 'recordKey']);
    for (const index of [all.byEndTime, all.bySeat]) {
      expect(index.filter((entry) => gone.includes(entry.SessionId))).toEqual([]);
    }
    expect(all.privacy.filter((item) => gone.includes(item.SessionId))).toEqual([]);
    expect(all.quarantine).toEqual([]);
    // The reports keep figures, not those sessions: no contribution of theirs is left.
    for (const sessionId of gone)
      expect([sessionId, text(all.reports).includes(sessionId)]).toEqual([sessionId, false]);
    // The other caller's records and lookup items are as they were.
    expect(all.records.filter((item) => item.SessionId === other)).toEqual(otherBefore);
    expect(all.privacy.some((item) => item.SessionId === other)).toBe(true);
    expect((await get(`/sessions/${other}`)).body.items).toHaveLength(1);
  }, 60_000);

  it('a replay of an erased push is answered ErrCode 0 "ok: erased" and stores nothing', async () => {
    const before = await everything();
    expect(await push('cdr', cdr)).toEqual({ ErrCode: 0, ErrMsg: 'ok: erased' });
    expect(await push('cdr', { ...cdr, EndedTimestamp: DAY + 999 })).toEqual({ ErrCode: 0, ErrMsg: 'ok: erased' });
    const after = await everything();
    expect(after.records).toEqual(before.records);
    expect(after.privacy.filter((item) => String(item.pk).startsWith('P#'))).toEqual(
      before.privacy.filter((item) => String(item.pk).startsWith('P#')),
    );
    expect(text(after.records)).not.toContain(DIGITS);
  }, 60_000);

  it('npm run erase -- --audit: each run, who and what, the number only as its keyed hash', async () => {
    const audit = await run(documented('npm run erase -- --audit'));
    expect(audit.code).toBe(0);
    expect(audit.stdout).not.toContain(DIGITS);
    const runs = audit.stdout.split('\n').filter((line) => /^\d{4}-/.test(line));
    expect(runs).toHaveLength(3);
    expect(runs.shift()).toMatch(
      / {2}local:\S+ {2}privacy-index {2}- {2}corrected=0 records=\d+ unsettled=0 written=\d+$/,
    );
    expect(runs[0]).toMatch(
      / {2}local:\S+ {2}erase \(dry run\) {2}phone#[0-9a-f]{32} {2}quarantine=1 records=6 sessions=4 versions=2$/,
    );
    expect(runs[1]).toMatch(/ {2}erase {2}phone#[0-9a-f]{32} {2}quarantine=1 records=6 sessions=4 versions=2$/);
    expect(runs[0]?.split('  ')[3]).toBe(runs[1]?.split('  ')[3]);
    expect(audit.stdout).toContain(`    ${voice}  cdr 1+2, record 2+0`);
    const entries = (await scan(TABLES.privacy)).filter((item) => item.pk === 'AUDIT');
    expect(text(entries)).not.toContain(DIGITS);
    // Kept three years by default.
    for (const entry of entries)
      expect(entry.expiresAt - Date.parse(entry.entry.at) / 1000).toBeCloseTo(1095 * 86_400, -1);
  }, 60_000);

  it('npm run retention, then with other settings and --apply: the stored records re-stamped, and audited', async () => {
    const shown = await run(documented('npm run retention'));
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(
      'retention: cdr forever, record forever, voicemail forever, imcdr forever, videoCdr forever',
    );
    expect(shown.stdout).toMatch(
      /item\(s\) checked, 0 to be stamped, \d+ to be cleared .*; nothing changed: --apply stamps them/,
    );

    const applied = await run(
      documented('RETENTION_DAYS=30 RETENTION_DAYS_CDR=400 RETENTION_DAYS_RECORD=90 npm run retention -- --apply'),
    );
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(
      'retention: cdr 400 days, record 90 days, voicemail 30 days, imcdr 30 days, videoCdr 30 days',
    );
    const records = (await scan(TABLES.records)).filter((item) => item.receipt);
    expect(records.length).toBeGreaterThan(0);
    for (const item of records) {
      const days = item.action === 'cdr' ? 400 : item.action === 'record' ? 90 : 30;
      expect(item.expiresAt).toBe(Math.floor(Date.parse(item.receipt.receivedAt) / 1000) + days * 86_400);
    }
    const audit = await run(documented('npm run erase -- --audit'));
    expect(audit.stdout).toMatch(/ {2}retention \(dry run\) {2}- {2}checked=\d+/);
    expect(audit.stdout).toMatch(/ {2}retention {2}- {2}checked=\d+ cleared=0 skipped=0 stamped=\d+/);
  }, 60_000);

  it('npm run erase, as the README names it, without a person: its usage, and nothing done', async () => {
    const bare = await run(documented('npm run erase'));
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain(
      'usage: npm run erase -- --phone <number> | --user <id> | --session <SessionId> [--dry-run] [--confirm <sessions>] | --audit',
    );
  }, 60_000);

  it("a number in more than 100 sessions (the centre's own line) is erased only with --confirm <their number>", async () => {
    const line = '0086075500000002';
    const many = Array.from({ length: 101 }, () => sampleOf('cdr', { Callee: line, ...times }));
    for (const record of many) expect((await push('cdr', record)).ErrCode).toBe(0);
    await eventually(
      async () => new Set((await scan(TABLES.privacy)).map((item) => item.SessionId)),
      (indexed) => many.every((record) => indexed.has(record.SessionId)),
    );
    const before = await scan(TABLES.records);
    // The 101, and the other caller's session on the same line.
    const refused = await run(`npm run erase -- --phone ${line}`);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      "npm run erase: 102 sessions match, more than 100; nothing erased. List them with --dry-run; if they are all this person's, run again with --confirm 102.",
    );
    expect(await scan(TABLES.records)).toEqual(before);
    const audit = await run('npm run erase -- --audit');
    expect(audit.stdout).toMatch(
      / {2}erase {2}phone#[0-9a-f]{32} {2}quarantine=0 records=102 sessions=102 versions=0 {2}FAILED: refused: more than 100 sessions without --confirm$/m,
    );

    const confirmed = await run(`npm run erase -- --phone ${line} --confirm 102`);
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain(
      'erased: 102 session(s), 102 record(s), 0 older version(s), 0 quarantine entries',
    );
  }, 120_000);
});
