import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { type LocalReceiver, npmRun, root, startLocalReceiver } from '../support/local-receiver';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'push-types-data-'));
const sample = (name: string) => JSON.parse(readFileSync(path.join(root, 'events', `${name}.sample.json`), 'utf8'));
const TCCC_CONTENT_TYPE = 'application/json;charset=utf8';

let receiver: LocalReceiver;
let base: string;

beforeAll(async () => {
  receiver = await startLocalReceiver(dataDir, { TCCC_AUTH: 'none' });
  base = receiver.base;
}, 120_000);

afterAll(async () => {
  if (receiver) await receiver.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A push exactly as TCCC sends it: its query, its content type, its push id header. */
async function push(query: string, body: unknown, pushId: string) {
  const reply = await fetch(`${base}/?${query}`, {
    method: 'POST',
    headers: { 'content-type': TCCC_CONTENT_TYPE, 'x-tccc-push-uuid': pushId },
    body: JSON.stringify(body),
  });
  return { status: reply.status, ...((await reply.json()) as { ErrCode: number; ErrMsg: string }) };
}

async function itemsOf(sessionId: string) {
  const client = new DynamoDBClient({ endpoint: receiver.dynamoDbEndpoint });
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: 'tccc-cdr-receiver-dev-cdrs',
      KeyConditionExpression: 'SessionId = :s',
      ExpressionAttributeValues: { ':s': { S: sessionId } },
    }),
  );
  client.destroy();
  return Items;
}

interface SessionReply {
  SessionId: string;
  items: Array<{ action: string; record: unknown; receipt: Record<string, unknown> }>;
}
const session = async (sessionId: string) =>
  (await (await fetch(`${base}/sessions/${encodeURIComponent(sessionId)}`)).json()) as SessionReply;

describe('npm start takes every TCCC push type on one URL', () => {
  it.each([
    ['cdr', 'action=cdr&version=1', 'cdr'],
    ['imcdr', 'action=imcdr&version=1', 'imcdr'],
    ['video-cdr', 'action=videoCdr&version=1', 'videoCdr'],
    ['voicemail', 'action=voicemail', 'voicemail'],
  ])(
    'stores the %s sample as one item, reads it back field for field, and a retry writes nothing',
    async (name, query, action) => {
      const body = sample(name);

      expect(await push(query, body, `${name}-1`)).toEqual({ status: 200, ErrCode: 0, ErrMsg: 'ok: stored' });
      const items = await itemsOf(body.SessionId);
      expect(items).toHaveLength(1);
      const read = await session(body.SessionId);
      expect(read).toMatchObject({ SessionId: body.SessionId, items: [{ action, record: body }] });
      expect(read.items[0]?.receipt).toMatchObject({ action, pushId: `${name}-1` });

      expect(await push(query, body, `${name}-1`)).toEqual({ status: 200, ErrCode: 0, ErrMsg: 'ok: already stored' });
      expect(await itemsOf(body.SessionId)).toEqual(items);
    },
  );

  it('keeps both recordings of a session (agent and caller side) beside its cdr', async () => {
    const [agent, caller, cdr] = [sample('record'), sample('record-caller'), sample('cdr')];
    expect(agent.SessionId).toBe(caller.SessionId);

    expect((await push('action=record&version=1', agent, 'rec-agent')).ErrCode).toBe(0);
    expect((await push('action=record&version=1', caller, 'rec-caller')).ErrCode).toBe(0);

    const read = await session(cdr.SessionId);
    const records = read.items.filter((item) => item.action === 'record');
    expect(records.map((item) => item.record)).toEqual(expect.arrayContaining([agent, caller]));
    expect(records).toHaveLength(2);
  });

  it('takes voicemail with version=1 too, and refuses an unknown action with 1003', async () => {
    const voicemail = { ...sample('voicemail'), SessionId: 'vm-with-version' };

    expect((await push('action=voicemail&version=1', voicemail, 'vm-v1')).ErrCode).toBe(0);
    expect(await push('action=specifiedSeat&version=1', sample('cdr'), 'unknown')).toMatchObject({
      status: 400,
      ErrCode: 1003,
    });
  });

  it('runs `npm run invoke` with each type’s sample event against the same database', async () => {
    const env = { DYNAMODB_PORT: String(receiver.ports.dynamodb) };
    for (const type of ['cdr', 'record', 'voicemail', 'imcdr']) {
      const invoked = npmRun('invoke', ['push', `events/http-api-v2.${type}.json`], env);
      expect(invoked.stdout).toContain('"statusCode": 200');
      expect(invoked.stdout).toMatch(/ErrCode\\":0/);
    }
    const read = npmRun('invoke', ['read', 'events/http-api-v2-session-read.json'], env);
    expect(read.stdout).toContain('"statusCode": 200');
    expect(read.stdout).toContain(sample('cdr').SessionId);
  }, 180_000);
});
