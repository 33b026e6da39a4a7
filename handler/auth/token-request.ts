/** A token request is a few short parameters: anything larger is refused before it is parsed. */
export const MAX_TOKEN_REQUEST_BYTES = 4096;

/** The parameters the token URL knows: only these are named back to the client. */
const KNOWN_PARAMETERS = new Set(['grant_type', 'client_id', 'client_secret', 'scope']);

export type TokenForm = { readonly parameters: ReadonlyMap<string, string> } | { readonly refused: string };

/**
 * The form of a token request (application/x-www-form-urlencoded), or why it is an
 * invalid_request: too large, or a parameter repeated (RFC 6749 section 3.2: "MUST NOT be
 * included more than once"; otherwise which of two grant_types counts is anyone's guess).
 */
export function parseTokenForm(body: string, isBase64Encoded: boolean): TokenForm {
  // Measured without decoding: the size of base64 is known from its length.
  const size = isBase64Encoded ? Buffer.byteLength(body, 'base64') : Buffer.byteLength(body, 'utf8');
  if (size > MAX_TOKEN_REQUEST_BYTES) return { refused: `the body exceeds ${MAX_TOKEN_REQUEST_BYTES} bytes` };
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  const parameters = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (parameters.has(name)) {
      return { refused: KNOWN_PARAMETERS.has(name) ? `parameter ${name} is repeated` : 'a parameter is repeated' };
    }
    parameters.set(name, value);
  }
  return { parameters };
}
