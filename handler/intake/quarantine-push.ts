import { randomUUID } from 'node:crypto';
import { MAX_BODY_BYTES } from '../common/limits';
import { bodyHead } from '../http/body-bytes';
import type { HttpRequest } from '../http/http-request';
import type { QuarantinedPush } from '../records/quarantine';
import type { RecordStore, SaveOutcome } from '../records/record-store';
import { replayPush } from './replay';

export const QUARANTINE_TTL_SECONDS = 30 * 24 * 3600;
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

/** The entry that keeps a refused push: its bytes as received, its headers without credentials. */
export function quarantineEntry(
  request: HttpRequest,
  refusal: { errCode: number; errMsg: string },
  receivedAt: Date,
): QuarantinedPush {
  // A body over the cap is kept truncated: enough to see what it was, never past DynamoDB's
  // item limit. Sizes are of the bytes as sent: a base64 body decoded, its line breaks not counted.
  const { bytes, size } = bodyHead(request, MAX_BODY_BYTES);
  return {
    id: randomUUID(),
    receivedAt: receivedAt.toISOString(),
    expiresAt: Math.floor(receivedAt.getTime() / 1000) + QUARANTINE_TTL_SECONDS,
    errCode: refusal.errCode,
    errMsg: refusal.errMsg,
    requestId: request.requestId,
    method: request.method,
    query: request.query,
    headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => !CREDENTIAL_HEADERS.has(name))),
    body: new Uint8Array(bytes),
    bodySize: size,
    bodyTruncated: size > bytes.length,
  };
}

/**
 * Runs a quarantined push through decoding, validation and the store again, with the
 * code as it is now (after a schema fix, say). A replay of an already stored record is
 * a harmless duplicate. Returns what happened; the caller removes the entry when stored.
 */
export async function replayQuarantined(
  entry: QuarantinedPush,
  store: RecordStore,
  now: Date = new Date(),
): Promise<{ outcome: SaveOutcome } | { refused: string }> {
  const request: HttpRequest = {
    method: 'POST',
    path: '/',
    route: 'POST /',
    headers: entry.headers,
    query: entry.query,
    pathParameters: {},
    body: Buffer.from(entry.body).toString('base64'),
    isBase64Encoded: true,
    requestId: entry.requestId,
  };
  if (entry.bodyTruncated) return { refused: 'the body was truncated when quarantined; it cannot be replayed' };
  return replayPush(
    request,
    {
      receivedAt: entry.receivedAt,
      requestId: entry.requestId,
      pushId: entry.headers['x-tccc-push-uuid'],
      replayedAt: now.toISOString(),
    },
    store,
  );
}
