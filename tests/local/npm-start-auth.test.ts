import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bannerCommands, dataDir, freePort, root, runShell, startReceiver, stopReceiver, userEnv } from './receiver';

// What `openssl rand -base64` produces: + / and = in the secret, as TCCC's console accepts them.
const BASIC = { TCCC_BASIC_USERNAME: 'smoke', TCCC_BASIC_PASSWORD: 'smoke+pass/1=' };
const OAUTH = { TCCC_OAUTH_CLIENT_ID: 'tccc-client', TCCC_OAUTH_CLIENT_SECRET: 'q1+Zr/8w=K' };
const sample = readFileSync(path.join(root, 'events/video-cdr.sample.json'));
const sessionId = JSON.parse(sample.toString('utf8')).SessionId as string;
const basicHeader = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function ports() {
  return {
    PORT: String(await freePort()),
    DYNAMODB_PORT: String(await freePort()),
    LAMBDA_PORT: String(await freePort()),
  };
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

describe('npm start with TCCC_AUTH=basic and the credentials in the environment', () => {
  it('stores a push with the credentials, refuses one without, reads back only with them, whatever the override header says', async () => {
    const data = dataDir();
    const env = userEnv({ ...(await ports()), DYNAMODB_DATA_DIR: data.dir, TCCC_AUTH: 'basic', ...BASIC });
    const base = `http://127.0.0.1:${env.PORT}`;
    const running = await startReceiver(env);
    try {
      const anonymous = await push(base);
      expect({ status: anonymous.status, body: await anonymous.json() }).toEqual({
        status: 401,
        body: { ErrCode: 1008, ErrMsg: 'HTTP Basic credentials required' },
      });
      const wrong = await push(base, { authorization: basicHeader('smoke', 'smoke pass/1=') });
      expect(wrong.status).toBe(401);

      // The banner's own commands, pasted into a shell that has the credentials exported.
      const [pushCommand] = bannerCommands(running.output(), 'Push the sample CDR:');
      const pushed = await runShell(pushCommand as string, env);
      expect(JSON.parse(pushed.stdout)).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });

      // serverless-offline fills the IAM context from this client header: it must count for nothing.
      const overridden = await fetch(`${base}/cdrs/${sessionId}`, {
        headers: { 'sls-offline-authorizer-override': JSON.stringify({ iam: {} }) },
      });
      const refusal = await overridden.text();
      expect({ status: overridden.status, body: JSON.parse(refusal) }).toEqual({
        status: 401,
        body: { ErrCode: 1008, ErrMsg: 'HTTP Basic credentials required' },
      });
      expect(refusal).not.toContain('UserNickName');

      const [readCommand] = bannerCommands(running.output(), 'Read it back:');
      const read = await runShell(readCommand as string, env);
      expect(JSON.parse(read.stdout).record).toEqual(JSON.parse(sample.toString('utf8')));
      expect(running.output()).not.toContain(BASIC.TCCC_BASIC_PASSWORD);
    } finally {
      expect(await stopReceiver(running)).toBe(true);
      data.remove();
    }
  }, 180_000);
});

describe('npm start with TCCC_AUTH=oauth2 and the client credentials in the environment', () => {
  it('issues tokens to either client authentication, takes pushes and reads with them, and refuses the rest', async () => {
    const data = dataDir();
    const env = userEnv({ ...(await ports()), DYNAMODB_DATA_DIR: data.dir, TCCC_AUTH: 'oauth2', ...OAUTH });
    const base = `http://127.0.0.1:${env.PORT}`;
    const running = await startReceiver(env);
    try {
      expect(running.output()).toContain(
        'TCCC_OAUTH_SIGNING_KEY is not set: this run signs access tokens with a random key',
      );
      const { TCCC_OAUTH_CLIENT_ID: id, TCCC_OAUTH_CLIENT_SECRET: secret } = OAUTH;
      const grant = 'grant_type=client_credentials';

      const viaBasicRaw = await token(base, grant, { authorization: basicHeader(id, secret) });
      const viaBasicEncoded = await token(base, grant, {
        authorization: basicHeader(encodeURIComponent(id), encodeURIComponent(secret)),
      });
      const viaPost = await token(
        base,
        new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }).toString(),
      );
      for (const issued of [viaBasicRaw, viaBasicEncoded, viaPost]) {
        expect(issued).toEqual({
          status: 200,
          json: { access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 },
        });
      }
      expect(await token(base, grant, { authorization: basicHeader(id, 'wrong') })).toMatchObject({
        status: 401,
        json: { error: 'invalid_client' },
      });

      expect((await push(base)).status).toBe(401);
      const pushed = await push(base, { authorization: `Bearer ${viaPost.json.access_token}` });
      expect(await pushed.json()).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });

      const refused = await fetch(`${base}/cdrs/${sessionId}`, {
        headers: { 'sls-offline-authorizer-override': JSON.stringify({ iam: {} }) },
      });
      expect(refused.status).toBe(401);

      // The banner's token, push and read commands, in one shell with the client credentials exported.
      const script = [
        ...bannerCommands(running.output(), 'get an access token:'),
        ...bannerCommands(running.output(), 'Push the sample CDR:'),
        'echo',
        ...bannerCommands(running.output(), 'Read it back:'),
      ].join('\n');
      const { code, stdout } = await runShell(script, env);
      expect(code).toBe(0);
      const [pushReply, readReply] = stdout.trim().split('\n');
      expect(JSON.parse(pushReply as string)).toEqual({ ErrCode: 0, ErrMsg: 'ok: already stored' });
      expect(JSON.parse(readReply as string).record).toEqual(JSON.parse(sample.toString('utf8')));
    } finally {
      expect(await stopReceiver(running)).toBe(true);
      data.remove();
    }
  }, 180_000);
});
