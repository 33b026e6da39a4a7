/**
 * A real video CDR is about 1 KiB; ClientData is the only free-form part. 128 KiB
 * leaves room for a generous ClientData and stays far below DynamoDB's 400 KB item
 * limit, so an accepted body always fits in one item.
 */
export const MAX_BODY_BYTES = 128 * 1024;

/**
 * A token request is a few form fields (grant type, client id and secret): 4 KiB is far more
 * than any holds, and caps what a client can make the token function parse.
 */
export const MAX_TOKEN_BODY_BYTES = 4 * 1024;

/**
 * DynamoDB refuses documents nested deeper than 32 levels, and the store keeps a record
 * one level down (under `record`): the record itself may nest 31.
 */
export const MAX_NESTING_DEPTH = 31;

/**
 * A record's natural key (e.g. SdkAppId and RecordId) becomes part of a DynamoDB sort key,
 * which holds 1,024 bytes; the store adds its prefixes and a version id to it.
 */
export const MAX_NATURAL_KEY_BYTES = 900;

/** A SessionId is 1 to 256 characters in every schema (tests/decode check it); reads check the same. */
export const MAX_SESSION_ID_LENGTH = 256;

/** A receipt lists at most this many unknown fields (and values), each pointer at most this long. */
export const MAX_RECEIPT_NOVELTIES = 100;
export const MAX_RECEIPT_POINTER_CHARS = 256;
