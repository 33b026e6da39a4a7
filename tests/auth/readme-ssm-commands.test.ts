import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { countingStore, quarantineStore } from '../support/dynamodb';
import { pushEvent, sampleRecord } from '../support/events';
import { root, userEnv } from '../support/local-receiver';
import { documented, runDocumented } from '../support/readme';
import { ssmOperatorEnv, ssmStandIn } from '../support/ssm-stand-in';
import { basicHeader, tokenRequest } from './support';

/**
 * The README's `aws ssm` lines, run as written with the AWS CLI, against a stand-in for SSM
 * Parameter Store (AWS_ENDPOINT_URL_SSM, the CLI's and the SDK's own setting; dummy
 * credentials), and the receiver reading what they stored, as a deployed function does: the
 * secrets put there let TCCC in, and the key rotation, step by step, refuses no token on the way.
 * Each check is a fresh container (modules and Powertools' cache loaded anew), as after the
 * README's "after 10 minutes".
 */
const PASSWORD = 'a long pass phrase';
const SSM = ssmStandIn();
const work = mkdtempSync(path.join(os.tmpdir(), 'readme-ssm-'));
// Where serverless.yml tells the functions to look, for the stage prod.
const SECRETS_PATH = (
  /^ {2}secretsPath: (.+)$/m.exec(readFileSync(path.join(root, 'serverless.yml'), 'utf8'))?.[1] ?? ''
)
  .replace('${self:service}', 'tccc-cdr-receiver')
  .replace('${sls:stage}', 'prod');
let operatorEnv: NodeJS.ProcessEnv;
const previousEndpoint = process.env.AWS_ENDPOINT_URL_SSM;
beforeAll(async () => {
  // Only a CLI that honours AWS_ENDPOINT_URL_<SERVICE> can be pointed at the stand-in unchanged.
  const { stdout, stderr } = await runDocumented('aws --version', userEnv({}), work);
  const [, cli, major, minor] = /aws-cli\/((\d+)\.(\d+))/.exec(stdout + stderr) ?? [];
  if (!cli || (major === '1' ? Number(minor) < 29 : Number(minor) < 13)) {
    throw new Error(`these tests need the AWS CLI, v1 >= 1.29 or v2 >= 2.13; found: ${(stdout + stderr).trim()}`);
  }
  const endpoint = await SSM.start();
  process.env.AWS_ENDPOINT_URL_SSM = endpoint;
  operatorEnv = ssmOperatorEnv(endpoint, work, userEnv({}));
});
afterAll(async () => {
  process.env.AWS_ENDPOINT_URL_SSM = previousEndpoint;
  await SSM.stop();
  rmSync(work, { recursive: true, force: true });
});

/**
 * README lines in one bash, `…` the test's password; fails the test on a non-zero exit. `carry`
 * keeps the shell's variables from one call to the next, as one terminal would (the test's own
 * lines, around the README's).
 */
async function operator(lines: string[], carry?: { from?: string; to?: string }): Promise<string> {
  const script = [
    'set -e',
    ...(carry?.from ? [`source ${carry.from}`] : []),
    ...lines.map((line) => documented(line).replaceAll("'…'", `'${PASSWORD}'`)),
    ...(carry?.to ? [`declare -p P NEW OLD > ${carry.to}`] : []),
  ].join('\n');
  const { code, stdout, stderr } = await runDocumented(script, operatorEnv, work);
  if (code !== 0) throw new Error(`exit ${code}:\n${stdout}\n${stderr}`);
  return stdout;
}

const secret = (name: string) => SSM.parameters.get(`${SECRETS_PATH}${name}`)?.value;
const { store } = countingStore();
const quarantine = quarantineStore();

/** A fresh container of the push and token functions, with TCCC_AUTH=`mode` and the stage's secrets path. */
async function container(mode: 'basic' | 'oauth2') {
  let handlers:
    | {
        push: (event: ReturnType<typeof pushEvent>) => Promise<APIGatewayProxyResult>;
        token: (event: ReturnType<typeof tokenRequest>) => Promise<APIGatewayProxyResult>;
      }
    | undefined;
  await jest.isolateModulesAsync(async () => {
    const { loadAuthConfig } = await import('../../handler/auth/auth-config');
    const { createPushHandler } = await import('../../handler/functions/push');
    const { createTokenHandler } = await import('../../handler/functions/token');
    const config = await loadAuthConfig({ TCCC_AUTH: mode, TCCC_SECRETS_PATH: SECRETS_PATH });
    const loadAuth = async () => config;
    handlers = { push: createPushHandler({ store, quarantine, loadAuth }), token: createTokenHandler({ loadAuth }) };
  });
  const { push, token } = handlers as NonNullable<typeof handlers>;
  return {
    /** The ErrCode of a push with that Authorization header. */
    push: async (authorization: string) =>
      JSON.parse(
        (
          await push(
            pushEvent(sampleRecord(), {
              headers: { 'content-type': 'application/json;charset=utf8', authorization },
            }),
          )
        ).body,
      ).ErrCode as number,
    /** A token for TCCC's client, as the client id and secret in SSM say. */
    token: async () => {
      const reply = await token(
        tokenRequest({
          grant_type: 'client_credentials',
          client_id: secret('oauth-client-id') as string,
          client_secret: secret('oauth-client-secret') as string,
        }),
      );
      expect(reply.statusCode).toBe(200);
      return `Bearer ${JSON.parse(reply.body).access_token}`;
    },
  };
}

