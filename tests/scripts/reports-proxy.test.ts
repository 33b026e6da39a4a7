import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { freePort } from '../support/local-receiver';
import { documented } from '../support/readme';

/**
 * `npm run reports -- --stage prod --region ap-southeast-1`, run as the README shows it, against
 * a stand-in for AWS: a CloudFormation endpoint (AWS_ENDPOINT_URL_CLOUDFORMATION, the SDK's
 * own setting) that names the stage's API, and that API, which checks each request's SigV4
 * signature by its own computation (AWS's published algorithm, written out here).
 */
const root = path.join(__dirname, '..', '..');
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const REGION = 'ap-southeast-1';

const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();

/** Whether a request carries a valid SigV4 signature for execute-api in REGION (null) or why not. */
function signatureProblem(request: http.IncomingMessage): string | null {
  const authorization = request.headers.authorization ?? '';
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) return `no SigV4 Authorization header: ${authorization}`;
  const [, keyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  if (keyId !== credentials.accessKeyId || region !== REGION || service !== 'execute-api') return 'wrong scope';
  const amzDate = String(request.headers['x-amz-date']);
  const url = new URL(request.url ?? '/', 'http://x');
  const canonicalUri = url.pathname
    .split('/')
    .map((segment) => rfc3986(segment))
    .join('/');
  const canonicalQuery = [...url.searchParams]
    .map(([key, value]): [string, string] => [rfc3986(key), rfc3986(value)])
    .sort(([a, b], [c, d]) => (a === c ? (b < d ? -1 : 1) : a < c ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const names = (signedHeaders as string).split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) return 'host and x-amz-date must be signed';
  const canonicalHeaders = names.map((name) => `${name}:${String(request.headers[name]).trim()}\n`).join('');
  const canonicalRequest = ['GET', canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, sha256('')].join(
    '\n',
  );
  const scope = `${date}/${REGION}/execute-api/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date as string), REGION), 'execute-api'),
    'aws4_request',
  );
  return createHmac('sha256', key).update(toSign).digest('hex') === signature ? null : 'signature does not match';
}

function listen(handler: http.RequestListener): Promise<http.Server> {
  return new Promise((resolve) => {
    const server = http.createServer(handler).listen(0, '127.0.0.1', () => resolve(server));
  });
}
const portOf = (server: http.Server) => (server.address() as AddressInfo).port;

const children: ChildProcess[] = [];
const servers: http.Server[] = [];
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // npm, its shell and the server are one process group: Ctrl-C reaches them all.
    process.kill(-(child.pid as number), 'SIGINT');
    await exited;
  }
  for (const server of servers) server.close();
});

/** A stand-in CloudFormation that names `api` as the stage's API; records the stacks asked for. */
async function cloudFormationFor(api: http.Server, stackNames: string[]): Promise<http.Server> {
  return listen((request, reply) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      stackNames.push(new URLSearchParams(body).get('StackName') ?? '');
      reply.writeHead(200, { 'content-type': 'text/xml' });
      reply.end(`<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>
<StackName>tccc-cdr-receiver-prod</StackName><StackId>arn:aws:cloudformation:${REGION}:123456789012:stack/tccc-cdr-receiver-prod/1</StackId>
<CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>UPDATE_COMPLETE</StackStatus>
<Outputs><member><OutputKey>HttpApiUrl</OutputKey><OutputValue>http://127.0.0.1:${portOf(api)}</OutputValue></member></Outputs>
</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeStacksResponse>`);
    });
  });
}

/** The README's line as written, against the stand-ins; only the environment points it at them and a free port. */
async function startProxy(api: http.Server, env: Record<string, string> = {}) {
  const stackNames: string[] = [];
  const cloudFormation = await cloudFormationFor(api, stackNames);
  servers.push(api, cloudFormation);
  const port = await freePort();
  const { AWS_PROFILE: _profile, AWS_SESSION_TOKEN: _token, AWS_REGION: _region, ...inherited } = process.env;
  const child = spawn('bash', ['-c', documented(`npm run reports -- --stage prod --region ${REGION}`)], {
    cwd: root,
    env: {
      ...inherited,
      REPORTS_PORT: String(port),
      AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${portOf(cloudFormation)}`,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner:\n${output}`)), 60_000);
    child.stdout?.on('data', () => {
      if (output.includes('(Ctrl-C stops)')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
  });
  return { port, base: `http://127.0.0.1:${port}`, child, stackNames, output: () => output };
}

/** A GET with exactly these headers (fetch would add or refuse some): status and body, or the error it ended with. */
function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (reply) => {
      let body = '';
      reply.setEncoding('utf8');
      reply.on('data', (chunk) => (body += chunk));
      reply.on('end', () => resolve({ status: reply.statusCode ?? 0, body }));
      reply.on('error', (error) => resolve({ status: reply.statusCode ?? 0, body, error: error.message }));
    });
    request.on('error', (error) => resolve({ status: 0, body: '', error: error.message }));
  });
}

