import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type AuthConfig, loadAuthConfig } from '../../handler/auth/auth-config';
import { Misconfigured } from '../../handler/errors';
import { createPushHandler } from '../../handler/push';
import { createReadHandler } from '../../handler/read';
import { createTokenHandler } from '../../handler/token';
import { countingStore, quarantineStore, rawItems } from '../support/dynamodb';
import { httpApiEvent, pushEvent, readEvent, sampleRecord } from '../support/events';

const basicEnv = { TCCC_AUTH: 'basic', TCCC_BASIC_USERNAME: 'tccc', TCCC_BASIC_PASSWORD: 's3cret:with-colon' };
const oauthEnv = {
  TCCC_AUTH: 'oauth2',
  TCCC_OAUTH_CLIENT_ID: 'tccc-client',
  TCCC_OAUTH_CLIENT_SECRET: 'client-s3cret',
};

const basicHeader = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function receiver(env: Record<string, string>) {
  const loadAuth = () => loadAuthConfig(env);
  const { store } = countingStore();
  return {
    push: createPushHandler({ store, quarantine: quarantineStore(), loadAuth }),
    read: createReadHandler({ store, loadAuth }),
    token: createTokenHandler(loadAuth),
  };
}

async function pushWith(push: ReturnType<typeof receiver>['push'], authorization?: string) {
  const record = sampleRecord();
  const headers: Record<string, string> = { 'content-type': 'application/json;charset=utf8' };
  if (authorization) headers.authorization = authorization;
  const reply = await push(pushEvent(record, { headers }));
  return { reply, envelope: JSON.parse(reply.body), items: await rawItems(record.SessionId), record };
}

const tokenRequest = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  httpApiEvent({
    path: '/oauth/token',
    query: null,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });

describe('basic authentication', () => {
  const { push, read } = receiver(basicEnv);

  it.each([
    ['no credentials', undefined],
    ['a wrong password', basicHeader('tccc', 'wrong')],
    ['a wrong username', basicHeader('other', 's3cret:with-colon')],
    ['a bearer token', 'Bearer abc'],
    ['garbage', 'Basic !!!'],
  ])('refuses a push with %s: 401, ErrCode 1008, nothing stored', async (_title, authorization) => {
    const { reply, envelope, items } = await pushWith(push, authorization);

    expect(reply.statusCode).toBe(401);
    expect(envelope.ErrCode).toBe(1008);
    expect(items).toEqual([]);
  });

  it('stores a push with the right credentials', async () => {
    const { reply, items } = await pushWith(push, basicHeader('tccc', 's3cret:with-colon'));

    expect(reply.statusCode).toBe(200);
    expect(items).toHaveLength(2);
  });

  it('wants the same credentials on the read route', async () => {
    const { record } = await pushWith(push, basicHeader('tccc', 's3cret:with-colon'));

    const refused = await read(readEvent(record.SessionId));
    const allowed = await read({
      ...readEvent(record.SessionId),
      headers: { authorization: basicHeader('tccc', 's3cret:with-colon') },
    });

    expect(refused.statusCode).toBe(401);
    expect(JSON.parse(refused.body).ErrCode).toBe(1008);
    expect(allowed.statusCode).toBe(200);
    expect(JSON.parse(allowed.body).record).toEqual(record);
  });
});

