import { Refusal } from '../errors';
import type { AuthConfig } from './auth-config';
import { parseBasic, parseBearer, secretsEqual } from './credentials';

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
      const userOk = secretsEqual(given?.username ?? '', config.username);
      const passwordOk = secretsEqual(given?.password ?? '', config.password);
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
