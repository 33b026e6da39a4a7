import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDbQuarantineStore } from '../../handler/records/dynamodb-quarantine-store';
import { type LocalReceiver, localDynamoDbClient, startLocalReceiver } from '../support/local-receiver';

const root = path.join(__dirname, '..', '..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'npm-start-bytes-'));
let receiver: LocalReceiver;

beforeAll(async () => {
  receiver = await startLocalReceiver(dataDir);
}, 120_000);

afterAll(async () => {
  if (receiver) expect(await receiver.stop()).toBe(true);
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

/** The sample CDR with a fresh SessionId and its UserRemark replaced by `remark`'s raw bytes. */
function sampleWithRemarkBytes(sessionId: string, remark: Buffer): Buffer {
  const record = JSON.parse(readFileSync(path.join(root, 'events/video-cdr.sample.json'), 'utf8'));
  const text = JSON.stringify({ ...record, SessionId: sessionId, UserRemark: '@@REMARK@@' });
  const [before, after] = text.split('@@REMARK@@') as [string, string];
  return Buffer.concat([Buffer.from(before), remark, Buffer.from(after)]);
}

const push = (body: Buffer) =>
  fetch(`${receiver.base}/?action=videoCdr&version=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf8' },
    body: new Uint8Array(body),
  });

function quarantineOf(endpoint: string) {
  const client = localDynamoDbClient(endpoint);
  return new DynamoDbQuarantineStore(client, 'tccc-cdr-receiver-dev-quarantine');
}

describe('npm start hands the handler the bytes as sent', () => {
  it('refuses two bodies that differ only in invalid UTF-8 bytes, both with 1001, and stores neither', async () => {
    const sessionId = `bytes-${randomUUID()}`;
    const first = sampleWithRemarkBytes(sessionId, Buffer.from([0x56, 0x49, 0x50, 0xff])); // "VIP" and a stray 0xFF
    const second = sampleWithRemarkBytes(sessionId, Buffer.from([0x56, 0x49, 0x50, 0xfe]));

    const replies = [await push(first), await push(second)];

    for (const reply of replies) {
      expect(reply.status).toBe(400);
      expect(await reply.json()).toEqual({ ErrCode: 1001, ErrMsg: 'body is not valid UTF-8' });
    }
    expect((await fetch(`${receiver.base}/cdrs/${sessionId}`)).status).toBe(404);
    // Kept for a replay exactly as sent: two entries, byte for byte, no U+FFFD in either.
    const kept = (await quarantineOf(receiver.dynamoDbEndpoint).list())
      .map((entry) => Buffer.from(entry.body))
      .filter((body) => body.includes(sessionId));
    expect(kept.map((body) => body.toString('hex')).sort()).toEqual(
      [first, second].map((b) => b.toString('hex')).sort(),
    );
  }, 60_000);

  it('still stores a valid UTF-8 body with multi-byte characters exactly', async () => {
    const sessionId = `bytes-${randomUUID()}`;
    const body = sampleWithRemarkBytes(sessionId, Buffer.from('璐璐 VIP 😀 \u{fffd}', 'utf8')); // a real U+FFFD is valid

    const reply = await push(body);

    expect(await reply.json()).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
    const read = (await (await fetch(`${receiver.base}/cdrs/${sessionId}`)).json()) as { record: unknown };
    expect(read.record).toEqual(JSON.parse(body.toString('utf8')));
  }, 60_000);
});
