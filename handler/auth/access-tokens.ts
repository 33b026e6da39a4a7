import { jwtVerify, SignJWT } from 'jose';

const ISSUER = 'tccc-cdr-receiver';
const AUDIENCE = 'tccc-push';

interface TokenKey {
  readonly clientId: string;
  readonly signingKey: Uint8Array;
}

/** A short-lived HS256 JWT naming the client it was issued to. */
export async function issueAccessToken(config: TokenKey & { tokenTtlSeconds: number }): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(config.clientId)
    .setIssuedAt()
    .setExpirationTime(`${config.tokenTtlSeconds}s`)
    .sign(config.signingKey);
}

/** True only for an unexpired token this receiver signed for this client. */
export async function isValidAccessToken(token: string, config: TokenKey): Promise<boolean> {
  try {
    await jwtVerify(token, config.signingKey, {
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: config.clientId,
      algorithms: ['HS256'],
      typ: 'at+jwt',
    });
    return true;
  } catch {
    return false;
  }
}
