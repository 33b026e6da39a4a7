import { Misconfigured } from '../common/errors';
import { isLocalEmulator, readSecret, secretsFromSsm, ssmParameterName } from './secret-source';
import { decodeSigningKey } from './signing-keys';

/** The three modes TCCC's console offers for its data push. */
export type AuthMode = 'none' | 'basic' | 'oauth2';

export type AuthConfig =
  | { readonly mode: 'none' }
  | { readonly mode: 'basic'; readonly username: string; readonly password: string }
  | {
      readonly mode: 'oauth2';
      readonly clientId: string;
      readonly clientSecret: string;
      /** HS256 key the access tokens are signed with: `oauth-signing-key`. */
      readonly signingKey: Uint8Array;
      /** Also accepted when verifying, during a key rotation: `oauth-signing-key-previous`. */
      readonly previousSigningKey?: Uint8Array;
      readonly tokenTtlSeconds: number;
    };

/** Access token lifetime: TCCC_OAUTH_TOKEN_TTL_SECONDS, an integer in these bounds, 15 minutes by default. */
export const TOKEN_TTL_SECONDS = { default: 900, min: 60, max: 86_400 } as const;

/** Deployed (not serverless-offline, not `invoke local`): then `none` needs an explicit opt-in. */
export function isDeployed(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.AWS_LAMBDA_FUNCTION_NAME) && !isLocalEmulator(env);
}

function tokenTtlSeconds(env: NodeJS.ProcessEnv): number {
  const text = env.TCCC_OAUTH_TOKEN_TTL_SECONDS?.trim() || String(TOKEN_TTL_SECONDS.default);
  const ttl = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(ttl >= TOKEN_TTL_SECONDS.min && ttl <= TOKEN_TTL_SECONDS.max)) {
    throw new Misconfigured(
      `TCCC_OAUTH_TOKEN_TTL_SECONDS must be an integer from ${TOKEN_TTL_SECONDS.min} to ${TOKEN_TTL_SECONDS.max}`,
    );
  }
  return ttl;
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
      const [username, password] = await Promise.all([
        readSecret(env, 'basic-username'),
        readSecret(env, 'basic-password'),
      ]);
      return { mode, username: username as string, password: password as string };
    }
    case 'oauth2': {
      const tokenTtl = tokenTtlSeconds(env);
      const [clientId, clientSecret, signingKey, previousSigningKey] = await Promise.all([
        readSecret(env, 'oauth-client-id'),
        readSecret(env, 'oauth-client-secret'),
        readSecret(env, 'oauth-signing-key'),
        readSecret(env, 'oauth-signing-key-previous', false),
      ]);
      return {
        mode,
        clientId: clientId as string,
        clientSecret: clientSecret as string,
        signingKey: decodeSigningKey('oauth-signing-key', signingKey as string),
        ...(previousSigningKey && {
          previousSigningKey: decodeSigningKey('oauth-signing-key-previous', previousSigningKey),
        }),
        tokenTtlSeconds: tokenTtl,
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
 * so a push pays neither the environment parsing nor SSM. A failed load is not kept.
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
  oauth2: ['oauth-client-id', 'oauth-client-secret', 'oauth-signing-key', 'oauth-signing-key-previous'],
};

/**
 * Starts the batch read of the mode's secrets when they live in SSM (as readSecret decides: not
 * under a local emulator, which reads them from the environment); never throws.
 */
export function prefetchSecrets(env: NodeJS.ProcessEnv = process.env): void {
  const names = SECRETS_OF_MODE[env.TCCC_AUTH as AuthMode];
  if (!secretsFromSsm(env) || !names) return;
  import('./ssm-secrets').then(
    ({ prefetchSsmSecrets }) => prefetchSsmSecrets(names.map((name) => ssmParameterName(env, name))),
    () => undefined,
  );
}
