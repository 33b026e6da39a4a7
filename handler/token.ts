import type { APIGatewayProxyResult } from 'aws-lambda';
import { issueAccessToken } from './auth/access-tokens';
import { type AuthConfig, cachedAuthConfig } from './auth/auth-config';
import { parseBasic, secretsEqual } from './auth/credentials';
import { bodyBytes } from './decode/body-bytes';
import { mediaTypeOf } from './decode/content-type';
import { toHttpRequest } from './edge/http-request';
import type { ApiGatewayEvent } from './edge/lambda-entry';
import { Refusal } from './errors';
import { MAX_TOKEN_BODY_BYTES } from './limits';
import { logger } from './observability';

/** RFC 6749 section 5.2 error codes this endpoint answers. */
type OAuthError = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type';

const NO_STORE = { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' } as const;

function oauthError(statusCode: 400 | 401, error: OAuthError, description: string): APIGatewayProxyResult {
  const headers: Record<string, string> = { ...NO_STORE };
  if (statusCode === 401) headers['www-authenticate'] = 'Basic realm="tccc-cdr-receiver"';
  return { statusCode, headers, body: JSON.stringify({ error, error_description: description }) };
}

/**
 * The token URL the TCCC console asks for: `POST /oauth/token`, the client credentials
 * grant (RFC 6749 section 4.4). TCCC does not say how it authenticates, so both standard
 * methods are taken: HTTP Basic (client_secret_basic) or form fields (client_secret_post).
 */
export function createTokenHandler(loadAuth: () => Promise<AuthConfig> = cachedAuthConfig()) {
  return async (event: ApiGatewayEvent): Promise<APIGatewayProxyResult> => {
    try {
      const request = toHttpRequest(event);
      if (request.method !== 'POST') return oauthError(400, 'invalid_request', 'use POST');
      const config = await loadAuth();
      if (config.mode !== 'oauth2') return oauthError(400, 'invalid_request', 'OAuth2 is not enabled on this receiver');
      if (mediaTypeOf(request.headers['content-type'])?.type !== 'application/x-www-form-urlencoded') {
        return oauthError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
      }
      let bytes: Buffer;
      try {
        bytes = bodyBytes(request, MAX_TOKEN_BODY_BYTES);
      } catch (error) {
        if (error instanceof Refusal) return oauthError(400, 'invalid_request', error.message);
        throw error;
      }
      const form = new URLSearchParams(bytes.toString('utf8'));
      const basic = parseBasic(request.headers.authorization);
      const posted = form.has('client_id') || form.has('client_secret');
      if (basic && posted) return oauthError(400, 'invalid_request', 'use one client authentication method, not two');
      const client = basic ?? { username: form.get('client_id') ?? '', password: form.get('client_secret') ?? '' };
      const idOk = secretsEqual(client.username, config.clientId);
      const secretOk = secretsEqual(client.password, config.clientSecret);
      if (!idOk || !secretOk) return oauthError(401, 'invalid_client', 'client authentication failed');
      const grantType = form.get('grant_type');
      if (!grantType) return oauthError(400, 'invalid_request', 'grant_type is required');
      if (grantType !== 'client_credentials') {
        return oauthError(400, 'unsupported_grant_type', 'only client_credentials is supported');
      }
      const accessToken = await issueAccessToken(config);
      logger.info('access token issued', { expiresIn: config.tokenTtlSeconds });
      return {
        statusCode: 200,
        headers: NO_STORE,
        body: JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: config.tokenTtlSeconds }),
      };
    } catch (error) {
      logger.error('token request failed', { error: (error as Error).message });
      return { statusCode: 500, headers: NO_STORE, body: JSON.stringify({ error: 'server_error' }) };
    }
  };
}

export const handler = createTokenHandler();
