import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  bannerCommands,
  dataDir,
  freePorts,
  type Running,
  root,
  runShell,
  startReceiver,
  stopReceiver,
  userEnv,
} from '../support/local-receiver';

// What `openssl rand -base64` produces: + / and = in the secret, as TCCC's console accepts them.
const BASIC = { TCCC_BASIC_USERNAME: 'smoke', TCCC_BASIC_PASSWORD: 'smoke+pass/1=' };
const OAUTH = { TCCC_OAUTH_CLIENT_ID: 'tccc-client', TCCC_OAUTH_CLIENT_SECRET: 'q1+Zr/8w=K' };
const sample = readFileSync(path.join(root, 'events/video-cdr.sample.json'));
const sessionId = JSON.parse(sample.toString('utf8')).SessionId as string;
const basicHeader = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function ports() {
  const [http, dynamodb, lambda] = await freePorts(3);
  return { PORT: String(http), DYNAMODB_PORT: String(dynamodb), LAMBDA_PORT: String(lambda) };
}

function push(base: string, headers: Record<string, string> = {}) {
  return fetch(`${base}/?action=videoCdr&version=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf8', ...headers },
    body: sample,
  });
}

async function token(base: string, body: string, headers: Record<string, string> = {}) {
  const reply = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  return { status: reply.status, json: (await reply.json()) as Record<string, unknown> };
}

/** One `npm start` per describe, with that environment; stopped (and checked stopped) after. */
function receiverWith(auth: Record<string, string>) {
  const data = dataDir();
  const started = { env: {} as NodeJS.ProcessEnv, base: '', running: undefined as Running | undefined };
  beforeAll(async () => {
    started.env = userEnv({ ...(await ports()), DYNAMODB_DATA_DIR: data.dir, ...auth });
    started.base = `http://127.0.0.1:${started.env.PORT}`;
    started.running = await startReceiver(started.env);
  }, 120_000);
  afterAll(async () => {
    if (started.running) expect(await stopReceiver(started.running)).toBe(true);
    data.remove();
  }, 30_000);
  return started;
}

const overrideIam = { 'sls-offline-authorizer-override': JSON.stringify({ iam: {} }) };

describe('npm start with TCCC_AUTH=basic and the credentials in the environment', () => {
  const receiver = receiverWith({ TCCC_AUTH: 'basic', ...BASIC });

  it('stores a push with the credentials and refuses one without or with a wrong password', async () => {
    const anonymous = await push(receiver.base);
    const wrong = await push(receiver.base, { authorization: basicHeader('smoke', 'smoke pass/1=') });
    const right = await push(receiver.base, {
      authorization: basicHeader(BASIC.TCCC_BASIC_USERNAME, BASIC.TCCC_BASIC_PASSWORD),
    });

    expect({ status: anonymous.status, body: await anonymous.json() }).toEqual({
      status: 401,
      body: { ErrCode: 1008, ErrMsg: 'HTTP Basic credentials required' },
    });
    expect(wrong.status).toBe(401);
    expect({ status: right.status, body: await right.json() }).toEqual({
      status: 200,
      body: { ErrCode: 0, ErrMsg: expect.stringMatching(/^ok: (already )?stored$/) },
    });
  });

  it('reads back only with the credentials: sls-offline-authorizer-override {"iam":{}} lets nothing through', async () => {
    await push(receiver.base, { authorization: basicHeader(BASIC.TCCC_BASIC_USERNAME, BASIC.TCCC_BASIC_PASSWORD) });

    const overridden = await fetch(`${receiver.base}/cdrs/${sessionId}`, { headers: overrideIam });
    const versions = await fetch(`${receiver.base}/cdrs/${sessionId}/versions`, { headers: overrideIam });
    const refusal = await overridden.text();
    const allowed = await fetch(`${receiver.base}/cdrs/${sessionId}`, {
      headers: { ...overrideIam, authorization: basicHeader(BASIC.TCCC_BASIC_USERNAME, BASIC.TCCC_BASIC_PASSWORD) },
    });

    expect({ status: overridden.status, body: JSON.parse(refusal) }).toEqual({
      status: 401,
      body: { ErrCode: 1008, ErrMsg: 'HTTP Basic credentials required' },
    });
    expect(refusal).not.toContain('UserNickName');
    expect(versions.status).toBe(401);
    expect(allowed.status).toBe(200);
  });

  it("runs the banner's push and read commands as printed, with the credentials exported, and never prints the password", async () => {
    const output = (receiver.running as Running).output();
    const [pushCommand] = bannerCommands(output, 'Push the sample CDR:');
    const [readCommand] = bannerCommands(output, 'Read it back:');

    const pushed = await runShell(pushCommand as string, receiver.env);
    const read = await runShell(readCommand as string, receiver.env);

    expect(JSON.parse(pushed.stdout)).toEqual({ ErrCode: 0, ErrMsg: expect.stringMatching(/^ok: (already )?stored$/) });
    expect(JSON.parse(read.stdout).record).toEqual(JSON.parse(sample.toString('utf8')));
    expect(output).not.toContain(BASIC.TCCC_BASIC_PASSWORD);
  });
});

