// What `npm run erase` and `npm run retention` need besides the tables: the privacy hash key,
// the operator's identity for the audit trail, and the retention setting. Against a deployed
// stage: the key from the stage's SSM parameter and the AWS caller identity, with the
// operator's credentials (the PrivacyOperatorPolicy, docs/privacy.md); against a DynamoDB
// Local: TCCC_PRIVACY_HASH_KEY or npm start's local key, and the local user.
import { userInfo } from 'node:os';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { privacyHashKey } from '../handler/privacy/hash-key';
import { PUSH_TYPES } from '../handler/push-types/push-registry';
import { retentionPolicyOf } from '../handler/records/retention';
import { deployedStage, operatorSecretsEnv, option } from './operator-stores';

export const ACTIONS = PUSH_TYPES.map((type) => type.action);

export async function operatorHashKey(args: string[]): Promise<string> {
  const region = option(args, '--region');
  if (region) process.env.AWS_REGION = region;
  return privacyHashKey(operatorSecretsEnv(args));
}

export async function operatorIdentity(args: string[]): Promise<string> {
  if (!deployedStage(args)) return `local:${userInfo().username}`;
  const region = option(args, '--region');
  const sts = new STSClient(region ? { region } : {});
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? 'unknown';
  } finally {
    sts.destroy();
  }
}

/** The retention setting from the operator's shell, as `serverless deploy` reads it. */
export const operatorRetention = () => retentionPolicyOf(process.env, ACTIONS);
