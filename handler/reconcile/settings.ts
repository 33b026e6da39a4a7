import { readSecret } from '../auth/secret-source';
import { Misconfigured } from '../common/errors';
import type { TcccApiSettings } from './tccc-api';

/**
 * Reconcile's settings, from the environment (serverless.yml sets them for the scheduled
 * function; an operator's shell for `npm run reconcile`):
 * - TCCC_SDK_APP_IDS: the SdkAppIds to reconcile, comma-separated;
 * - TCCC_PROTECTED_SDK_APP_IDS: those with number protection on (also DescribeProtectedTelCdr);
 * - TCCC_API_HOST: ccc.tencentcloudapi.com (default) or ccc.intl.tencentcloudapi.com;
 * - TCCC_API_ENDPOINT: a URL that replaces the host, for a stand-in (local runs only);
 * - RECONCILE_RECORD_DELAY_MINUTES: how long a recording may wait for its cdr (default 60).
 * The API keys are secrets like the others (secret-source.ts): `api-secret-id` and
 * `api-secret-key`, SecureStrings under TCCC_SECRETS_PATH deployed, TCCC_API_SECRET_ID and
 * TCCC_API_SECRET_KEY in the environment locally.
 */
export const DEFAULT_TCCC_API_HOST = 'ccc.tencentcloudapi.com';
export const DEFAULT_RECORD_DELAY_MINUTES = 60;
export const API_SECRET_NAMES = { secretId: 'api-secret-id', secretKey: 'api-secret-key' } as const;

export interface ReconcileSettings {
  readonly sdkAppIds: number[];
  readonly protectedSdkAppIds: number[];
  readonly recordDelaySeconds: number;
}

function idList(env: NodeJS.ProcessEnv, name: string, required: boolean): number[] {
  const text = (env[name] ?? '').trim();
  if (text === '') {
    if (required) throw new Misconfigured(`${name} is not set: the SdkAppIds to reconcile, comma-separated`);
    return [];
  }
  return text.split(',').map((part) => {
    const id = Number(part.trim());
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new Misconfigured(`${name}: ${part.trim().slice(0, 20)} is not an SdkAppId`);
    return id;
  });
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Misconfigured(`${name} must be a number >= 0`);
  return value;
}

export function reconcileSettings(env: NodeJS.ProcessEnv): ReconcileSettings {
  return {
    sdkAppIds: idList(env, 'TCCC_SDK_APP_IDS', true),
    protectedSdkAppIds: idList(env, 'TCCC_PROTECTED_SDK_APP_IDS', false),
    recordDelaySeconds: positive(env, 'RECONCILE_RECORD_DELAY_MINUTES', DEFAULT_RECORD_DELAY_MINUTES) * 60,
  };
}

export async function tcccApiSettings(env: NodeJS.ProcessEnv): Promise<TcccApiSettings> {
  const [secretId, secretKey] = await Promise.all([
    readSecret(env, API_SECRET_NAMES.secretId),
    readSecret(env, API_SECRET_NAMES.secretKey),
  ]);
  return {
    secretId: secretId as string,
    secretKey: secretKey as string,
    host: env.TCCC_API_HOST || DEFAULT_TCCC_API_HOST,
    ...(env.TCCC_API_ENDPOINT && { endpoint: env.TCCC_API_ENDPOINT }),
  };
}
