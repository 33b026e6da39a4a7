import { createHash, hkdfSync } from 'node:crypto';
import { Misconfigured } from '../errors';

/** The three modes TCCC's console offers for its data push. */
export type AuthMode = 'none' | 'basic' | 'oauth2';

export type AuthConfig =
  | { readonly mode: 'none' }
  | { readonly mode: 'basic'; readonly username: string; readonly password: string }
  | {
      readonly mode: 'oauth2';
      readonly clientId: string;
      readonly clientSecret: string;
      /** HS256 key for the access tokens this receiver issues. */
      readonly signingKey: Uint8Array;
      readonly tokenTtlSeconds: number;
    };

const DEFAULT_TOKEN_TTL_SECONDS = 900;

/** Deployed (not serverless-offline, not `invoke local`): then `none` needs an explicit opt-in. */
export function isDeployed(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.AWS_LAMBDA_FUNCTION_NAME) && !env.IS_OFFLINE && !env.IS_LOCAL;
}

/**
 * Each secret by name: from SSM Parameter Store (SecureString, under TCCC_SECRETS_PATH)
 * when deployed, from the environment (TCCC_BASIC_PASSWORD, ...) locally.
 */
async function secret(env: NodeJS.ProcessEnv, name: string, required = true): Promise<string | undefined> {
  const path = env.TCCC_SECRETS_PATH;
  const envName = `TCCC_${name.toUpperCase().replace(/-/g, '_')}`;
  let value: string | undefined;
  if (path) {
    const { readSsmSecret } = await import('./ssm-secrets');
    value = await readSsmSecret(`${path.replace(/\/?$/, '/')}${name}`).catch((error: unknown) => {
      throw new Misconfigured(`secret ${name} cannot be read from SSM: ${(error as Error).name}`);
    });
  } else {
    value = env[envName];
  }
  if (required && !value) {
    throw new Misconfigured(`secret ${name} is not set (${path ? `SSM ${path}${name}` : envName})`);
  }
  return value || undefined;
}

/** Without a configured key, one derived from the client secret: rotating the secret then also revokes its tokens. */
function signingKeyFrom(configured: string | undefined, clientSecret: string): Uint8Array {
  if (configured) return new Uint8Array(createHash('sha256').update(configured).digest());
  return new Uint8Array(hkdfSync('sha256', clientSecret, 'tccc-cdr-receiver', 'oauth2 access token signing', 32));
}

/** The configuration in force, from TCCC_AUTH and the secrets; throws Misconfigured. */
export async function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): Promise<AuthConfig> {
  const mode = (env.TCCC_AUTH ?? 'none') as AuthMode;
  switch (mode) {
    case 'none':
      if (isDeployed(env) && env.TCCC_ALLOW_UNAUTHENTICATED !== 'true') {
        throw new Misconfigured('TCCC_AUTH=none on a deployed stage needs TCCC_ALLOW_UNAUTHENTICATED=true');
      }
      return { mode };
    case 'basic': {
      const [username, password] = await Promise.all([secret(env, 'basic-username'), secret(env, 'basic-password')]);
      return { mode, username: username as string, password: password as string };
    }
    case 'oauth2': {
      const [clientId, clientSecret, signingKey] = await Promise.all([
        secret(env, 'oauth-client-id'),
        secret(env, 'oauth-client-secret'),
        secret(env, 'oauth-signing-key', false),
      ]);
      const ttl = Number(env.TCCC_OAUTH_TOKEN_TTL_SECONDS ?? DEFAULT_TOKEN_TTL_SECONDS);
      return {
        mode,
        clientId: clientId as string,
        clientSecret: clientSecret as string,
        signingKey: signingKeyFrom(signingKey, clientSecret as string),
        tokenTtlSeconds: Number.isInteger(ttl) && ttl > 0 ? ttl : DEFAULT_TOKEN_TTL_SECONDS,
      };
    }
    default:
      throw new Misconfigured(`TCCC_AUTH=${String(mode).slice(0, 20)} is not one of none, basic, oauth2`);
  }
}

/** How long a container keeps the configuration it loaded: secrets rotated in SSM land within it. */
export const AUTH_CONFIG_MAX_AGE_MS = 300_000;

/**
 * loadAuthConfig for the functions: loaded once per container and kept AUTH_CONFIG_MAX_AGE_MS,
 * so a push pays neither the environment parsing nor the key derivation. A failed load is not kept.
 */
export function cachedAuthConfig(maxAgeMs = AUTH_CONFIG_MAX_AGE_MS): () => Promise<AuthConfig> {
  let cached: { config: Promise<AuthConfig>; loadedAt: number } | undefined;
  return () => {
    if (!cached || Date.now() - cached.loadedAt > maxAgeMs) {
      const config = loadAuthConfig();
      cached = { config, loadedAt: Date.now() };
      config.catch(() => {
        if (cached?.config === config) cached = undefined;
      });
    }
    return cached.config;
  };
}

// --- Secrets read at init ------------------------------------------------------------------
// When the secrets live in SSM, the functions that need them (push, token) ask for all of the
// mode's secrets in one GetParameters as they load (Lambda's init), rather than one GetParameter
// per secret on the first request; `secret` then finds them in Powertools' cache
// (ssm-secrets.ts). A name missing here is still read, on its own.

/** The secrets each mode reads (loadAuthConfig), by name under TCCC_SECRETS_PATH. */
const SECRETS_OF_MODE: Partial<Record<AuthMode, readonly string[]>> = {
  basic: ['basic-username', 'basic-password'],
  oauth2: ['oauth-client-id', 'oauth-client-secret', 'oauth-signing-key'],
};

/** Starts the batch read of the mode's secrets when they live in SSM; never throws. */
export function prefetchSecrets(env: NodeJS.ProcessEnv = process.env): void {
  const path = env.TCCC_SECRETS_PATH;
  const names = SECRETS_OF_MODE[env.TCCC_AUTH as AuthMode];
  if (!path || !names) return;
  const prefix = path.replace(/\/?$/, '/');
  import('./ssm-secrets').then(
    ({ prefetchSsmSecrets }) => prefetchSsmSecrets(names.map((name) => `${prefix}${name}`)),
    () => undefined,
  );
}
