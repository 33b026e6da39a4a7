import { readSecret, secretsFromSsm } from '../auth/secret-source';
import { Misconfigured } from '../common/errors';

/** The secret that keys the identifier hashes: `privacy-hash-key` in SSM, TCCC_PRIVACY_HASH_KEY locally. */
export const PRIVACY_HASH_KEY_SECRET = 'privacy-hash-key';
export const MIN_PRIVACY_HASH_KEY_CHARS = 32;
/**
 * Under `npm start` and `serverless invoke local` without TCCC_PRIVACY_HASH_KEY: a fixed key, the
 * same for the receiver and the operator's commands, so that what one indexed the other finds.
 * Local data is test data; a deployed function never uses it (it reads SSM).
 */
export const LOCAL_PRIVACY_HASH_KEY = 'local-only-privacy-hash-key-never-deployed';

/**
 * The key: from SSM when deployed, where it must exist (the lookup's consumer then fails, is
 * retried and alarms, and the push goes on: nothing on the push path needs it), from the
 * environment locally.
 */
export async function privacyHashKey(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (!secretsFromSsm(env)) return env.TCCC_PRIVACY_HASH_KEY || LOCAL_PRIVACY_HASH_KEY;
  const key = (await readSecret(env, PRIVACY_HASH_KEY_SECRET)) as string;
  if (key.length < MIN_PRIVACY_HASH_KEY_CHARS) {
    throw new Misconfigured(
      `secret ${PRIVACY_HASH_KEY_SECRET} is shorter than ${MIN_PRIVACY_HASH_KEY_CHARS} characters`,
    );
  }
  return key;
}
