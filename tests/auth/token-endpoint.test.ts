import { decodeJwt } from 'jose';
import { loadAuthConfig } from '../../handler/auth/auth-config';
import { MAX_TOKEN_BODY_BYTES as MAX_TOKEN_REQUEST_BYTES } from '../../handler/common/limits';
import { createTokenHandler } from '../../handler/functions/token';
import { basicHeader, clientCredentials, oauthEnv, tokenRequest } from './support';

// What `openssl rand -base64 24` gives: +, / and = in the secret.
const CLIENT = { id: 'tccc client', secret: 'q1+Zr/8w=Kx3' };
const env = { ...oauthEnv, TCCC_OAUTH_CLIENT_ID: CLIENT.id, TCCC_OAUTH_CLIENT_SECRET: CLIENT.secret };
const T0 = 1_795_608_000;
const token = createTokenHandler({ loadAuth: () => loadAuthConfig(env), now: () => new Date(T0 * 1000) });
const grant = { grant_type: 'client_credentials' };

/** application/x-www-form-urlencoded, as RFC 6749 appendix B has clients encode the id and secret. */
const formEncoded = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

async function ask(...request: Parameters<typeof tokenRequest>) {
  const reply = await token(tokenRequest(...request));
  return { status: reply.statusCode, body: JSON.parse(reply.body) as Record<string, unknown> };
}

describe('client_secret_basic (RFC 6749 section 2.3.1)', () => {
  it.each([
    ['form-URL-encoded before the Basic encoding, as the RFC says', formEncoded(CLIENT.id), formEncoded(CLIENT.secret)],
    ['percent-encoded throughout', encodeURIComponent(CLIENT.id), encodeURIComponent(CLIENT.secret)],
    ['as they are, as many clients send them', CLIENT.id, CLIENT.secret],
  ])('accepts an id and a secret with space, +, / and = %s', async (_how, id, secret) => {
    const reply = await ask(grant, { authorization: basicHeader(id, secret) });

    expect(reply).toEqual({
      status: 200,
      body: { access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 },
    });
  });

  it.each([
    ['a wrong secret, encoded', formEncoded(CLIENT.id), formEncoded('q1+Zr/8w=Kx4')],
    ['a wrong secret, raw', CLIENT.id, 'q1 Zr/8w=Kx3'],
    ['a malformed encoding', CLIENT.id, '%E0%A4%A'],
    ['the id and secret swapped', CLIENT.secret, CLIENT.id],
  ])('refuses %s with invalid_client', async (_title, id, secret) => {
    expect(await ask(grant, { authorization: basicHeader(id, secret) })).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
  });

  it('challenges with WWW-Authenticate: Basic only a client that used Basic, never a form post (a browser would prompt)', async () => {
    const basic = await token(tokenRequest(grant, { authorization: basicHeader(CLIENT.id, 'wrong') }));
    const posted = await token(tokenRequest({ ...grant, client_id: CLIENT.id, client_secret: 'wrong' }));

    expect([basic.statusCode, basic.headers?.['www-authenticate']]).toEqual([401, 'Basic realm="tccc-cdr-receiver"']);
    expect([posted.statusCode, JSON.parse(posted.body).error]).toEqual([401, 'invalid_client']);
    expect(Object.keys(posted.headers ?? {})).not.toContain('www-authenticate');
  });

  it('takes the same secret posted as form fields (client_secret_post)', async () => {
    const reply = await ask({ ...grant, client_id: CLIENT.id, client_secret: CLIENT.secret });

    expect(reply.status).toBe(200);
  });
});

describe('the token request', () => {
  const posted = { ...clientCredentials, client_id: CLIENT.id, client_secret: CLIENT.secret };
  const postedForm = new URLSearchParams(posted).toString();

  it.each([
    ['grant_type', `${postedForm}&grant_type=password`, 'parameter grant_type is repeated'],
    ['grant_type, the same twice', `${postedForm}&grant_type=client_credentials`, 'parameter grant_type is repeated'],
    ['client_secret', `${postedForm}&client_secret=other`, 'parameter client_secret is repeated'],
    ['an unknown one', `${postedForm}&x%0A=1&x%0A=2`, 'a parameter is repeated'],
  ])('refuses a repeated parameter (%s) as invalid_request', async (_title, body, description) => {
    expect(await ask(body)).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: description },
    });
  });

  it('takes a body of exactly 4 KiB, and refuses one byte more before parsing it, base64 or not', async () => {
    const padded = (size: number) => `${postedForm}&scope=${'s'.repeat(size - postedForm.length - '&scope='.length)}`;
    const tooLarge = {
      status: 400,
      body: { error: 'invalid_request', error_description: expect.stringMatching(/the limit is 4096 bytes$/) },
    };

    expect((await ask(padded(MAX_TOKEN_REQUEST_BYTES))).status).toBe(200);
    expect((await ask(padded(MAX_TOKEN_REQUEST_BYTES), {}, true)).status).toBe(200);
    expect(await ask(padded(MAX_TOKEN_REQUEST_BYTES + 1))).toEqual(tooLarge);
    expect(await ask(padded(MAX_TOKEN_REQUEST_BYTES + 1), {}, true)).toEqual(tooLarge);
  });

  it('refuses 9 MB of 600,000 parameters by its size', async () => {
    const flood = `${postedForm}&${'a=1&'.repeat(600_000)}`.slice(0, 9_000_000);

    expect(await ask(flood)).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: expect.stringMatching(/the limit is 4096 bytes$/) },
    });
  });

  it('issues a token expiring TCCC_OAUTH_TOKEN_TTL_SECONDS after the clock it is given', async () => {
    const shortLived = createTokenHandler({
      loadAuth: () => loadAuthConfig({ ...env, TCCC_OAUTH_TOKEN_TTL_SECONDS: '120' }),
      now: () => new Date(T0 * 1000),
    });

    const reply = JSON.parse((await shortLived(tokenRequest(posted))).body);

    expect(reply.expires_in).toBe(120);
    expect(decodeJwt(reply.access_token)).toMatchObject({ iat: T0, exp: T0 + 120 });
  });

  it('answers server_error, issuing nothing, when the configured lifetime is out of bounds', async () => {
    const misconfigured = createTokenHandler({
      loadAuth: () => loadAuthConfig({ ...env, TCCC_OAUTH_TOKEN_TTL_SECONDS: '1e20' }),
    });

    const reply = await misconfigured(tokenRequest(posted));

    expect({ status: reply.statusCode, body: JSON.parse(reply.body) }).toEqual({
      status: 500,
      body: { error: 'server_error' },
    });
  });

  it.each([
    ['a wrong secret', { ...posted, client_secret: 'nope' }, {}, 401, 'invalid_client'],
    ['no client authentication', grant, {}, 401, 'invalid_client'],
    ['another grant type', { ...posted, grant_type: 'password' }, {}, 400, 'unsupported_grant_type'],
    ['no grant type', { client_id: CLIENT.id, client_secret: CLIENT.secret }, {}, 400, 'invalid_request'],
    ['an empty grant type', { ...posted, grant_type: '' }, {}, 400, 'invalid_request'],
    [
      'two client authentication methods',
      posted,
      { authorization: basicHeader(CLIENT.id, CLIENT.secret) },
      400,
      'invalid_request',
    ],
    ['a JSON body', JSON.stringify(posted), { 'content-type': 'application/json' }, 400, 'invalid_request'],
  ])('answers %s with the RFC 6749 error', async (_title, form, headers, status, error) => {
    const reply = await ask(form, headers);

    expect(reply.status).toBe(status);
    expect(reply.body).toMatchObject({ error });
  });
});