describe('npm run reports: the page of a deployed stage, its calls signed with the operator’s credentials', () => {
  it('finds the stage API, serves the page, forwards reads signed, and nothing else', async () => {
    const seen: Array<{ url: string; problem: string | null }> = [];
    const api = await listen((request, reply) => {
      seen.push({ url: request.url ?? '', problem: signatureProblem(request) });
      reply.writeHead(200, { 'content-type': 'application/json' });
      reply.end(JSON.stringify({ upstream: request.url }));
    });
    const { port, base, stackNames, output } = await startProxy(api);
    expect(stackNames).toEqual(['tccc-cdr-receiver-prod']);
    expect(output()).toContain(`on http://localhost:${port}/reports`);

    const page = await fetch(`${base}/reports`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'sha256-");
    expect(await page.text()).toContain('Contact centre reports');

    const summary = await fetch(
      `${base}/reports/summary?from=2026-11-01T00:00:00%2B08:00&to=1795000000&groupBy=seat&tz=Asia/Shanghai`,
    );
    expect(await summary.json()).toEqual({
      upstream: '/reports/summary?from=2026-11-01T00%3A00%3A00%2B08%3A00&to=1795000000&groupBy=seat&tz=Asia%2FShanghai',
    });
    const record = await fetch(`${base}/sessions/abc-123/versions`);
    expect(record.status).toBe(200);
    expect(seen.map((request) => request.problem)).toEqual([null, null]);

    // Only reads and reports, only GET, only from this machine.
    expect((await fetch(`${base}/oauth/token`)).status).toBe(404);
    expect((await fetch(`${base}/sessions`, { method: 'POST' })).status).toBe(405);
    const rebound = await get(port, '/sessions?from=0&to=1', { host: 'attacker.example' });
    expect(rebound.status).toBe(403);
    expect(seen).toHaveLength(2);
  }, 120_000);

  it('refuses what another site makes the browser send, and answers its own page', async () => {
    const seen: string[] = [];
    const api = await listen((request, reply) => {
      seen.push(request.url ?? '');
      reply.writeHead(200, { 'content-type': 'application/json' });
      reply.end('{"items":[],"cursor":null}');
    });
    const { port } = await startProxy(api);
    const path = '/sessions?from=0&to=1';
    // What a browser sends for a page of another site (a link, an <img>, a fetch in no-cors mode).
    const foreign: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' },
      { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors', origin: 'http://localhost:5173' },
      { origin: 'https://attacker.example' },
      { origin: 'null' },
      { host: `attacker.example:${port}` },
    ];
    for (const headers of foreign) {
      const reply = await get(port, path, headers);
      expect({ headers, status: reply.status }).toEqual({ headers, status: 403 });
      expect(JSON.parse(reply.body)).toMatchObject({ ErrCode: 1008 });
      expect(reply.body).not.toContain('attacker');
    }
    expect(seen).toEqual([]);
    // What the page itself sends (same-origin fetch), and a tab the user opened.
    const own: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'same-origin', origin: `http://localhost:${port}`, host: `localhost:${port}` },
      { 'sec-fetch-site': 'same-origin', host: `127.0.0.1:${port}` },
      { 'sec-fetch-site': 'none' },
    ];
    for (const headers of own) {
      expect((await get(port, path, headers)).status).toBe(200);
    }
    expect(seen).toHaveLength(3);
  }, 120_000);

  it('ends the reply, without a crash or a truncated 200, when the stage stalls or resets mid-answer', async () => {
    const api = await listen((request, reply) => {
      reply.writeHead(200, { 'content-type': 'application/json' });
      reply.write('{"items":[{"action":"cdr","record":{"SessionId":"s-1"');
      // A stall after the headers outlives the proxy's upstream timeout; a reset cuts the body.
      if (request.url?.startsWith('/sessions/reset')) setTimeout(() => reply.socket?.destroy(), 100);
    });
    const { port, child, output } = await startProxy(api, { REPORTS_UPSTREAM_TIMEOUT_SECONDS: '1' });

    const reset = await get(port, '/sessions/reset');
    expect(reset.error).toBeDefined(); // the page's fetch fails: no complete 200 to parse
    const stalled = await get(port, '/sessions/stall');
    expect(stalled.error).toBeDefined();

    // Still up and answering, with nothing uncaught on its console.
    expect((await get(port, '/reports')).status).toBe(200);
    expect(child.exitCode).toBeNull();
    expect(output()).not.toMatch(/ERR_HTTP_HEADERS_SENT|Uncaught|Error:/);
  }, 120_000);

  it('answers 502 when the stage does not answer before its headers', async () => {
    const api = await listen((request) => {
      if (request.url?.startsWith('/sessions/closed')) request.socket.destroy();
    });
    const { port } = await startProxy(api, { REPORTS_UPSTREAM_TIMEOUT_SECONDS: '1' });
    for (const path of ['/sessions/closed', '/sessions/silent']) {
      const reply = await get(port, path);
      expect({ path, status: reply.status }).toEqual({ path, status: 502 });
      expect(JSON.parse(reply.body)).toMatchObject({ ErrCode: 2001 });
    }
  }, 120_000);
});
