import {
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { expectedSummary } from '../reports/oracle';
import type { Push } from '../support/contact-centre';
import { sampleOf } from '../support/events';
import {
  dataDir,
  type LocalReceiver,
  localDynamoDbClient,
  settled,
  startLocalReceiver,
  userEnv,
} from '../support/local-receiver';
import { documented, runDocumented } from '../support/readme';

/**
 * The reports at a size the first layout could not hold, through `npm start` as a user runs
 * it: a day with more agents than one item of that layout held (long but realistic ids),
 * hostile values in every dimension, then ordinary sessions of that day and the next; every
 * accepted session is in the summaries by day, seat and skill group. Then the aggregates of
 * the range are deleted and damaged, and `npm run recount`, as the docs write it, restores them.
 */
const REPORTS = 'tccc-cdr-receiver-dev-reports';
const DAY_ONE = Date.UTC(2026, 9, 5) / 1000; // 2026-10-05T00:00Z: closed, so the consumer rolls it up
const AGENTS = 1_500;
const data = dataDir();
let receiver: LocalReceiver;
let client: DynamoDBClient;
beforeAll(async () => {
  receiver = await startLocalReceiver(data.dir, { TCCC_AUTH: 'none', STREAM_POLL_MS: '200' });
  client = localDynamoDbClient(receiver.dynamoDbEndpoint);
}, 120_000);
afterAll(async () => {
  client?.destroy();
  if (receiver) expect(await receiver.stop()).toBe(true);
  data.remove();
});

const HOSTILE = [
  'x'.repeat(60_000),
  `\u202eevil\u0000\u0007\u001b[31m${'é'.repeat(30_000)}`,
  `${'a'.repeat(199)}\u{1F600}${'b'.repeat(400)}`,
];
/** A realistic long agent id: an e-mail of 250 characters, unique per agent. */
const agentId = (n: number) => `${'agent'.padEnd(230, 'x')}${String(n).padStart(6, '0')}@example.com`;

function session(n: number, end: number, overrides: Record<string, unknown> = {}): Push {
  const answered = n % 5 !== 0;
  const body = sampleOf('cdr', {
    SessionId: `scale-${n}`,
    StartTimestamp: end - 300,
    AcceptTimestamp: answered ? end - 300 + (n % 90) : 0,
    EndedTimestamp: end,
    EndStatusString: answered ? 'ok' : 'seatGiveUp',
    QueuedSkillGroupName: `group-${n % 20}`,
    SeatUser: { UserId: agentId(n % AGENTS) },
    ...overrides,
  }) as Push['body'];
  return { action: 'cdr', query: { action: 'cdr', version: '1' }, body };
}

const pushes: Push[] = [];
for (let n = 0; n < AGENTS; n++) pushes.push(session(n, DAY_ONE + 3_600 + n * 40));
HOSTILE.forEach((value, n) => {
  pushes.push(session(10_000 + n, DAY_ONE + 50_000 + n, { SeatUser: { UserId: value } }));
  pushes.push(session(10_100 + n, DAY_ONE + 51_000 + n, { QueuedSkillGroupName: value }));
});
// Statuses up to the schema's 64 characters, with control and bidi characters, many of them.
for (let n = 0; n < 200; n++) {
  pushes.push(
    session(20_000 + n, DAY_ONE + 60_000 + n, { EndStatusString: `\u202e\u0001${String(n).padStart(62, 's')}` }),
  );
}
for (let n = 0; n < 40; n++) pushes.push(session(30_000 + n, DAY_ONE + 86_400 + 1_000 + n * 600));

async function post(push: Push) {
  const reply = await fetch(`${receiver.base}/?action=cdr&version=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf8' },
    body: JSON.stringify(push.body),
  });
  return (await reply.json()) as { ErrCode: number; ErrMsg: string };
}

const range = { from: DAY_ONE, to: DAY_ONE + 2 * 86_400 };
async function summary(groupBy: string) {
  const query = `from=${range.from}&to=${range.to}&groupBy=${groupBy}`;
  return (await (await fetch(`${receiver.base}/reports/summary?${query}`)).json()) as Record<string, any>;
}
const expected = (groupBy: string) => expectedSummary(pushes, { ...range, groupBy, tz: 'UTC', actions: ['cdr'] });

async function expectFiguresOfEveryPush() {
  for (const groupBy of ['day', 'seat', 'skillGroup', 'status']) {
    const body = await settled(
      () => summary(groupBy),
      (s) => s.totals?.sessions === pushes.length,
      { timeoutMs: 180_000 },
    );
    expect(body).toEqual(expected(groupBy));
  }
}

describe('reports at a size and with values the first layout could not hold, through npm start', () => {
  it('counts every accepted session by day, seat, skill group and status', async () => {
    let next = 0;
    const worker = async () => {
      while (next < pushes.length) {
        const reply = await post(pushes[next++] as Push);
        expect(reply).toMatchObject({ ErrCode: 0 });
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    await expectFiguresOfEveryPush();
    // More agents than a summary lists: the 1,000 with the most sessions, and how many more there were.
    const bySeat = await summary('seat');
    expect(bySeat.groups.length).toBe(1000);
    expect(bySeat.groupsOmitted).toBeGreaterThan(AGENTS - 1000);

    // No report item is large, whatever was pushed.
    const items = await client.send(new ScanCommand({ TableName: REPORTS }));
    const largest = Math.max(...(items.Items ?? []).map((item) => JSON.stringify(item).length));
    expect(largest).toBeLessThan(40 * 1024);
  }, 600_000);

  it('npm run recount rebuilds a range whose aggregates were deleted or damaged', async () => {
    // Day two's aggregates deleted, day one's damaged: a contribution altered, one removed, its rollup's state gone.
    const partition = (day: number) => `C#cdr#${day}`;
    const dayTwo = await client.send(
      new QueryCommand({
        TableName: REPORTS,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: partition(DAY_ONE + 86_400) } },
      }),
    );
    for (const item of dayTwo.Items ?? [])
      await client.send(
        new DeleteItemCommand({ TableName: REPORTS, Key: { pk: item.pk as never, sk: item.sk as never } }),
      );
    const dayOne = await client.send(
      new QueryCommand({
        TableName: REPORTS,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: partition(DAY_ONE) } },
        Limit: 20,
      }),
    );
    const [altered, removed] = (dayOne.Items ?? []).filter((item) => item.sk?.S !== '#day');
    const contribution = JSON.parse(altered?.c?.S ?? '{}');
    await client.send(
      new PutItemCommand({
        TableName: REPORTS,
        Item: { ...altered, c: { S: JSON.stringify({ ...contribution, wait: 99_999, seat: 'nobody' }) } } as never,
      }),
    );
    await client.send(
      new DeleteItemCommand({ TableName: REPORTS, Key: { pk: removed?.pk as never, sk: removed?.sk as never } }),
    );
    await client.send(
      new DeleteItemCommand({ TableName: REPORTS, Key: { pk: { S: partition(DAY_ONE) }, sk: { S: '#day' } } }),
    );
    expect((await summary('day')).totals.sessions).toBeLessThan(pushes.length);

    const command = documented('npm run recount -- --from 2026-10-05T00:00:00Z --to 2026-10-07T00:00:00Z');
    const env = userEnv({ DYNAMODB_PORT: String(receiver.ports.dynamodb), NO_COLOR: '1' });
    const first = await runDocumented(command, env);
    expect(first).toMatchObject({ code: 0 });
    // Day two's 40 contributions, day one's altered and removed one; both days closed, so rolled up.
    const records = pushes.length;
    expect(first.stdout).toContain(
      `recount cdr: 2 day(s), ${records} record(s); 42 contribution(s) written, 0 removed; 2 day(s) rolled up`,
    );
    expect(first.stdout).toContain('recount imcdr: 2 day(s), 0 record(s); 0 contribution(s) written, 0 removed');
    await expectFiguresOfEveryPush();

    // Idempotent: a second run finds nothing to change.
    const second = await runDocumented(command, env);
    expect(second.stdout).toContain(
      `recount cdr: 2 day(s), ${records} record(s); 0 contribution(s) written, 0 removed`,
    );
    await expectFiguresOfEveryPush();
  }, 600_000);
});
