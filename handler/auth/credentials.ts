import { hash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a secret: what secrets are compared by, so that their lengths do not show. */
export function secretDigest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/** Compares a given secret with an expected one's digest (secretDigest) in constant time. */
export function matchesDigest(given: string, expectedDigest: Buffer): boolean {
  return timingSafeEqual(secretDigest(given), expectedDigest);
}

/** Compares secrets in constant time, whatever their lengths (hashing first evens them out). */
export function secretsEqual(given: string, expected: string): boolean {
  return matchesDigest(given, secretDigest(expected));
}

/** `Authorization: Basic base64(user:password)` (RFC 7617); undefined when absent or malformed. */
export function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  const match = header?.match(/^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** `Authorization: Bearer <token>` (RFC 6750). */
export function parseBearer(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i)?.[1];
}
