// The environment a local run gives the handler: DynamoDB Local through the SDK's
// standard endpoint variable, and credentials DynamoDB Local accepts (it checks none).
import { randomBytes } from 'node:crypto';

export const LOCAL_STAGE = 'dev';
export const DEFAULT_DYNAMODB_PORT = 8000;

export function localEnv(endpoint) {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: '',
    // Keeps `serverless` from looking for AWS credentials or a dashboard.
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
}

/**
 * An oauth2 run needs a token signing key (TCCC_OAUTH_SIGNING_KEY). Without one, a random key
 * for this run only: its tokens stop working when the run stops. Never printed.
 */
export function localSigningKey(env = process.env) {
  if (env.TCCC_AUTH !== 'oauth2' || env.TCCC_OAUTH_SIGNING_KEY) return {};
  return { TCCC_OAUTH_SIGNING_KEY: randomBytes(32).toString('base64') };
}
