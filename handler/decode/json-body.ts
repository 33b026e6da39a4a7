import { Refusal } from '../common/errors';
import { quoted } from '../common/escape';
import { bodyBytes } from '../http/body-bytes';
import { mediaTypeOf } from '../http/content-type';
import type { HttpRequest } from '../http/http-request';

/** TCCC sends `application/json;charset=utf8`: `utf8` is not a registered charset name, so accept both spellings. */
const UTF8_CHARSETS = new Set(['utf8', 'utf-8']);
const EXPECTED = 'expected application/json;charset=utf8';
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf];

function checkContentType(header: string | undefined): void {
  if (header === undefined) throw new Refusal('UNSUPPORTED_MEDIA_TYPE', `Content-Type is missing; ${EXPECTED}`);
  const mediaType = mediaTypeOf(header);
  if (!mediaType) throw new Refusal('UNSUPPORTED_MEDIA_TYPE', `Content-Type ${quoted(header)} cannot be parsed`);
  const { type, charset } = mediaType;
  if (type !== 'application/json' || (charset !== undefined && !UTF8_CHARSETS.has(charset))) {
    throw new Refusal('UNSUPPORTED_MEDIA_TYPE', `Content-Type ${quoted(header)} is not accepted; ${EXPECTED}`);
  }
}

/** The bytes as strict UTF-8, without a byte order mark; `bomBytes` counts what was dropped. */
function utf8Text(bytes: Buffer): { text: string; bomBytes: number } {
  const bomBytes = BYTE_ORDER_MARK.every((byte, index) => bytes[index] === byte) ? BYTE_ORDER_MARK.length : 0;
  try {
    return { text: utf8.decode(bytes.subarray(bomBytes)), bomBytes };
  } catch {
    throw new Refusal('MALFORMED_BODY', 'body is not valid UTF-8');
  }
}

/**
 * The HTTP body as a JSON object: content type, size cap, base64, strict UTF-8, JSON.
 * Refuses with a specific Refusal at the first step that fails; no message quotes the body.
 */
export async function decodeJsonObject(request: HttpRequest): Promise<Record<string, unknown>> {
  checkContentType(request.headers['content-type']);
  const { text, bomBytes } = utf8Text(bodyBytes(request));
  if (text.length === 0) throw new Refusal('MALFORMED_BODY', 'body is empty; expected a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // A chunk of its own (jsonc-parser): only a body JSON.parse refused loads it, not every cold start.
    const { describeJsonSyntaxError } = await import('./json-syntax-error');
    throw new Refusal('MALFORMED_BODY', describeJsonSyntaxError(text, bomBytes));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Refusal(
      'MALFORMED_BODY',
      `body is JSON ${Array.isArray(value) ? 'array' : typeof value}; expected an object`,
    );
  }
  return value as Record<string, unknown>;
}
