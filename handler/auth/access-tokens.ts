import { jwtVerify, SignJWT } from 'jose';
import { TOKEN_TTL_SECONDS } from './auth-config';

const ISSUER = 'tccc-cdr-receiver';
const AUDIENCE = 'tccc-push';

interface TokenKeys {
  readonly clientId: string;
  readonly signingKey: Uint8Array;
  readonly previousSigningKey?: Uint8Array;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** A short-lived HS256 JWT naming the client it was issued to, signed with the current key. */
export async function issueAccessToken(
  config: TokenKeys & { readonly tokenTtlSeconds: number },
  now: Date = new Date(),
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(config.clientId)
    .setIssuedAt(seconds(now))
    .setExpirationTime(seconds(now) + config.tokenTtlSeconds)
    .sign(config.signingKey);
}

/**
 * True only for a token this receiver signed (with the current key, or the previous one
 * during a rotation) for this client, that states its expiry and has not reached it.
 */
export async function isValidAccessToken(token: string, config: TokenKeys, now: Date = new Date()): Promise<boolean> {
  const keys = config.previousSigningKey ? [config.signingKey, config.previousSigningKey] : [config.signingKey];
  for (const key of keys) {
    try {
      await jwtVerify(token, key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        subject: config.clientId,
        algorithms: ['HS256'],
        typ: 'at+jwt',
        // jose checks exp only when present: a token without one would never expire.
        requiredClaims: ['exp', 'iat'],
        maxTokenAge: TOKEN_TTL_SECONDS.max,
        currentDate: now,
      });
      return true;
    } catch {
      // not this key, or not valid: try the next one
    }
  }
  return false;
}
