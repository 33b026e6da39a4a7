import { getParameter } from '@aws-lambda-powertools/parameters/ssm';

/** Secrets are re-read from SSM at most this often per container, so a rotation lands within it. */
const SECRET_MAX_AGE_SECONDS = 300;

/**
 * A SecureString from SSM Parameter Store, cached per container by Powertools Parameters.
 * Loaded on demand (a chunk of its own): the SSM client is as large as all the rest of the bundle.
 */
export async function readSsmSecret(name: string): Promise<string | undefined> {
  try {
    return await getParameter(name, { decrypt: true, maxAge: SECRET_MAX_AGE_SECONDS });
  } catch (error) {
    // Powertools wraps SSM's error: the cause says whether the parameter is simply absent.
    const cause = (error as Error & { cause?: Error }).cause;
    if ((error as Error).name === 'ParameterNotFound' || cause?.name === 'ParameterNotFound') return undefined;
    throw error;
  }
}
