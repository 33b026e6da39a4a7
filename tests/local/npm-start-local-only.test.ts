import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  dataDir,
  freePort,
  freePorts,
  type LocalReceiver,
  root,
  startLocalReceiver,
  startReceiver,
  stopReceiver,
  userEnv,
} from '../support/local-receiver';
import { documented } from '../support/readme';

/**
 * `npm start` answers this machine's own tools and pages only (docs/local-security.md): what a
 * web page of another site, a DNS-rebinding name or another machine on the network sends is
 * refused, through the real `npm start` as a user runs it.
 */
const sample = JSON.parse(readFileSync(path.join(root, 'events/video-cdr.sample.json'), 'utf8'));

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with exactly these headers (fetch adds or refuses some, e.g. Host and Origin). */
function request(
  port: number,
  method: string,
  requestPath: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sent = http.request(
      { host: '127.0.0.1', port, method, path: requestPath, headers, agent: false },
      (reply) => {
        let text = '';
        reply.setEncoding('utf8');
        reply.on('data', (chunk) => (text += chunk));
        reply.on('end', () => resolve({ status: reply.statusCode ?? 0, headers: reply.headers, body: text }));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

const corsGrants = (reply: Reply) => Object.keys(reply.headers).filter((name) => name.startsWith('access-control-'));

/** Whether anything accepts a TCP connection at host:port. */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port, timeout: 2_000 }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });

