import { loadAuthConfig } from '../../handler/auth/auth-config';
import { Misconfigured } from '../../handler/common/errors';
import { createPushHandler } from '../../handler/functions/push';
import { createReadHandler } from '../../handler/functions/read';
import { createTokenHandler } from '../../handler/functions/token';
import { countingStore, quarantineStore, rawItems, storedRecord } from '../support/dynamodb';
import { pushEvent, sampleRecord } from '../support/events';
import { basicEnv, basicHeader, clientCredentials, newSigningKey, oauthEnv, readEvent, tokenRequest } from './support';

function receiver(env: Record<string, string>, now?: () => Date) {
  const loadAuth = () => loadAuthConfig(env);
  const { store } = countingStore();
  return {
    push: createPushHandler({ store, quarantine: quarantineStore(), loadAuth }),
    read: createReadHandler({ store, loadAuth, deployed: false }),
    token: createTokenHandler({ loadAuth, ...(now && { now }) }),
  };
}

async function pushWith(push: ReturnType<typeof receiver>['push'], authorization?: string) {
  const record = sampleRecord();
  const headers: Record<string, string> = { 'content-type': 'application/json;charset=utf8' };
  if (authorization) headers.authorization = authorization;
  const reply = await push(pushEvent(record, { headers }));
  return { reply, envelope: JSON.parse(reply.body), items: await rawItems(record.SessionId), record };
}

async function accessToken(token: ReturnType<typeof receiver>['token'], form = clientCredentials) {
  return JSON.parse((await token(tokenRequest(form))).body).access_token as string;
}

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
    expect(items.length).toBeGreaterThan(0);
  });

  it('wants the same credentials on the read route locally, whatever IAM context a client made up', async () => {
    const { record } = await pushWith(push, basicHeader('tccc', 's3cret:with-colon'));
    const forged = readEvent(record.SessionId) as any;
    forged.requestContext.authorizer = { iam: { accountId: '123456789012', userArn: 'arn:aws:iam::1:user/x' } };

    const refused = await read(readEvent(record.SessionId));
    const forgedReply = await read(forged);
    const allowed = await read(
      readEvent(record.SessionId, { authorization: basicHeader('tccc', 's3cret:with-colon') }),
    );

    expect([refused.statusCode, JSON.parse(refused.body).ErrCode]).toEqual([401, 1008]);
    expect([forgedReply.statusCode, JSON.parse(forgedReply.body).ErrCode]).toEqual([401, 1008]);
    expect(allowed.statusCode).toBe(200);
    expect(JSON.parse(allowed.body).record).toEqual(record);
  });
});

describe('OAuth 2.0 client credentials', () => {
  const { push } = receiver(oauthEnv);

  it('stores a push carrying a token the token URL issued', async () => {
    const { token } = receiver(oauthEnv);

    const { reply, record } = await pushWith(push, `Bearer ${await accessToken(token)}`);

    expect(reply.statusCode).toBe(200);
    expect(await storedRecord(record.SessionId)).toEqual(record);
  });

  it('refuses pushes without a token, tampered, expired, signed with another key, or with client credentials', async () => {
    const { token } = receiver(oauthEnv);
    const issued = await accessToken(token);
    const [header, payload, signature] = issued.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${signature}`;
    // Issued by a clock one token lifetime ago: expired now, without waiting for it.
    const oneLifetimeAgo = () => new Date(Date.now() - 900_000);
    const expired = await accessToken(receiver(oauthEnv, oneLifetimeAgo).token);
    const foreign = await accessToken(receiver({ ...oauthEnv, TCCC_OAUTH_SIGNING_KEY: newSigningKey() }).token);

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
    expect(envelope).toEqual({ ErrCode: 2002, ErrMsg: 'the receiver is misconfigured; nothing was stored' });
    expect(items).toEqual([]);
  });

  it('rejects an unknown mode', async () => {
    await expect(loadAuthConfig({ TCCC_AUTH: 'apikey' })).rejects.toThrow(/not one of none, basic, oauth2/);
  });
});
