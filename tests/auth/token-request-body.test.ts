import { randomBytes } from 'node:crypto';
import { loadAuthConfig } from '../../handler/auth/auth-config';
import { createTokenHandler } from '../../handler/functions/token';
import { httpApiEvent } from '../support/events';

const oauthEnv = {
  TCCC_AUTH: 'oauth2',
  TCCC_OAUTH_CLIENT_ID: 'tccc-client',
  TCCC_OAUTH_CLIENT_SECRET: 'client-s3cret',
  TCCC_OAUTH_SIGNING_KEY: randomBytes(32).toString('base64'),
};
const token = createTokenHandler({ loadAuth: () => loadAuthConfig(oauthEnv) });
const form = 'grant_type=client_credentials&client_id=tccc-client&client_secret=client-s3cret';

const tokenRequest = (body: string, isBase64Encoded: boolean, contentType: string) =>
  httpApiEvent({ path: '/oauth/token', query: null, headers: { 'content-type': contentType }, body, isBase64Encoded });

describe('token URL: the form body is read like every other body', () => {
  it.each([
    ['as text', form, false, 'application/x-www-form-urlencoded'],
    // What an HTTP API hands over for a form: it base64-encodes every type it does not take for text.
    ['base64-encoded', Buffer.from(form).toString('base64'), true, 'application/x-www-form-urlencoded'],
    [
      'base64 with line breaks',
      Buffer.from(form)
        .toString('base64')
        .replace(/(.{20})/g, '$1\r\n'),
      true,
      'application/x-www-form-urlencoded',
    ],
    ['with a charset parameter', form, false, 'Application/X-WWW-Form-URLEncoded; charset=UTF-8'],
  ])('issues a token for a form sent %s', async (_title, body, isBase64Encoded, contentType) => {
    const reply = await token(tokenRequest(body, isBase64Encoded, contentType));

    expect(reply.statusCode).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ token_type: 'Bearer' });
  });

  it.each([
    [
      'a media type that only starts like a form',
      form,
      'application/x-www-form-urlencoded-ish',
      'the body must be application/x-www-form-urlencoded',
    ],
    [
      'a body over 4 KiB',
      `${form}&pad=${'x'.repeat(4096)}`,
      'application/x-www-form-urlencoded',
      'body is 4180 bytes; the limit is 4096 bytes',
    ],
  ])('answers invalid_request to %s', async (_title, body, contentType, description) => {
    const reply = await token(tokenRequest(body, false, contentType));

    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(reply.body)).toEqual({ error: 'invalid_request', error_description: description });
  });
});
