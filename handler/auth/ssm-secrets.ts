import { getParameter, getParametersByName } from '@aws-lambda-powertools/parameters/ssm';

/** Secrets are re-read from SSM at most this often per container, so a rotation lands within it. */
const SECRET_MAX_AGE_SECONDS = 300;

/**
 * The batch read started at init, if any: readSsmSecret waits for it rather than asking again.
 * It resolves to the names SSM said it does not hold (an optional secret), and when it said so.
 */
let prefetched: Promise<{ absent: ReadonlySet<string>; at: number } | undefined> | undefined;

/**
 * Reads `names` in one GetParameters call (Powertools batches up to 10 per call) into Powertools'
 * cache, where readSsmSecret finds them. A failure is left to readSsmSecret, which asks again
 * for each secret and reports what went wrong.
 */
export function prefetchSsmSecrets(names: readonly string[]): void {
  const at = Date.now();
  prefetched = getParametersByName(Object.fromEntries(names.map((name) => [name, {}])), {
    decrypt: true,
    maxAge: SECRET_MAX_AGE_SECONDS,
    throwOnError: false,
  }).then(
    ({ _errors }) => ({ absent: new Set(_errors ?? []), at }),
    () => undefined,
  );
}

/** True when the batch read found no such parameter, recently enough to trust. */
async function knownAbsent(name: string): Promise<boolean> {
  const batch = await prefetched;
  return Boolean(batch?.absent.has(name) && Date.now() - batch.at < SECRET_MAX_AGE_SECONDS * 1000);
}

/**
 * A SecureString from SSM Parameter Store, cached per container by Powertools Parameters.
 * Loaded on demand (a chunk of its own): the SSM client is as large as all the rest of the bundle.
 */
export async function readSsmSecret(name: string): Promise<string | undefined> {
  if (await knownAbsent(name)) return undefined;
  try {
    return await getParameter(name, { decrypt: true, maxAge: SECRET_MAX_AGE_SECONDS });
  } catch (error) {
    // Powertools wraps SSM's error: the cause says whether the parameter is simply absent.
    const cause = (error as Error & { cause?: Error }).cause;
    if ((error as Error).name === 'ParameterNotFound' || cause?.name === 'ParameterNotFound') return undefined;
    throw error;
  }
}
