import { createHmac } from 'node:crypto';
import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import type { Item } from '../aws/dynamodb';
import { recordHash, shardOf } from '../query/query-index';

/**
 * The privacy table (infra/privacy.yml): partition key `pk`, sort key `sk`, TTL on `expiresAt`.
 * - Lookup items, `P#<hash>#<shard>` / `<record hash>`: "the person with this identifier appears
 *   in this record". `hash` is HMAC-SHA256 (128 bits, hex) of the canonical identifier
 *   (identifiers.ts) under the stage's privacy hash key: the table never holds a phone number
 *   or an id, and without the key a guessed number cannot be tested against it. The shard
 *   (from the record's hash, as the byEndTime index shards) spreads a number in every
 *   session, the centre's own line, over LOOKUP_SHARDS partitions. Each item holds the
 *   SessionId, the record's `action` and `at` (when it was received, Unix seconds) for
 *   `npm run retention`, and the record's expiry.
 * - `AUDIT` / `<ISO time>#<id>`: one entry per erasure or retention run (audit-trail.ts).
 */
export const PK = 'pk';
export const SK = 'sk';
export const LOOKUP_PREFIX = 'P#';
export const AUDIT_PARTITION = 'AUDIT';
export const LOOKUP_SHARDS = 4;
export const RECEIVED_AT = 'at';

/** The keyed hash of a canonical identifier, as lookup keys and audit entries hold it. */
export function identifierHash(key: string, canonical: string): string {
  return createHmac('sha256', key).update(canonical).digest('hex').slice(0, 32);
}

/** Every partition an identifier's lookup items can sit in. */
export const lookupPartitions = (hash: string): string[] =>
  Array.from({ length: LOOKUP_SHARDS }, (_, shard) => `${LOOKUP_PREFIX}${hash}#${shard}`);

/** The key of the lookup item that ties an identifier's hash to one record (`recordKey` of session `sessionId`). */
export function lookupKey(hash: string, sessionId: string, recordKey: string): Item {
  const record = recordHash(sessionId, recordKey);
  return { [PK]: { S: `${LOOKUP_PREFIX}${hash}#${shardOf(record) % LOOKUP_SHARDS}` }, [SK]: { S: record } };
}

/** A lookup item's key as one string: a batch may not name a key twice. */
export const lookupItemId = (item: Item): string => `${item[PK]?.S}\u0000${item[SK]?.S}`;

/** The batch request that deletes a lookup item. */
export const deleteLookup = (item: Item): WriteRequest => ({
  DeleteRequest: { Key: { [PK]: item[PK], [SK]: item[SK] } as Item },
});