describe('npm start answers this machine only', () => {
  const data = dataDir();
  let receiver: LocalReceiver;
  beforeAll(async () => {
    receiver = await startLocalReceiver(data.dir);
  }, 120_000);
  afterAll(async () => {
    if (receiver) expect(await receiver.stop()).toBe(true);
    data.remove();
  }, 30_000);

  it('grants no CORS: a preflight or a request from another site is refused, with no access-control header', async () => {
    const port = receiver.ports.http;
    const foreign = 'https://attacker.example';
    const preflight = await request(port, 'OPTIONS', '/?action=cdr&version=1', {
      origin: foreign,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(preflight.status).toBe(403);
    expect(corsGrants(preflight)).toEqual([]);

    const read = await request(port, 'GET', `/cdrs/${sample.SessionId}`, { origin: foreign });
    expect(read.status).toBe(403);
    expect(corsGrants(read)).toEqual([]);
    expect(JSON.parse(read.body)).toMatchObject({ ErrCode: 1008 });
    expect(read.body).not.toContain('attacker');

    // A form another site posts (no preflight, no Origin read back): refused, nothing stored.
    const sessionId = `cross-site-${randomUUID()}`;
    const posted = await request(
      port,
      'POST',
      '/?action=videoCdr&version=1',
      { 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' },
      Buffer.from(JSON.stringify({ ...sample, SessionId: sessionId })),
    );
    expect(posted.status).toBe(403);
    expect((await request(port, 'GET', `/cdrs/${sessionId}`, {})).status).toBe(404);

    // The reports page's own calls (same origin) are answered, still with no grant.
    const own = await request(port, 'GET', `/cdrs/${sessionId}`, {
      host: `localhost:${port}`,
      origin: `http://localhost:${port}`,
      'sec-fetch-site': 'same-origin',
    });
    expect(own.status).toBe(404);
    expect(corsGrants(own)).toEqual([]);
  });

  it('refuses a Host that is not this machine (DNS rebinding), on the API and on the Lambda endpoint', async () => {
    const api = await request(receiver.ports.http, 'GET', `/cdrs/${sample.SessionId}`, {
      host: `attacker.example:${receiver.ports.http}`,
    });
    expect(api.status).toBe(403);
    const lambda = await request(
      receiver.ports.lambda,
      'POST',
      '/2015-03-31/functions/read/invocations',
      { host: `attacker.example:${receiver.ports.lambda}`, 'content-type': 'application/json' },
      Buffer.from('{}'),
    );
    expect(lambda.status).toBe(403);
    for (const host of [`localhost:${receiver.ports.http}`, `127.0.0.1:${receiver.ports.http}`]) {
      expect((await request(receiver.ports.http, 'GET', '/cdrs/nothing-here', { host })).status).toBe(404);
    }
  });

  it('says in its banner that in TCCC_AUTH=none anything that can reach the port reads every record', () => {
    expect(receiver.output()).toContain(
      `TCCC_AUTH=none: no credentials asked. Anything that can reach port ${receiver.ports.http} of this machine`,
    );
  });

  it('answers a push without Content-Type with 1005, as deployed, and stores nothing', async () => {
    const sessionId = `no-content-type-${randomUUID()}`;
    const reply = await request(
      receiver.ports.http,
      'POST',
      '/?action=videoCdr&version=1',
      {},
      Buffer.from(JSON.stringify({ ...sample, SessionId: sessionId })),
    );
    expect(reply.status).toBe(415);
    expect(JSON.parse(reply.body)).toMatchObject({ ErrCode: 1005 });
    expect(reply.body).toContain('Content-Type is missing');
    expect((await request(receiver.ports.http, 'GET', `/cdrs/${sessionId}`, {})).status).toBe(404);
    // A client cannot forge "no Content-Type" either: a header of that look is just a header.
    const named = await request(
      receiver.ports.http,
      'POST',
      '/?action=videoCdr&version=1',
      { 'content-type': 'application/json;charset=utf8', 'x-tccc-no-content-type-0': '1' },
      Buffer.from(JSON.stringify({ ...sample, SessionId: sessionId })),
    );
    expect(JSON.parse(named.body)).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
  });

  it('runs DynamoDB Local on 127.0.0.1 only, refusing other Hosts and browsers, and says so', async () => {
    const port = receiver.ports.dynamodb;
    expect(receiver.output()).toContain(`DynamoDB Local (started by npm start) listens on 127.0.0.1:${port} only`);
    expect(await accepts('127.0.0.1', port)).toBe(true);
    // Another address of this machine: what another machine on the network would connect to.
    const elsewhere = Object.values(os.networkInterfaces())
      .flat()
      .filter((address) => address && !address.internal && address.family === 'IPv4')
      .map((address) => address?.address as string);
    for (const address of ['127.0.0.2', ...elsewhere])
      expect({ address, open: await accepts(address, port) }).toEqual({ address, open: false });

    const listTables = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20200101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    };
    const body = Buffer.from('{}');
    expect((await request(port, 'POST', '/', listTables, body)).status).toBe(200);
    expect((await request(port, 'POST', '/', { ...listTables, host: `attacker.example:${port}` }, body)).status).toBe(
      403,
    );
    const preflight = await request(port, 'OPTIONS', '/', {
      origin: 'https://attacker.example',
      'access-control-request-method': 'POST',
    });
    expect(preflight.status).toBe(403);
    expect(corsGrants(preflight)).toEqual([]);
  });
});

describe('DYNAMODB_ENDPOINT=http://127.0.0.1:8000 npm start: a DynamoDB of the user’s own', () => {
  let db: ChildProcess | undefined;
  afterAll(async () => {
    if (db && db.exitCode === null) {
      const exited = new Promise((resolve) => db?.once('exit', resolve));
      db.kill('SIGINT');
      await exited;
    }
  });

  it('creates the tables there, stores there, says so, and leaves it running on Ctrl-C', async () => {
    // The user's DynamoDB Local, started as the docs show, on a free port instead of 8000.
    const dbPort = await freePort();
    const data = dataDir();
    const startDb = documented('node scripts/dynamodb-local.mjs start --port 8000 --db-path .dynamodb-mine');
    db = spawn('bash', ['-c', startDb.replace('8000', String(dbPort)).replace('.dynamodb-mine', data.dir)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const endpoint = await new Promise<string>((resolve, reject) => {
      let out = '';
      db?.stdout?.on('data', (chunk) => {
        out += chunk;
        const match = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
        if (match) resolve(match[1] as string);
      });
      db?.once('exit', (code) => reject(new Error(`dynamodb-local exited ${code}: ${out}`)));
    });
    expect(endpoint).toBe(`http://127.0.0.1:${dbPort}`);
    const client = new DynamoDBClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);

    const command = documented('DYNAMODB_ENDPOINT=http://127.0.0.1:8000 npm start').replace('8000', String(dbPort));
    const [httpPort, lambdaPort] = (await freePorts(2)) as [number, number];
    const running = await startReceiver(
      userEnv({ TCCC_AUTH: 'none', PORT: String(httpPort), LAMBDA_PORT: String(lambdaPort) }),
      command,
    );
    try {
      expect(running.output()).toContain(`DynamoDB: ${endpoint} (DYNAMODB_ENDPOINT): yours, not started or stopped`);
      expect(running.output()).not.toContain('DYNAMODB_PORT=');
      expect(running.output()).toContain(
        `DYNAMODB_ENDPOINT=${endpoint} npm run invoke -- push events/http-api-v2.json`,
      );
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(
        expect.arrayContaining([
          'tccc-cdr-receiver-dev-cdrs',
          'tccc-cdr-receiver-dev-quarantine',
          'tccc-cdr-receiver-dev-reports',
        ]),
      );
      const sessionId = `existing-db-${randomUUID()}`;
      const pushed = await fetch(`http://127.0.0.1:${httpPort}/?action=videoCdr&version=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=utf8' },
        body: JSON.stringify({ ...sample, SessionId: sessionId }),
      });
      expect(await pushed.json()).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
      expect((await fetch(`http://127.0.0.1:${httpPort}/cdrs/${sessionId}`)).status).toBe(200);
    } finally {
      expect(await stopReceiver(running)).toBe(true);
    }
    // Still the user's: running, with the record in it.
    expect(db.exitCode).toBeNull();
    expect((await client.send(new ListTablesCommand({}))).TableNames).toContain('tccc-cdr-receiver-dev-cdrs');
    client.destroy();
    data.remove();
  }, 180_000);

  it('refuses a DYNAMODB_ENDPOINT it cannot use, saying why', async () => {
    const running = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('npm', ['start', '--silent'], {
        cwd: root,
        env: userEnv({ DYNAMODB_ENDPOINT: 'http://user:secret@127.0.0.1:1/path' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout?.on('data', (chunk) => (output += chunk));
      child.stderr?.on('data', (chunk) => (output += chunk));
      child.on('exit', (code) => resolve({ code, output }));
    });
    expect(running.code).toBe(1);
    expect(running.output).toContain(
      'npm start: DYNAMODB_ENDPOINT must be an http:// or https:// URL without credentials',
    );
    expect(running.output).not.toContain('secret');
  }, 60_000);
});
