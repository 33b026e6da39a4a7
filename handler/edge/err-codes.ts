import { MAX_BODY_BYTES } from '../limits';

/**
 * Every ErrCode the receiver answers, with its HTTP status. The README's table is
 * checked against this one by tests/edge/err-codes.test.ts.
 * TCCC retries any non-zero ErrCode (at most 3 more times), so `retryable` only says
 * whether a retry can succeed without a change on TCCC's side or ours.
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
    meaning: 'The body is not a JSON object: invalid JSON, invalid UTF-8 or invalid base64.',
  },
  SCHEMA_VIOLATION: {
    errCode: 1002,
    status: 400,
    retryable: false,
    meaning: 'The JSON breaks the video CDR schema; ErrMsg names each offending field and rule.',
  },
  UNKNOWN_PUSH_TYPE: {
    errCode: 1003,
    status: 400,
    retryable: false,
    meaning: 'The query string lacks `action`/`version` or names a push type this receiver does not take.',
  },
  METHOD_NOT_ALLOWED: { errCode: 1004, status: 405, retryable: false, meaning: 'Pushes must be POST.' },
  UNSUPPORTED_MEDIA_TYPE: {
    errCode: 1005,
    status: 415,
    retryable: false,
    meaning: 'Content-Type is not `application/json` with a UTF-8 charset (`utf8` or `utf-8`) or none.',
  },
  BODY_TOO_LARGE: {
    errCode: 1006,
    status: 413,
    retryable: false,
    meaning: `The body exceeds the cap (${MAX_BODY_BYTES / 1024} KiB), refused before parsing.`,
  },
  UNAUTHORIZED: {
    errCode: 1008,
    status: 401,
    retryable: false,
    meaning: 'Credentials missing or wrong: HTTP Basic or an OAuth2 bearer token, as the deployment is configured.',
  },
  NOT_FOUND: { errCode: 1007, status: 404, retryable: false, meaning: 'No record is stored under that SessionId.' },
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
    meaning: 'An unexpected fault in the receiver; nothing was acknowledged.',
  },
} as const;

export type ErrCodeName = keyof typeof ERR_CODES;
