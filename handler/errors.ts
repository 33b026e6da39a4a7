import { MAX_BODY_BYTES } from './limits';

/**
 * Every error the receiver knows, in one place: the ErrCodes it answers (with their HTTP
 * status), the typed errors raised along the way from edge to store, and the one classifier
 * that turns any of them into what a reply may say. Every other module depends on this
 * one; it depends on none of them.
 *
 * TCCC retries any non-zero ErrCode (at most 3 more times), so `retryable` only says whether
 * a retry can succeed without a change on TCCC's side or ours. The README's table is
 * generated from `meaning` and compared whole by tests/errors.test.ts.
 */
export const ERR_CODES = {
  OK: {
    errCode: 0,
    status: 200,
    retryable: false,
    meaning: 'Accepted: the record is durably stored (or already was).',
  },
  MALFORMED_BODY: {
    errCode: 1001,
    status: 400,
    retryable: false,
    meaning: 'The body is not a JSON object: invalid JSON, invalid UTF-8, invalid base64, or empty.',
  },
  SCHEMA_VIOLATION: {
    errCode: 1002,
    status: 400,
    retryable: false,
    meaning:
      "The JSON breaks its push type's schema, or holds what DynamoDB cannot keep faithfully; ErrMsg names each offending field (JSON Pointer) and rule.",
  },
  UNKNOWN_PUSH_TYPE: {
    errCode: 1003,
    status: 400,
    retryable: false,
    meaning: '`action` missing, or `action`/`version` name a push type this receiver does not take.',
  },
  METHOD_NOT_ALLOWED: {
    errCode: 1004,
    status: 405,
    retryable: false,
    meaning: 'The method does not fit the route: pushes are POST, reads GET.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    errCode: 1005,
    status: 415,
    retryable: false,
    meaning: 'Content-Type missing, or not `application/json` with charset `utf8`, `utf-8` or none.',
  },
  BODY_TOO_LARGE: {
    errCode: 1006,
    status: 413,
    retryable: false,
    meaning: `The body exceeds ${MAX_BODY_BYTES / 1024} KiB; refused before decoding. A real CDR is about 1 KiB.`,
  },
  NOT_FOUND: {
    errCode: 1007,
    status: 404,
    retryable: false,
    meaning: '(reads) Nothing is stored under that SessionId, or no such route.',
  },
  UNAUTHORIZED: {
    errCode: 1008,
    status: 401,
    retryable: false,
    meaning: 'Credentials missing or wrong (HTTP Basic, or an OAuth2 bearer token), as the deployment is configured.',
  },
  INVALID_PARAMETER: {
    errCode: 1009,
    status: 400,
    retryable: false,
    meaning: '(reads) A path or query parameter is malformed or out of range; ErrMsg names it.',
  },
  STORAGE_UNAVAILABLE: {
    errCode: 2001,
    status: 503,
    retryable: true,
    meaning: 'DynamoDB failed or was too slow; nothing was acknowledged, push again.',
  },
  INTERNAL_ERROR: {
    errCode: 2002,
    status: 500,
    retryable: true,
    meaning: 'An unexpected fault in the receiver, or its configuration; nothing was acknowledged.',
  },
} as const;

export type ErrCodeName = keyof typeof ERR_CODES;

/**
 * A request refused for what the client sent (a push or a read): its ErrCode and a message
 * that names positions, pointers and rules, never values from the body.
 */
export class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(
    readonly code: Exclude<ErrCodeName, 'OK' | 'STORAGE_UNAVAILABLE' | 'INTERNAL_ERROR'>,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The store failed or was too slow: nothing was acknowledged, and a retry may succeed. */
export class StorageUnavailable extends Error {
  override readonly name = 'StorageUnavailable';
}

/** The receiver's own configuration is wrong (a secret missing, a bad setting): an operator must act. */
export class Misconfigured extends Error {
  override readonly name = 'Misconfigured';
}

/** What a reply may say of an error: its ErrCode name and a message safe to send and log. */
export function classifyError(error: unknown): { code: ErrCodeName; errMsg: string } {
  if (error instanceof Refusal) return { code: error.code, errMsg: error.message };
  if (error instanceof StorageUnavailable) {
    return { code: 'STORAGE_UNAVAILABLE', errMsg: 'storage is unavailable; nothing was stored, push again' };
  }
  if (error instanceof Misconfigured) {
    return { code: 'INTERNAL_ERROR', errMsg: 'the receiver is misconfigured; nothing was stored' };
  }
  return { code: 'INTERNAL_ERROR', errMsg: 'internal error; nothing was stored, push again' };
}

/** The cause worth logging for a 5xx: the error's own name and message (never sent to the client). */
export function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.name}: ${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}
