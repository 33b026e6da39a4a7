import { Refusal } from '../common/errors';
import { MAX_BODY_BYTES } from '../common/limits';
import type { HttpRequest } from './http-request';

/**
 * The one place that turns an event's body into the bytes the client sent. API Gateway hands
 * a body over either as text it already decoded as UTF-8 (`application/json` and other text
 * types on an HTTP API) or as base64 of the bytes (`isBase64Encoded`: every other type, a
 * REST API's binary media types, and `npm start`). Base64 may carry line breaks (MIME
 * style): they are not part of the bytes, so sizes count decoded bytes only.
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const WHITESPACE = /\s+/g;

/** The size of a valid base64 text without whitespace, in decoded bytes. */
function base64Size(compact: string): number {
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  return Math.floor((compact.length * 3) / 4) - padding;
}

function isBase64(compact: string): boolean {
  return compact.length % 4 === 0 && BASE64.test(compact);
}

function tooLarge(size: number, limit: number, about = false): Refusal {
  return new Refusal('BODY_TOO_LARGE', `body is ${about ? 'about ' : ''}${size} bytes; the limit is ${limit} bytes`);
}

/**
 * The body's bytes as sent. Refused with BODY_TOO_LARGE over `limit` bytes (measured before
 * anything is decoded), with MALFORMED_BODY when the base64 is not valid or a text body has
 * no UTF-8 form (a lone surrogate: never from API Gateway, which decodes real bytes).
 */
export function bodyBytes(request: HttpRequest, limit: number = MAX_BODY_BYTES): Buffer {
  const { body, isBase64Encoded } = request;
  if (!isBase64Encoded) {
    const size = Buffer.byteLength(body, 'utf8');
    if (size > limit) throw tooLarge(size, limit);
    if (!body.isWellFormed()) throw new Refusal('MALFORMED_BODY', 'body is not valid UTF-8');
    return Buffer.from(body, 'utf8');
  }
  // Far over the limit whatever its whitespace: refused before it is even scanned.
  if (body.length > 2 * Math.ceil(limit / 3) * 4) throw tooLarge(Math.floor((body.length * 3) / 4), limit, true);
  const compact = body.replace(WHITESPACE, '');
  const size = base64Size(compact);
  if (size > limit) throw tooLarge(size, limit);
  if (!isBase64(compact)) throw new Refusal('MALFORMED_BODY', 'body is marked base64-encoded but is not valid base64');
  return Buffer.from(compact, 'base64');
}

/**
 * What is kept of a refused body: its first `limit` bytes and the size of the whole, in
 * bytes as sent. Never refuses: a body that is not valid base64 is kept as the text it is.
 * Only the head is decoded, however large the body.
 */
export function bodyHead(request: HttpRequest, limit: number = MAX_BODY_BYTES): { bytes: Buffer; size: number } {
  const { body, isBase64Encoded } = request;
  if (isBase64Encoded) {
    const compact = body.replace(WHITESPACE, '');
    if (isBase64(compact)) {
      const head = compact.slice(0, Math.ceil(limit / 3) * 4);
      return { bytes: Buffer.from(head, 'base64').subarray(0, limit), size: base64Size(compact) };
    }
  }
  // Every UTF-16 unit is at least one byte, so `limit` units hold the head; one more keeps a
  // surrogate pair cut at the edge whole.
  const head = Buffer.from(body.slice(0, limit + 1), 'utf8').subarray(0, limit);
  return { bytes: head, size: Buffer.byteLength(body, 'utf8') };
}
