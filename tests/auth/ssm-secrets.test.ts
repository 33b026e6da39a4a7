import { ssmStandIn } from '../support/ssm-stand-in';
import { tokenRequest } from './support';

type AuthConfigModule = typeof import('../../handler/auth/auth-config');

const PATH = '/tccc-cdr-receiver/test';
const BASIC = { [`${PATH}/basic-username`]: 'tccc', [`${PATH}/basic-password`]: 's3cret' };
const BASIC_ENV = { TCCC_BASIC_USERNAME: 'tccc', TCCC_BASIC_PASSWORD: 's3cret' };
const OAUTH = {
  [`${PATH}/oauth-client-id`]: 'tccc-client',
  [`${PATH}/oauth-client-secret`]: 'client-s3cret',
  [`${PATH}/oauth-signing-key`]: Buffer.alloc(32, 7).toString('base64'),
};

/**
 * A fresh container: the auth modules and Powertools' parameter cache loaded anew, SSM at the
 * stub, secrets prefetched as the push function's init does, then the configuration loaded as
 * its first push does, at once.
 */
async function coldStart(stub: ReturnType<typeof ssmStandIn>, env: Record<string, string>) {
  const previous = process.env.AWS_ENDPOINT_URL_SSM;
  process.env.AWS_ENDPOINT_URL_SSM = await stub.start();
  try {
    let config: Awaited<ReturnType<AuthConfigModule['loadAuthConfig']>> | undefined;
    await jest.isolateModulesAsync(async () => {
      const { loadAuthConfig, prefetchSecrets } = (await import('../../handler/auth/auth-config')) as AuthConfigModule;
      prefetchSecrets(env);
      config = await loadAuthConfig(env);
    });
    return config;
  } finally {
    process.env.AWS_ENDPOINT_URL_SSM = previous;
    await stub.stop();
  }
}

/**
 * Whether prefetchSecrets(env) starts the batch read: the SSM module's prefetch watched in a
 * fresh module registry, once the import it waits on has settled (microtasks only: a macrotask
 * later, it has run or never will).
 */
async function batchReadStartedAtInit(env: Record<string, string>): Promise<boolean> {
  let started = false;
  await jest.isolateModulesAsync(async () => {
    const ssm = (await import('../../handler/auth/ssm-secrets')) as typeof import('../../handler/auth/ssm-secrets');
    jest.spyOn(ssm, 'prefetchSsmSecrets').mockImplementation(() => {
      started = true;
    });
    const { prefetchSecrets } = (await import('../../handler/auth/auth-config')) as AuthConfigModule;
    prefetchSecrets(env);
    await new Promise(setImmediate);
  });
  return started;
}

describe('auth secrets from SSM: one GetParameters at init', () => {
  it('reads both basic secrets in one GetParameters, decrypted, and nothing more on the first push', async () => {
    const stub = ssmStandIn(BASIC);

    const config = await coldStart(stub, { TCCC_AUTH: 'basic', TCCC_SECRETS_PATH: PATH });

    expect(config).toEqual({ mode: 'basic', username: 'tccc', password: 's3cret' });
    expect(stub.calls).toEqual([{ operation: 'GetParameters', names: Object.keys(BASIC), decrypt: true }]);
  });

  it('does not ask again for an optional secret the batch found missing (oauth2 outside a key rotation)', async () => {
    const stub = ssmStandIn(OAUTH);

    const config = await coldStart(stub, { TCCC_AUTH: 'oauth2', TCCC_SECRETS_PATH: `${PATH}/` });

    expect(config).toMatchObject({ mode: 'oauth2', clientId: 'tccc-client', clientSecret: 'client-s3cret' });
    expect(stub.calls).toHaveLength(1);
    expect(stub.calls[0]).toMatchObject({ operation: 'GetParameters', decrypt: true });
    expect([...(stub.calls[0]?.names ?? [])].sort()).toEqual(
      ['oauth-client-id', 'oauth-client-secret', 'oauth-signing-key', 'oauth-signing-key-previous'].map(
        (name) => `${PATH}/${name}`,
      ),
    );
  });

  it('falls back to one GetParameter per secret when the batch read fails (e.g. ssm:GetParameters not allowed)', async () => {
    const stub = ssmStandIn(BASIC, { refuse: ['GetParameters'] });

    const config = await coldStart(stub, { TCCC_AUTH: 'basic', TCCC_SECRETS_PATH: PATH });

    expect(config).toEqual({ mode: 'basic', username: 'tccc', password: 's3cret' });
    expect(stub.calls.map((call) => call.operation).sort()).toEqual(['GetParameter', 'GetParameter', 'GetParameters']);
  });

  it('still refuses to start without a required secret', async () => {
    const stub = ssmStandIn({ [`${PATH}/basic-username`]: 'tccc' });

    await expect(coldStart(stub, { TCCC_AUTH: 'basic', TCCC_SECRETS_PATH: PATH })).rejects.toThrow(
      'secret basic-password is not set',
    );
    expect(stub.calls.map((call) => call.operation)).toEqual(['GetParameters']);
  });

  it('reads nothing at init when the secrets are not in SSM, or the mode has none', async () => {
    // serverless-offline and `invoke local` pass serverless.yml's TCCC_SECRETS_PATH, but there
    // the secrets are the environment's.
    const local = { TCCC_AUTH: 'basic', TCCC_SECRETS_PATH: PATH, ...BASIC_ENV };
    const cases: Array<[Record<string, string>, boolean]> = [
      [{ TCCC_AUTH: 'basic', TCCC_SECRETS_PATH: PATH }, true],
      [{ TCCC_AUTH: 'basic', ...BASIC_ENV }, false],
      [{ TCCC_AUTH: 'none', TCCC_SECRETS_PATH: PATH }, false],
      [{ ...local, IS_OFFLINE: 'true' }, false],
      [{ ...local, IS_LOCAL: 'true' }, false],
    ];
    for (const [env, reads] of cases) {
      expect([env, await batchReadStartedAtInit(env)]).toEqual([env, reads]);
    }
  });

  it('the token function reads its secrets in one GetParameters at init too, and nothing more on its first request', async () => {
    const stub = ssmStandIn(OAUTH);
    const saved = { ...process.env };
    Object.assign(process.env, {
      TCCC_AUTH: 'oauth2',
      TCCC_SECRETS_PATH: PATH,
      AWS_ENDPOINT_URL_SSM: await stub.start(),
    });
    try {
      let reply: { statusCode: number; body: string } | undefined;
      await jest.isolateModulesAsync(async () => {
        // Loading the module is the function's init; the request follows at once, as on Lambda.
        const { handler } = (await import(
          '../../handler/functions/token'
        )) as typeof import('../../handler/functions/token');
        reply = await handler(
          tokenRequest({
            grant_type: 'client_credentials',
            client_id: OAUTH[`${PATH}/oauth-client-id`] as string,
            client_secret: OAUTH[`${PATH}/oauth-client-secret`] as string,
          }),
        );
      });

      expect(reply?.statusCode).toBe(200);
      expect(JSON.parse(reply?.body ?? '{}').token_type).toBe('Bearer');
      expect(stub.calls.map((call) => call.operation)).toEqual(['GetParameters']);
    } finally {
      process.env = saved;
      await stub.stop();
    }
  });
});
