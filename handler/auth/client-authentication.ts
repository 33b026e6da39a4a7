import type { AuthConfig } from './auth-config';
import { secretsEqual } from './credentials';

type ClientConfig = Pick<Extract<AuthConfig, { mode: 'oauth2' }>, 'clientId' | 'clientSecret'>;

/** application/x-www-form-urlencoded decoding of one value (`+` is a space); undefined when malformed. */
function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** Both compared, always: the time taken does not tell which one was wrong. */
function clientMatches(clientId: string, clientSecret: string, config: ClientConfig): boolean {
  const idOk = secretsEqual(clientId, config.clientId);
  const secretOk = secretsEqual(clientSecret, config.clientSecret);
  return idOk && secretOk;
}

/**
 * client_secret_basic (RFC 6749 section 2.3.1): the client id and secret are form-URL-encoded
 * before the Basic encoding, so a secret with `+`, `/` or `=` arrives as `%2B`, `%2F`, `%3D`.
 * Many clients skip that step: the credentials are tried as sent, then decoded.
 */
export function basicClientMatches(given: { username: string; password: string }, config: ClientConfig): boolean {
  const asSent = clientMatches(given.username, given.password, config);
  const id = formDecode(given.username);
  const secret = formDecode(given.password);
  const decoded = id !== undefined && secret !== undefined && clientMatches(id, secret, config);
  return asSent || decoded;
}

/** client_secret_post: the form's values, already decoded by the form parser. */
export function postedClientMatches(clientId: string, clientSecret: string, config: ClientConfig): boolean {
  return clientMatches(clientId, clientSecret, config);
}
