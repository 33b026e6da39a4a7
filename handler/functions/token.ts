import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { issueAccessToken } from '../auth/access-tokens';
import { type AuthConfig, cachedAuthConfig, prefetchSecrets } from '../auth/auth-config';
import { basicClientMatches, postedClientMatches } from '../auth/client-authentication';
import { parseBasic } from '../auth/credentials';
import { parseTokenForm } from '../auth/token-request';
import { causeOf } from '../common/errors';
import { logger } from '../common/observability';
import { mediaTypeOf } from '../http/content-type';
import { toHttpRequest } from '../http/http-request';
import { type ApiGatewayEvent, withObservability } from '../http/lambda-entry';

/** RFC 6749 section 5.2 error codes this endpoint answers. */
type OAuthError = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type';

const NO_STORE = { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/**
 * `challenge`: the client authenticated with HTTP Basic, so a 401 names that scheme (RFC 6749
 * section 5.2). Never otherwise: a browser answered 401 with a Basic challenge to its fetch()
 * (the reports page's sign-in posts the client's id and secret) opens its own login dialog.
 */
function oauthError(
  statusCode: 400 | 401,
  error: OAuthError,
  description: string,
  challenge = false,
): APIGatewayProxyResult {
  const headers: Record<string, string> = { ...NO_STORE };
  if (challenge) headers['www-authenticate'] = 'Basic realm="tccc-cdr-receiver"';
  return { statusCode, headers, body: JSON.stringify({ error, error_description: description }) };
}

export interface TokenDependencies {
  readonly loadAuth?: () => Promise<AuthConfig>;
  readonly now?: () => Date;
}

/**
 * The token URL the TCCC console asks for: `POST /oauth/token`, the client credentials
 * grant (RFC 6749 section 4.4). TCCC does not say how it authenticates, so both standard
 * methods are taken: HTTP Basic (client_secret_basic) or form fields (client_secret_post).
 */
export function createTokenHandler({ loadAuth = cachedAuthConfig(), now = () => new Date() }: TokenDependencies = {}) {
  async function respond(event: ApiGatewayEvent): Promise<APIGatewayProxyResult> {
    const request = toHttpRequest(event);
    logger.appendKeys({ requestId: request.requestId });
    if (request.method !== 'POST') return oauthError(400, 'invalid_request', 'use POST');
    const config = await loadAuth();
    if (config.mode !== 'oauth2') return oauthError(400, 'invalid_request', 'OAuth2 is not enabled on this receiver');
    if (mediaTypeOf(request.headers['content-type'])?.type !== 'application/x-www-form-urlencoded') {
      return oauthError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
    }
    const form = parseTokenForm(request);
    if ('refused' in form) return oauthError(400, 'invalid_request', form.refused);
    // RFC 6749 section 3.1: a parameter without a value counts as omitted.
    const parameter = (name: string) => form.parameters.get(name) || undefined;
    const basic = parseBasic(request.headers.authorization);
    const postedId = parameter('client_id');
    const postedSecret = parameter('client_secret');
    if (basic && (postedId || postedSecret)) {
      return oauthError(400, 'invalid_request', 'use one client authentication method, not two');
    }
    const clientOk = basic
      ? basicClientMatches(basic, config)
      : postedClientMatches(postedId ?? '', postedSecret ?? '', config);
    if (!clientOk) return oauthError(401, 'invalid_client', 'client authentication failed', Boolean(basic));
    const grantType = parameter('grant_type');
    if (!grantType) return oauthError(400, 'invalid_request', 'grant_type is required');
    if (grantType !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'only client_credentials is supported');
    }
    const accessToken = await issueAccessToken(config, now());
    logger.info('access token issued', { expiresIn: config.tokenTtlSeconds });
    return {
      statusCode: 200,
      headers: NO_STORE,
      body: JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: config.tokenTtlSeconds }),
    };
  }

  return withObservability(async (event: ApiGatewayEvent): Promise<APIGatewayProxyResult> => {
    try {
      return await respond(event);
    } catch (error) {
      logger.error('token request failed', { cause: causeOf(error) });
      return { statusCode: 500, headers: NO_STORE, body: JSON.stringify({ error: 'server_error' }) };
    }
  });
}

// At init, as the push function does: the mode's secrets, when they live in SSM, in one
// GetParameters on their way before the first token request (rather than one GetParameter each then).
prefetchSecrets();

export const handler: (event: ApiGatewayEvent, context?: Context) => Promise<APIGatewayProxyResult> =
  createTokenHandler();
