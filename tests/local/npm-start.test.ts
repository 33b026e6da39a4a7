import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dataDir, freePorts, portAnswers, root, startReceiver, stopReceiver, userEnv } from '../support/local-receiver';

const data = dataDir();
afterAll(() => data.remove());

describe('npm start: the receiver on serverless-offline and DynamoDB Local', () => {
  it('stores a TCCC push, reads it back, keeps it across a restart, and stops everything on Ctrl-C', async () => {
    const [http, lambda, dynamodb] = (await freePorts(3)) as [number, number, number];
    const ports = { http, lambda, dynamodb };
    const env = userEnv({
      PORT: String(ports.http),
      LAMBDA_PORT: String(ports.lambda),
      DYNAMODB_PORT: String(ports.dynamodb),
      DYNAMODB_DATA_DIR: data.dir,
    });
    const body = readFileSync(path.join(root, 'events/video-cdr.sample.json'));
    const record = JSON.parse(body.toString('utf8'));
    const base = `http://127.0.0.1:${ports.http}`;

    const first = await startReceiver(env);
    expect(first.output()).toContain(`curl -sS -X POST 'http://localhost:${ports.http}/?action=videoCdr&version=1'`);
    const pushed = await fetch(`${base}/?action=videoCdr&version=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=utf8', 'x-tccc-push-uuid': 'npm-start-1' },
      body,
    });
    expect(pushed.status).toBe(200);
    expect(await pushed.json()).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
    const refused = await fetch(`${base}/?action=videoCdr&version=1`, { method: 'DELETE' });
    expect(refused.status).toBe(405);
    expect(await refused.json()).toMatchObject({ ErrCode: 1004 });
    expect(await stopReceiver(first)).toBe(true);
    expect(await portAnswers(ports.http)).toBe(false);
    expect(await portAnswers(ports.dynamodb)).toBe(false);

    const second = await startReceiver(env);
    const read = await fetch(`${base}/cdrs/${record.SessionId}`);
    expect(read.status).toBe(200);
    const stored = (await read.json()) as { record: unknown; receipt: { pushId: string } };
    expect(stored.record).toEqual(record);
    expect(stored.receipt.pushId).toBe('npm-start-1');
    expect(await stopReceiver(second)).toBe(true);
  }, 240_000);
});
