/**
 * Every error the receiver knows, in one place: the ErrCodes it answers (with their HTTP
 * status), the typed errors raised along the way from edge to store, and the one classifier
 * that turns any of them into what a reply may say. Every other module depends on this
 * one; it depends on none of them.
 *
 * TCCC retries any non-zero ErrCode (at most 3 more times), so `retryable` only says whether
 * a retry can succeed without a change on TCCC's side or ours. What each code means is
 * written once, in the README's table (not shipped in every bundle); tests/errors.test.ts
 * checks that table against these codes, row for row.
 */
export const ERR_CODES = {
  OK: {
    errCode: 0,
    status: 200,
    retryable: false,
  },
  MALFORMED_BODY: {
    errCode: 1001,
    status: 400,
    retryable: false,
  },
  SCHEMA_VIOLATION: {
    errCode: 1002,
    status: 400,
    retryable: false,
  },
  UNKNOWN_PUSH_TYPE: {
    errCode: 1003,
    status: 400,
    retryable: false,
  },
  METHOD_NOT_ALLOWED: {
    errCode: 1004,
    status: 405,
    retryable: false,
  },
  UNSUPPORTED_MEDIA_TYPE: {
    errCode: 1005,
    status: 415,
    retryable: false,
  },
  BODY_TOO_LARGE: {
    errCode: 1006,
    status: 413,
    retryable: false,
  },
  NOT_FOUND: {
    errCode: 1007,
    status: 404,
    retryable: false,
  },
  UNAUTHORIZED: {
    errCode: 1008,
    status: 401,
    retryable: false,
  },
  INVALID_PARAMETER: {
    errCode: 1009,
    status: 400,
    retryable: false,
  },
  STORAGE_UNAVAILABLE: {
    errCode: 2001,
    status: 503,
    retryable: true,
  },
  INTERNAL_ERROR: {
    errCode: 2002,
    status: 500,
    retryable: true,
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
