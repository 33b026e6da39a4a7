/**
 * A real video CDR is about 1 KiB; ClientData is the only free-form part. 128 KiB
 * leaves room for a generous ClientData and stays far below DynamoDB's 400 KB item
 * limit, so an accepted body always fits in one item.
 */
export const MAX_BODY_BYTES = 128 * 1024;

/** DynamoDB refuses documents nested deeper than 32 levels. */
export const MAX_NESTING_DEPTH = 32;
