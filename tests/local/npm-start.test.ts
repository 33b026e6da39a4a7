import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'npm-start-data-'));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Runs `npm start`'s script as a user would, until it prints its banner. */
async function startReceiver(ports: Record<string, number>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [path.join(root, 'scripts/start-local.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(ports.http),
      LAMBDA_PORT: String(ports.lambda),
      DYNAMODB_PORT: String(ports.dynamodb),
      DYNAMODB_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 90 s:\n${output}`)), 90_000);
    const check = () => {
      if (output.includes('Ctrl-C stops')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  return { child, output: () => output };
}

async function stopReceiver(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

const portAnswers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm start: the receiver on serverless-offline and DynamoDB Local', () => {
  it('stores a TCCC push, reads it back, keeps it across a restart, and stops everything on Ctrl-C', async () => {
    const ports = { http: await freePort(), lambda: await freePort(), dynamodb: await freePort() };
    const body = readFileSync(path.join(root, 'events/video-cdr.sample.json'));
    const record = JSON.parse(body.toString('utf8'));
    const base = `http://127.0.0.1:${ports.http}`;

    const first = await startReceiver(ports);
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
    expect(await stopReceiver(first.child)).toBe(0);
    expect(await portAnswers(ports.http)).toBe(false);
    expect(await portAnswers(ports.dynamodb)).toBe(false);

    const second = await startReceiver(ports);
    const read = await fetch(`${base}/cdrs/${record.SessionId}`);
    expect(read.status).toBe(200);
    const stored = (await read.json()) as { record: unknown; receipt: { pushId: string } };
    expect(stored.record).toEqual(record);
    expect(stored.receipt.pushId).toBe('npm-start-1');
    expect(await stopReceiver(second.child)).toBe(0);
  }, 240_000);
});
