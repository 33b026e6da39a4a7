import { Refusal } from '../common/errors';
import type { AuthConfig } from './auth-config';
import { matchesDigest, parseBasic, parseBearer, secretDigest } from './credentials';

type BasicConfig = Extract<AuthConfig, { mode: 'basic' }>;

/**
 * The expected credentials' digests, hashed once per configuration (cachedAuthConfig keeps one
 * object per container until the secrets are re-read): a push hashes only what it presents.
 */
const expectedDigests = new WeakMap<BasicConfig, { username: Buffer; password: Buffer }>();

function digestsOf(config: BasicConfig): { username: Buffer; password: Buffer } {
  let digests = expectedDigests.get(config);
  if (!digests) {
    digests = { username: secretDigest(config.username), password: secretDigest(config.password) };
    expectedDigests.set(config, digests);
  }
  return digests;
}

/** Lets the request through, or refuses it (401) without saying which part was wrong. */
export async function authenticate(
  headers: Readonly<Record<string, string>>,
  config: AuthConfig,
  now: Date = new Date(),
): Promise<void> {
  const authorization = headers.authorization;
  switch (config.mode) {
    case 'none':
      return;
    case 'basic': {
      const given = parseBasic(authorization);
      // Both compared, always: the time taken does not tell which one was wrong.
      const expected = digestsOf(config);
      const userOk = matchesDigest(given?.username ?? '', expected.username);
      const passwordOk = matchesDigest(given?.password ?? '', expected.password);
      if (given && userOk && passwordOk) return;
      throw new Refusal('UNAUTHORIZED', given ? 'wrong credentials' : 'HTTP Basic credentials required');
    }
    case 'oauth2': {
      const token = parseBearer(authorization);
      // jose is a chunk of its own: only oauth2 deployments load it.
      const { isValidAccessToken } = await import('./access-tokens');
      if (token && (await isValidAccessToken(token, config, now))) return;
      throw new Refusal('UNAUTHORIZED', token ? 'access token invalid or expired' : 'Bearer access token required');
    }
  }
}
