import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { httpApiEvent } from '../support/events';

/** 256 random bits, base64: what `openssl rand -base64 32` prints. */
export const newSigningKey = () => randomBytes(32).toString('base64');

export const basicEnv = { TCCC_AUTH: 'basic', TCCC_BASIC_USERNAME: 'tccc', TCCC_BASIC_PASSWORD: 's3cret:with-colon' };

export const oauthEnv = {
  TCCC_AUTH: 'oauth2',
  TCCC_OAUTH_CLIENT_ID: 'tccc-client',
  TCCC_OAUTH_CLIENT_SECRET: 'client-s3cret',
  TCCC_OAUTH_SIGNING_KEY: newSigningKey(),
};

export const basicHeader = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A POST to the token URL with a form body (given as fields, or as raw text). */
export function tokenRequest(
  form: Record<string, string> | string,
  headers: Record<string, string> = {},
  isBase64Encoded = false,
): APIGatewayProxyEventV2 {
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  return httpApiEvent({
    path: '/oauth/token',
    query: null,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: isBase64Encoded ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded,
  });
}

export const clientCredentials = {
  grant_type: 'client_credentials',
  client_id: oauthEnv.TCCC_OAUTH_CLIENT_ID,
  client_secret: oauthEnv.TCCC_OAUTH_CLIENT_SECRET,
};

/** `GET /cdrs/{SessionId}` as API Gateway routes it. */
export function readEvent(sessionId: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  const event = httpApiEvent({
    method: 'GET',
    path: `/cdrs/${encodeURIComponent(sessionId)}`,
    query: null,
    headers,
    pathParameters: { SessionId: sessionId },
  });
  return { ...event, routeKey: 'GET /cdrs/{SessionId}' };
}
