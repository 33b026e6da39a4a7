import { Misconfigured } from '../common/errors';

/** HS256 wants a key at least as long as its hash: 256 bits. */
const MIN_SIGNING_KEY_BYTES = 32;

const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

/**
 * A configured token signing key: base64 (or base64url) of at least MIN_SIGNING_KEY_BYTES
 * random bytes, as `openssl rand -base64 32` prints. Anything else is refused rather than
 * stretched: a short or guessable key would let anyone mint tokens offline.
 */
export function decodeSigningKey(name: string, configured: string): Uint8Array {
  const text = configured.trim();
  if (!BASE64.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new Misconfigured(`${name} is not base64; generate one with: openssl rand -base64 32`);
  }
  const key = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
  if (key.length < MIN_SIGNING_KEY_BYTES) {
    throw new Misconfigured(
      `${name} holds ${key.length} bytes; at least ${MIN_SIGNING_KEY_BYTES} are needed (openssl rand -base64 32)`,
    );
  }
  return new Uint8Array(key);
}