describe('the README’s aws ssm lines, run as written, and the receiver reading what they stored', () => {
  it('basic: the username and password put there are the ones the push function takes', async () => {
    await operator([
      'aws ssm put-parameter --type SecureString --name /tccc-cdr-receiver/prod/basic-username --value tccc',
      "aws ssm put-parameter --type SecureString --name /tccc-cdr-receiver/prod/basic-password --value '…'",
    ]);
    expect(SSM.parameters.get(`${SECRETS_PATH}basic-password`)).toEqual({
      value: PASSWORD,
      type: 'SecureString',
      version: 1,
    });
    const receiver = await container('basic');
    expect(await receiver.push(basicHeader('tccc', PASSWORD))).toBe(0);
    expect(await receiver.push(basicHeader('tccc', `${PASSWORD}!`))).toBe(1008);
  }, 120_000);

  it('oauth2, then the signing key rotation step by step: no token refused on the way, the old key gone at the end', async () => {
    await operator([
      'aws ssm put-parameter --type SecureString --name /tccc-cdr-receiver/prod/oauth-client-id --value tccc',
      'aws ssm put-parameter --type SecureString --name /tccc-cdr-receiver/prod/oauth-client-secret --value "$(openssl rand -base64 24)"',
      'aws ssm put-parameter --type SecureString --name /tccc-cdr-receiver/prod/oauth-signing-key --value "$(openssl rand -base64 32)"',
    ]);
    expect(Buffer.from(secret('oauth-signing-key') as string, 'base64')).toHaveLength(32);
    const before = await container('oauth2');
    const first = await before.token();
    expect(await before.push(first)).toBe(0);
    const originalKey = secret('oauth-signing-key');

    // 1. The block's shell variables carry from one step to the next, as in one terminal.
    const variables = path.join(work, 'rotation-variables');
    await operator(
      [
        'P=/tccc-cdr-receiver/prod',
        'NEW="$(openssl rand -base64 32)"',
        'OLD="$(aws ssm get-parameter --with-decryption --name $P/oauth-signing-key --query Parameter.Value --output text)"',
        'aws ssm put-parameter --type SecureString --name $P/oauth-signing-key-previous --value "$NEW"',
      ],
      { to: variables },
    );
    const newKey = secret('oauth-signing-key-previous');
    expect(Buffer.from(newKey as string, 'base64')).toHaveLength(32);
    const step1 = await container('oauth2');
    expect(await step1.push(first)).toBe(0);
    const second = await step1.token();
    expect(await step1.push(second)).toBe(0);
    expect(secret('oauth-signing-key')).toBe(originalKey);

    // 2. "after 10 minutes": sign with the new key, keep accepting the old one.
    await operator(
      [
        'aws ssm put-parameter --type SecureString --overwrite --name $P/oauth-signing-key --value "$NEW"',
        'aws ssm put-parameter --type SecureString --overwrite --name $P/oauth-signing-key-previous --value "$OLD"',
      ],
      { from: variables },
    );
    expect(secret('oauth-signing-key')).toBe(newKey);
    expect(secret('oauth-signing-key-previous')).toBe(originalKey);
    const step2 = await container('oauth2');
    expect(await step2.push(first)).toBe(0);
    expect(await step2.push(second)).toBe(0);
    const third = await step2.token();
    expect(await step2.push(third)).toBe(0);

    // 3. The old key's tokens have expired (here: are still unexpired, and now refused).
    await operator(['aws ssm delete-parameter --name $P/oauth-signing-key-previous'], { from: variables });
    expect(secret('oauth-signing-key-previous')).toBeUndefined();
    const step3 = await container('oauth2');
    expect(await step3.push(third)).toBe(0);
    expect(await step3.push(first)).toBe(1008);
    expect(await step3.push(second)).toBe(1008);
  }, 180_000);
});
