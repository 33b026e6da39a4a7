import { parse as parseContentType } from 'content-type';
import type { HttpRequest } from '../edge/http-request';
import { Refusal } from '../errors';
import { MAX_BODY_BYTES } from '../limits';

/** TCCC sends `application/json;charset=utf8`: `utf8` is not a registered charset name, so accept both spellings. */
const UTF8_CHARSETS = new Set(['utf8', 'utf-8']);
const utf8 = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function checkContentType(header: string | undefined): void {
  if (header === undefined) {
    throw new Refusal('UNSUPPORTED_MEDIA_TYPE', 'Content-Type is missing; expected application/json;charset=utf8');
  }
  let parsed: ReturnType<typeof parseContentType>;
  try {
    parsed = parseContentType(header);
  } catch {
    throw new Refusal('UNSUPPORTED_MEDIA_TYPE', `Content-Type "${header.slice(0, 100)}" cannot be parsed`);
  }
  const charset = parsed.parameters.charset?.toLowerCase();
  if (parsed.type !== 'application/json' || (charset !== undefined && !UTF8_CHARSETS.has(charset))) {
    throw new Refusal(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type "${header.slice(0, 100)}" is not accepted; expected application/json;charset=utf8`,
    );
  }
}

function checkSize(size: number): void {
  if (size > MAX_BODY_BYTES) {
    throw new Refusal('BODY_TOO_LARGE', `body is about ${size} bytes; the limit is ${MAX_BODY_BYTES} bytes`);
  }
}

/**
 * The body as text. A base64 body is bytes: decoded as strict UTF-8. A plain one is
 * already text (API Gateway decoded it): only checked to be well-formed.
 */
function bodyText(request: HttpRequest): string {
  const { body, isBase64Encoded } = request;
  // Measured before decoding: a huge body costs nothing but this.
  if (!isBase64Encoded) {
    checkSize(Buffer.byteLength(body, 'utf8'));
    if (!body.isWellFormed()) throw new Refusal('MALFORMED_BODY', 'body is not valid UTF-8');
    return body.charCodeAt(0) === 0xfeff ? body.slice(1) : body; // a byte order mark, as TextDecoder drops it
  }
  // Far over the cap whatever its whitespace: refused before even scanning it.
  if (body.length > 2 * Math.ceil(MAX_BODY_BYTES / 3) * 4) checkSize(Math.floor((body.length * 3) / 4));
  const compact = body.replace(/\s+/g, '');
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  checkSize(Math.floor((compact.length * 3) / 4) - padding); // exact for valid base64
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new Refusal('MALFORMED_BODY', 'body is marked base64-encoded but is not valid base64');
  }
  try {
    return utf8.decode(Buffer.from(compact, 'base64'));
  } catch {
    throw new Refusal('MALFORMED_BODY', 'body is not valid UTF-8');
  }
}

/**
 * The HTTP body as a JSON object: content type, size cap, base64, strict UTF-8, JSON.
 * Refuses with a specific Refusal at the first step that fails.
 */
export function decodeJsonObject(request: HttpRequest): Record<string, unknown> {
  checkContentType(request.headers['content-type']);
  const text = bodyText(request);
  if (text.length === 0) throw new Refusal('MALFORMED_BODY', 'body is empty; expected a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Refusal('MALFORMED_BODY', `body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Refusal(
      'MALFORMED_BODY',
      `body is JSON ${Array.isArray(value) ? 'array' : typeof value}; expected an object`,
    );
  }
  return value as Record<string, unknown>;
}
