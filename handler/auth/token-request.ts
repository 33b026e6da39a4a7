import { Refusal } from '../common/errors';
import { MAX_TOKEN_BODY_BYTES } from '../common/limits';
import { bodyBytes } from '../http/body-bytes';
import type { HttpRequest } from '../http/http-request';

/** The parameters the token URL knows: only these are named back to the client. */
const KNOWN_PARAMETERS = new Set(['grant_type', 'client_id', 'client_secret', 'scope']);

export type TokenForm = { readonly parameters: ReadonlyMap<string, string> } | { readonly refused: string };

/**
 * The form of a token request (application/x-www-form-urlencoded), or why it is an
 * invalid_request: too large, or a parameter repeated (RFC 6749 section 3.2: "MUST NOT be
 * included more than once"; otherwise which of two grant_types counts is anyone's guess).
 */
export function parseTokenForm(request: HttpRequest): TokenForm {
  let text: string;
  try {
    // Sized before it is decoded: the one body reader refuses anything over the cap.
    text = bodyBytes(request, MAX_TOKEN_BODY_BYTES).toString('utf8');
  } catch (error) {
    if (error instanceof Refusal) return { refused: error.message };
    throw error;
  }
  const parameters = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (parameters.has(name)) {
      return { refused: KNOWN_PARAMETERS.has(name) ? `parameter ${name} is repeated` : 'a parameter is repeated' };
    }
    parameters.set(name, value);
  }
  return { parameters };
}