describe('OAuth 2.0 client credentials', () => {
  const { push, token } = receiver(oauthEnv);

  it('issues a bearer token to a client authenticated by HTTP Basic (client_secret_basic)', async () => {
    const reply = await token(
      tokenRequest(
        { grant_type: 'client_credentials' },
        { authorization: basicHeader('tccc-client', 'client-s3cret') },
      ),
    );

    expect(reply.statusCode).toBe(200);
    expect(reply.headers?.['cache-control']).toBe('no-store');
    expect(JSON.parse(reply.body)).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
  });

  it('issues a token to a client authenticated by form fields (client_secret_post), and a push with it is stored', async () => {
    const reply = await token(
      tokenRequest({ grant_type: 'client_credentials', client_id: 'tccc-client', client_secret: 'client-s3cret' }),
    );
    const { access_token: accessToken } = JSON.parse(reply.body);

    const { reply: pushed, items, record } = await pushWith(push, `Bearer ${accessToken}`);

    expect(pushed.statusCode).toBe(200);
    const current = items.find((item) => item.recordKey?.S === 'CURRENT');
    const { recordKey: _key, receipt: _receipt, ...stored } = unmarshall(current ?? {});
    expect(stored).toEqual(record);
  });

  it.each([
    [
      'a wrong secret',
      { grant_type: 'client_credentials', client_id: 'tccc-client', client_secret: 'nope' },
      {},
      401,
      'invalid_client',
    ],
    ['no client authentication', { grant_type: 'client_credentials' }, {}, 401, 'invalid_client'],
    [
      'another grant type',
      { grant_type: 'password', client_id: 'tccc-client', client_secret: 'client-s3cret' },
      {},
      400,
      'unsupported_grant_type',
    ],
    ['no grant type', { client_id: 'tccc-client', client_secret: 'client-s3cret' }, {}, 400, 'invalid_request'],
    [
      'two client authentication methods',
      { grant_type: 'client_credentials', client_id: 'tccc-client', client_secret: 'client-s3cret' },
      { authorization: basicHeader('tccc-client', 'client-s3cret') },
      400,
      'invalid_request',
    ],
  ])('answers %s with the RFC 6749 error', async (_title, form, headers, status, error) => {
    const reply = await token(tokenRequest(form, headers));

    expect(reply.statusCode).toBe(status);
    expect(JSON.parse(reply.body)).toMatchObject({ error });
  });

  it('refuses pushes without a token, with a tampered one, an expired one, or one signed for another client', async () => {
    const issued = JSON.parse(
      (
        await token(
          tokenRequest({ grant_type: 'client_credentials', client_id: 'tccc-client', client_secret: 'client-s3cret' }),
        )
      ).body,
    ).access_token as string;
    const [header, payload, signature] = issued.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${signature}`;
    const expiredIssuer = receiver({ ...oauthEnv, TCCC_OAUTH_TOKEN_TTL_SECONDS: '1' }).token;
    const expired = JSON.parse(
      (
        await expiredIssuer(
          tokenRequest({ grant_type: 'client_credentials', client_id: 'tccc-client', client_secret: 'client-s3cret' }),
        )
      ).body,
    ).access_token as string;
    const foreignIssuer = receiver({ ...oauthEnv, TCCC_OAUTH_CLIENT_SECRET: 'another-deployment' }).token;
    const foreign = JSON.parse(
      (
        await foreignIssuer(
          tokenRequest({
            grant_type: 'client_credentials',
            client_id: 'tccc-client',
            client_secret: 'another-deployment',
          }),
        )
      ).body,
    ).access_token as string;
    await new Promise((resolve) => setTimeout(resolve, 2100));

    for (const authorization of [
      undefined,
      `Bearer ${tampered}`,
      `Bearer ${expired}`,
      `Bearer ${foreign}`,
      basicHeader('tccc-client', 'client-s3cret'),
    ]) {
      const { reply, envelope, items } = await pushWith(push, authorization);
      expect({ status: reply.statusCode, ErrCode: envelope.ErrCode, stored: items.length }).toEqual({
        status: 401,
        ErrCode: 1008,
        stored: 0,
      });
    }
  });
});

describe('auth configuration', () => {
  it('refuses `none` on a deployed stage unless explicitly allowed', async () => {
    const deployed = { AWS_LAMBDA_FUNCTION_NAME: 'tccc-cdr-receiver-prod-push', TCCC_AUTH: 'none' };

    await expect(loadAuthConfig(deployed)).rejects.toThrow(Misconfigured);
    await expect(loadAuthConfig({ ...deployed, TCCC_ALLOW_UNAUTHENTICATED: 'true' })).resolves.toEqual({
      mode: 'none',
    });
    await expect(loadAuthConfig({ ...deployed, IS_OFFLINE: 'true' })).resolves.toEqual({ mode: 'none' });
  });

  it('answers a push 500 with an envelope, storing nothing, when a secret is missing', async () => {
    const { push } = receiver({ TCCC_AUTH: 'basic', TCCC_BASIC_USERNAME: 'tccc' });

    const { reply, envelope, items } = await pushWith(push, basicHeader('tccc', 'x'));

    expect(reply.statusCode).toBe(500);
    expect(envelope).toEqual({
      ErrCode: 2002,
      ErrMsg: 'the receiver’s authentication is misconfigured; nothing was stored',
    });
    expect(items).toEqual([]);
  });

  it('rejects an unknown mode', async () => {
    await expect(loadAuthConfig({ TCCC_AUTH: 'apikey' })).rejects.toThrow(/not one of none, basic, oauth2/);
  });

  it('derives the token key from the client secret when none is configured', async () => {
    const config = (await loadAuthConfig(oauthEnv)) as Extract<AuthConfig, { mode: 'oauth2' }>;
    const rotated = (await loadAuthConfig({ ...oauthEnv, TCCC_OAUTH_CLIENT_SECRET: 'rotated' })) as typeof config;

    expect(config.signingKey).toHaveLength(32);
    expect(Buffer.from(config.signingKey).equals(Buffer.from(rotated.signingKey))).toBe(false);
  });
});
