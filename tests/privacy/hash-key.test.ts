import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_PRIVACY_HASH_KEY, privacyHashKey } from '../../handler/privacy/hash-key';
import { userEnv } from '../support/local-receiver';
import { documented, runDocumented } from '../support/readme';
import { ssmOperatorEnv, ssmStandIn } from '../support/ssm-stand-in';

/**
 * docs/privacy.md's `aws ssm` line for the privacy hash key, run as written with the AWS CLI
 * against the SSM stand-in (as tests/auth/readme-ssm-commands.test.ts does for the README's),
 * and the key read back as the deployed lookup function reads it.
 */
const SSM = ssmStandIn();
const work = mkdtempSync(path.join(os.tmpdir(), 'privacy-ssm-'));
const saved = { endpoint: process.env.AWS_ENDPOINT_URL_SSM, region: process.env.AWS_REGION };
let endpoint: string;
beforeAll(async () => {
  endpoint = await SSM.start();
  process.env.AWS_ENDPOINT_URL_SSM = endpoint;
});
afterAll(async () => {
  process.env.AWS_ENDPOINT_URL_SSM = saved.endpoint;
  process.env.AWS_REGION = saved.region;
  await SSM.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the privacy hash key', () => {
  it('is put in SSM as docs/privacy.md shows; the deployed function reads that one', async () => {
    const line = documented(
      'aws ssm put-parameter --type SecureString --name /tccc-cdr-receiver/prod/privacy-hash-key --value "$(openssl rand -base64 32)"',
    );
    const { code, stderr } = await runDocumented(line, ssmOperatorEnv(endpoint, work, userEnv({})), work);
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    const stored = SSM.parameters.get('/tccc-cdr-receiver/prod/privacy-hash-key')?.value as string;
    expect(stored).toHaveLength(44);
    expect(await privacyHashKey({ TCCC_SECRETS_PATH: '/tccc-cdr-receiver/prod/', AWS_REGION: 'ap-southeast-1' })).toBe(
      stored,
    );
  });

  it('deployed without it or with a short one: a configuration error (the lookup consumer fails and alarms); locally the local key', async () => {
    await expect(privacyHashKey({ TCCC_SECRETS_PATH: '/tccc-cdr-receiver/nokey/' })).rejects.toThrow(
      /privacy-hash-key/,
    );
    SSM.parameters.set('/tccc-cdr-receiver/short/privacy-hash-key', {
      value: 'short',
      type: 'SecureString',
      version: 1,
    });
    await expect(privacyHashKey({ TCCC_SECRETS_PATH: '/tccc-cdr-receiver/short/' })).rejects.toThrow(/shorter than 32/);
    expect(await privacyHashKey({ IS_OFFLINE: 'true', TCCC_SECRETS_PATH: '/x/' })).toBe(LOCAL_PRIVACY_HASH_KEY);
    expect(await privacyHashKey({ IS_OFFLINE: 'true', TCCC_PRIVACY_HASH_KEY: 'k'.repeat(32) })).toBe('k'.repeat(32));
  });
});
