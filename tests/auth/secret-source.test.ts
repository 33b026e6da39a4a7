import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthConfig, loadAuthConfig } from '../../handler/auth/auth-config';
import { Misconfigured } from '../../handler/common/errors';

/**
 * SSM Parameter Store cannot run locally: a stand-in speaking its JSON protocol over HTTP,
 * reached through the SDK's standard endpoint variable, so the real client and Powertools
 * Parameters make the calls.
 */
const parameters = new Map<string, string>();
const asked: string[] = [];
const ssm = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    const { Name: name } = JSON.parse(body) as { Name: string };
    asked.push(name);
    const value = parameters.get(name);
    response.setHeader('content-type', 'application/x-amz-json-1.1');
    if (value === undefined) {
      response.statusCode = 400;
      response.end(JSON.stringify({ __type: 'ParameterNotFound', message: 'not found' }));
    } else {
      response.end(JSON.stringify({ Parameter: { Name: name, Type: 'SecureString', Value: value, Version: 1 } }));
    }
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => ssm.listen(0, '127.0.0.1', resolve));
  process.env.AWS_ENDPOINT_URL_SSM = `http://127.0.0.1:${(ssm.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => ssm.close(resolve)));

/** The environment serverless.yml gives the functions, plus what the Lambda runtime sets. */
const deployedEnv = (stage: string) => ({
  AWS_LAMBDA_FUNCTION_NAME: `tccc-cdr-receiver-${stage}-push`,
  TCCC_AUTH: 'basic',
  TCCC_SECRETS_PATH: `/tccc-cdr-receiver/${stage}/`,
});
const putSecrets = (stage: string, secrets: Record<string, string>) => {
  for (const [name, value] of Object.entries(secrets)) parameters.set(`/tccc-cdr-receiver/${stage}/${name}`, value);
};
const shellSecrets = { TCCC_BASIC_USERNAME: 'from-shell', TCCC_BASIC_PASSWORD: 'shell+pass/1=' };

describe('where the secrets come from', () => {
  it('reads them from SSM under TCCC_SECRETS_PATH on a deployed stage, never from the environment', async () => {
    putSecrets('prod1', { 'basic-username': 'from-ssm', 'basic-password': 'ssm-password' });

    const config = await loadAuthConfig({ ...deployedEnv('prod1'), ...shellSecrets });

    expect(config).toEqual({ mode: 'basic', username: 'from-ssm', password: 'ssm-password' });
  });

  it('refuses to run a deployed stage whose secret is missing in SSM, even if the environment has it', async () => {
    await expect(loadAuthConfig({ ...deployedEnv('prod2'), ...shellSecrets })).rejects.toThrow(
      new Misconfigured('secret basic-username is not set (SSM /tccc-cdr-receiver/prod2/basic-username)'),
    );
  });

  it.each([
    ['serverless-offline (npm start)', { IS_OFFLINE: 'true' }],
    ['serverless invoke local', { IS_LOCAL: 'true' }],
  ])(
    'reads them from the environment under %s, although serverless.yml sets TCCC_SECRETS_PATH',
    async (_run, local) => {
      parameters.set('/tccc-cdr-receiver/dev/basic-username', 'from-ssm');
      parameters.set('/tccc-cdr-receiver/dev/basic-password', 'ssm-password');
      asked.length = 0;

      const config = await loadAuthConfig({ ...deployedEnv('dev'), ...local, ...shellSecrets });

      expect(config).toEqual<AuthConfig>({ mode: 'basic', username: 'from-shell', password: 'shell+pass/1=' });
      expect(asked).toEqual([]);
    },
  );

  it('reads the token signing keys from SSM like the other secrets, the previous one only when present', async () => {
    const key = Buffer.alloc(32, 7);
    const previous = Buffer.alloc(32, 9);
    const oauthSecrets = {
      'oauth-client-id': 'tccc-client',
      'oauth-client-secret': 'client-secret',
      'oauth-signing-key': key.toString('base64'),
    };
    putSecrets('prod3', oauthSecrets);
    putSecrets('prod4', { ...oauthSecrets, 'oauth-signing-key-previous': previous.toString('base64') });

    const settled = await loadAuthConfig({ ...deployedEnv('prod3'), TCCC_AUTH: 'oauth2' });
    const rotating = await loadAuthConfig({ ...deployedEnv('prod4'), TCCC_AUTH: 'oauth2' });

    expect(settled).toEqual({
      mode: 'oauth2',
      clientId: 'tccc-client',
      clientSecret: 'client-secret',
      signingKey: new Uint8Array(key),
      tokenTtlSeconds: 900,
    });
    expect(rotating).toMatchObject({ signingKey: new Uint8Array(key), previousSigningKey: new Uint8Array(previous) });
  });
});
