import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { type Item, readItem } from '../aws/dynamodb';
import { loadSchema } from '../push-types/generated/schemas';
import { pushTypeOf } from '../push-types/push-registry';
import type { RecordBody } from '../push-types/record-body';
import { QUERY_ATTRIBUTE } from '../query/query-index';
import { EXPIRES_AT_ATTRIBUTE, isTombstone, RECORD_KEY_ATTRIBUTE, SESSION_ID_ATTRIBUTE } from '../records/item-layout';
import { canonicalIdentifier, identifiersOf } from './identifiers';
import { deleteLookup, identifierHash, lookupItemId, lookupKey, RECEIVED_AT } from './privacy-layout';

/** What a record table item says of the people in it. */
interface RecordItem {
  readonly SessionId: string;
  readonly recordKey: string;
  readonly action: string;
  readonly record?: RecordBody;
  readonly receipt?: { readonly receivedAt?: string };
  readonly expiresAt?: number;
}

/**
 * The canonical identifiers a record item is found by. A current item in the `bySeat` index
 * (it has its partition key) leaves out its agent's SeatUser.UserId, wherever the same id is
 * written (Mail, a participant's Mail): erasure asks the index for the id as given, so the lookup
 * does not pay a write for it. Only an id the index finds as asked is left out: one written as
 * it reads (no spaces around it) that is no phone number (a phone number is asked for in any
 * form, which the index, holding it as written, would not match).
 */
export async function lookupIdentifiersOf(item: Item, everyOne = false): Promise<string[]> {
  const stored = readItem<RecordItem>(item);
  const type = pushTypeOf(stored.action);
  if (!type || isTombstone(item) || typeof stored.record !== 'object' || stored.record === null) return [];
  const { shape } = await loadSchema(type.schema);
  const found = identifiersOf(stored.record, shape);
  const seat = (stored.record.SeatUser as { UserId?: unknown } | undefined)?.UserId;
  if (everyOne || item[QUERY_ATTRIBUTE.seatPartition] === undefined || typeof seat !== 'string') return found;
  const inIndex = canonicalIdentifier(seat);
  if (inIndex !== `id:${seat}`) return found;
  return found.filter((canonical) => canonical !== inIndex);
}

/** The lookup items of a record item for `identifiers`, with what `npm run retention` and erasure need. */
export function lookupItemsOf(item: Item, identifiers: readonly string[], key: string): Item[] {
  const stored = readItem<RecordItem>(item);
  const receivedAt = Date.parse(stored.receipt?.receivedAt ?? '');
  return identifiers.map((canonical) => ({
    ...lookupKey(identifierHash(key, canonical), stored.SessionId, stored.recordKey),
    [SESSION_ID_ATTRIBUTE]: { S: stored.SessionId },
    action: { S: stored.action },
    ...(Number.isFinite(receivedAt) && { [RECEIVED_AT]: { N: String(Math.floor(receivedAt / 1000)) } }),
    ...(stored.expiresAt !== undefined && { [EXPIRES_AT_ATTRIBUTE]: { N: String(stored.expiresAt) } }),
  }));
}

/** DynamoDB's own deletion of an expired item: its lookup items expire with it, by their own TTL. */
const isExpiry = (record: DynamoDBRecord) =>
  record.eventName === 'REMOVE' && record.userIdentity?.principalId === 'dynamodb.amazonaws.com';

/**
 * What one change of the record table does to the lookup: the identifiers a record item gains
 * are put, the ones it loses are deleted, so the lookup follows each item's content. A new
 * record or version puts all of its own; a tombstone (an erasure) or a deletion takes all back;
 * a version replacing another puts only what is new, unless its expiry differs (then all, so
 * they expire with it). An older version keeps its own items under its own key.
 */
export async function lookupWritesOf(record: DynamoDBRecord, key: string): Promise<WriteRequest[]> {
  if (isExpiry(record)) return [];
  const keys = record.dynamodb?.Keys as Item | undefined;
  if (keys?.[SESSION_ID_ATTRIBUTE]?.S === undefined || keys[RECORD_KEY_ATTRIBUTE]?.S === undefined) return [];
  const after = record.eventName === 'REMOVE' ? undefined : (record.dynamodb?.NewImage as Item | undefined);
  const before = record.dynamodb?.OldImage as Item | undefined;
  const gained = after ? await lookupIdentifiersOf(after) : [];
  const lost = new Set(before ? await lookupIdentifiersOf(before) : []);
  const sameExpiry = after?.[EXPIRES_AT_ATTRIBUTE]?.N === before?.[EXPIRES_AT_ATTRIBUTE]?.N;
  const puts = after ? gained.filter((canonical) => !(sameExpiry && lost.has(canonical))) : [];
  for (const canonical of gained) lost.delete(canonical);
  return [
    ...(after ? lookupItemsOf(after, puts, key).map((item) => ({ PutRequest: { Item: item } })) : []),
    ...(before ? lookupItemsOf(before, [...lost], key).map(deleteLookup) : []),
  ];
}

/** The writes of a batch, the last one per key winning (a batch request may not name a key twice). */
export class LookupWrites {
  private readonly byKey = new Map<string, WriteRequest>();

  add(requests: readonly WriteRequest[]): void {
    for (const request of requests) {
      const id = lookupItemId(request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {});
      this.byKey.delete(id);
      this.byKey.set(id, request);
    }
  }

  get requests(): WriteRequest[] {
    return [...this.byKey.values()];
  }
}
