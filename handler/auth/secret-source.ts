import { Misconfigured } from '../common/errors';

/**
 * Under serverless-offline (IS_OFFLINE) or `serverless invoke local` (IS_LOCAL): both set
 * these themselves, and both pass serverless.yml's environment, TCCC_SECRETS_PATH included.
 */
export function isLocalEmulator(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.IS_OFFLINE || env.IS_LOCAL);
}

/** Where the secrets come from: SSM under TCCC_SECRETS_PATH when deployed, the environment locally. */
export function secretsFromSsm(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.TCCC_SECRETS_PATH) && !isLocalEmulator(env);
}

/** `oauth-client-secret` is `TCCC_OAUTH_CLIENT_SECRET` in the environment. */
const secretEnvName = (name: string) => `TCCC_${name.toUpperCase().replace(/-/g, '_')}`;

/** Where a secret lives in SSM Parameter Store: `name` under TCCC_SECRETS_PATH. */
export function ssmParameterName(env: NodeJS.ProcessEnv, name: string): string {
  return `${(env.TCCC_SECRETS_PATH ?? '').replace(/\/?$/, '/')}${name}`;
}

/**
 * One secret by name: a SecureString under TCCC_SECRETS_PATH in SSM Parameter Store when
 * deployed (never in the template), TCCC_<NAME> from the environment locally. Throws
 * Misconfigured when a required one is missing or SSM cannot be read.
 */
export async function readSecret(env: NodeJS.ProcessEnv, name: string, required = true): Promise<string | undefined> {
  let value: string | undefined;
  let where: string;
  if (secretsFromSsm(env)) {
    const parameter = ssmParameterName(env, name);
    where = `SSM ${parameter}`;
    // A chunk of its own: the SSM client is as large as all the rest of the bundle.
    const { readSsmSecret } = await import('./ssm-secrets');
    value = await readSsmSecret(parameter).catch((error: unknown) => {
      throw new Misconfigured(`secret ${name} cannot be read from SSM: ${(error as Error).name}`, { cause: error });
    });
  } else {
    where = secretEnvName(name);
    value = env[where];
  }
  if (required && !value) throw new Misconfigured(`secret ${name} is not set (${where})`);
  return value || undefined;
}
