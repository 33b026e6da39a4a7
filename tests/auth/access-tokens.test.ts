import { hkdfSync } from 'node:crypto';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import { issueAccessToken, isValidAccessToken } from '../../handler/auth/access-tokens';
import { type AuthConfig, loadAuthConfig } from '../../handler/auth/auth-config';
import { Misconfigured } from '../../handler/common/errors';
import { newSigningKey, oauthEnv } from './support';

type OAuth2Config = Extract<AuthConfig, { mode: 'oauth2' }>;
const oauthConfig = async (env: Record<string, string> = {}) =>
  (await loadAuthConfig({ ...oauthEnv, ...env })) as OAuth2Config;
const at = (seconds: number) => new Date(seconds * 1000);
const T0 = 1_795_608_000;

describe('the access token signing key', () => {
  it('is the configured random key, not one derived from the client secret', async () => {
    const config = await oauthConfig();
    const token = await issueAccessToken(config);
    const derived = hkdfSync(
      'sha256',
      oauthEnv.TCCC_OAUTH_CLIENT_SECRET,
      'tccc-cdr-receiver',
      'oauth2 access token signing',
      32,
    );

    await expect(jwtVerify(token, Buffer.from(oauthEnv.TCCC_OAUTH_SIGNING_KEY, 'base64'))).resolves.toBeDefined();
    await expect(jwtVerify(token, new Uint8Array(derived))).rejects.toThrow();
  });

  it('takes 256 bits in base64 or base64url, as openssl rand prints them, with a trailing newline', async () => {
    const key = Buffer.alloc(32, 0xfb);

    for (const text of [key.toString('base64'), key.toString('base64url'), `${key.toString('base64')}\n`]) {
      expect((await oauthConfig({ TCCC_OAUTH_SIGNING_KEY: text })).signingKey).toEqual(new Uint8Array(key));
    }
  });

  it.each([
    ['missing', undefined, 'secret oauth-signing-key is not set (TCCC_OAUTH_SIGNING_KEY)'],
    ['31 bytes', Buffer.alloc(31, 1).toString('base64'), 'oauth-signing-key holds 31 bytes; at least 32 are needed'],
    ['a passphrase', 'correct horse battery staple, rather long', 'oauth-signing-key is not base64'],
    ['hex', 'ab'.repeat(15), 'oauth-signing-key holds 22 bytes'],
  ])('refuses to run OAuth2 with a signing key %s', async (_title, key, message) => {
    const env: Record<string, string> = { ...oauthEnv };
    if (key === undefined) delete env.TCCC_OAUTH_SIGNING_KEY;
    else env.TCCC_OAUTH_SIGNING_KEY = key;

    const loading = loadAuthConfig(env);

    await expect(loading).rejects.toThrow(Misconfigured);
    await expect(loading).rejects.toThrow(message);
  });

  it('during a rotation accepts tokens signed with the previous key, and no longer once that is removed', async () => {
    const oldKey = oauthEnv.TCCC_OAUTH_SIGNING_KEY;
    const newKey = newSigningKey();
    const before = await oauthConfig();
    const during = await oauthConfig({ TCCC_OAUTH_SIGNING_KEY: newKey, TCCC_OAUTH_SIGNING_KEY_PREVIOUS: oldKey });
    const after = await oauthConfig({ TCCC_OAUTH_SIGNING_KEY: newKey });
    const oldToken = await issueAccessToken(before);
    const newToken = await issueAccessToken(during);

    expect(await isValidAccessToken(oldToken, during)).toBe(true);
    expect(await isValidAccessToken(newToken, during)).toBe(true);
    expect(await isValidAccessToken(newToken, after)).toBe(true);
    expect(await isValidAccessToken(oldToken, after)).toBe(false);
    // A container still on the old configuration (step 1 of the README's rotation: the new key as previous).
    const stepOne = await oauthConfig({ TCCC_OAUTH_SIGNING_KEY_PREVIOUS: newKey });
    expect(await isValidAccessToken(newToken, stepOne)).toBe(true);
    await expect(oauthConfig({ TCCC_OAUTH_SIGNING_KEY_PREVIOUS: 'c2hvcnQ=' })).rejects.toThrow(
      'oauth-signing-key-previous holds 5 bytes',
    );
  });
});

describe('the access token lifetime', () => {
  it('is good until exactly TCCC_OAUTH_TOKEN_TTL_SECONDS have passed, by the clock it is given', async () => {
    const config = await oauthConfig({ TCCC_OAUTH_TOKEN_TTL_SECONDS: '600' });
    const token = await issueAccessToken(config, at(T0));

    expect(decodeJwt(token)).toMatchObject({ iat: T0, exp: T0 + 600 });
    expect(await isValidAccessToken(token, config, at(T0))).toBe(true);
    expect(await isValidAccessToken(token, config, at(T0 + 599))).toBe(true);
    expect(await isValidAccessToken(token, config, at(T0 + 600))).toBe(false);
  });

  it('refuses a token without an expiry, even one signed with the right key for the right client', async () => {
    const config = await oauthConfig();
    const forever = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .setIssuer('tccc-cdr-receiver')
      .setAudience('tccc-push')
      .setSubject(config.clientId)
      .setIssuedAt()
      .sign(config.signingKey);

    expect(await isValidAccessToken(forever, config)).toBe(false);
  });

  it.each(['59', '86401', '1e20', '900.5', '-900', 'fifteen minutes'])(
    'refuses to run with TCCC_OAUTH_TOKEN_TTL_SECONDS=%s',
    async (ttl) => {
      await expect(oauthConfig({ TCCC_OAUTH_TOKEN_TTL_SECONDS: ttl })).rejects.toThrow(
        new Misconfigured('TCCC_OAUTH_TOKEN_TTL_SECONDS must be an integer from 60 to 86400'),
      );
    },
  );

  it('takes the bounds themselves, and 15 minutes when unset', async () => {
    expect((await oauthConfig({ TCCC_OAUTH_TOKEN_TTL_SECONDS: '60' })).tokenTtlSeconds).toBe(60);
    expect((await oauthConfig({ TCCC_OAUTH_TOKEN_TTL_SECONDS: '86400' })).tokenTtlSeconds).toBe(86_400);
    expect((await oauthConfig()).tokenTtlSeconds).toBe(900);
  });
});