describe('npm start with TCCC_AUTH=oauth2 and the client credentials in the environment', () => {
  const receiver = receiverWith({ TCCC_AUTH: 'oauth2', ...OAUTH });
  const { TCCC_OAUTH_CLIENT_ID: id, TCCC_OAUTH_CLIENT_SECRET: secret } = OAUTH;
  const grant = 'grant_type=client_credentials';
  const posted = new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret });

  it('issues tokens to client_secret_basic (raw or form-encoded) and client_secret_post, and refuses a wrong secret', async () => {
    const viaBasicRaw = await token(receiver.base, grant, { authorization: basicHeader(id, secret) });
    const viaBasicEncoded = await token(receiver.base, grant, {
      authorization: basicHeader(encodeURIComponent(id), encodeURIComponent(secret)),
    });
    const viaPost = await token(receiver.base, posted.toString());
    const wrong = await token(receiver.base, grant, { authorization: basicHeader(id, 'wrong') });

    for (const issued of [viaBasicRaw, viaBasicEncoded, viaPost]) {
      expect(issued).toEqual({
        status: 200,
        json: { access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 },
      });
    }
    expect(wrong).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    expect((receiver.running as Running).output()).toContain(
      'TCCC_OAUTH_SIGNING_KEY is not set: this run signs access tokens with a random key',
    );
  });

  it('stores a push with a bearer token, refuses one without, and reads back only with a token', async () => {
    const { json } = await token(receiver.base, posted.toString());
    const bearer = { authorization: `Bearer ${json.access_token}` };

    const anonymous = await push(receiver.base);
    const pushed = await push(receiver.base, bearer);
    const overridden = await fetch(`${receiver.base}/cdrs/${sessionId}`, { headers: overrideIam });
    const read = await fetch(`${receiver.base}/cdrs/${sessionId}`, { headers: bearer });

    expect(anonymous.status).toBe(401);
    expect(await pushed.json()).toEqual({ ErrCode: 0, ErrMsg: expect.stringMatching(/^ok: (already )?stored$/) });
    expect(overridden.status).toBe(401);
    expect(((await read.json()) as { record: unknown }).record).toEqual(JSON.parse(sample.toString('utf8')));
  });

  it("runs the banner's token, push and read commands as printed, in one shell with the client credentials exported", async () => {
    const output = (receiver.running as Running).output();
    const script = [
      ...bannerCommands(output, 'get an access token:'),
      ...bannerCommands(output, 'Push the sample CDR:'),
      'echo',
      ...bannerCommands(output, 'Read it back:'),
    ].join('\n');

    const { code, stdout } = await runShell(script, receiver.env);

    expect(code).toBe(0);
    const [pushReply, readReply] = stdout.trim().split('\n');
    expect(JSON.parse(pushReply as string)).toEqual({
      ErrCode: 0,
      ErrMsg: expect.stringMatching(/^ok: (already )?stored$/),
    });
    expect(JSON.parse(readReply as string).record).toEqual(JSON.parse(sample.toString('utf8')));
    expect(output).not.toContain(secret);
  });
});
