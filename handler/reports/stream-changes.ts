import type { DynamoDBRecord } from 'aws-lambda';
import type { Item } from '../aws/dynamodb';
import { pushTypeOf } from '../push-types/push-registry';
import { MAX_DATED_SECONDS, recordHash } from '../query/query-index';
import { currentKeyPrefix, RECORD_KEY_ATTRIBUTE, SESSION_ID_ATTRIBUTE } from '../records/item-layout';
import { readStoredItem, type StoredItem } from '../records/stored-item';
import { type Contribution, contributionOf } from './contribution';

/** A stream record's image: the item as the SDK types it (aws-lambda's own type is looser). */
type Image = Item;

/** A session-level record's current item, or nothing to count (a version item, a recording, an undatable end). */
function countable(image: Image | undefined): StoredItem | undefined {
  if (!image) return undefined;
  const item: Partial<StoredItem> = readStoredItem(image);
  if (typeof item.action !== 'string' || !pushTypeOf(item.action)?.sessionLevel) return undefined;
  if (typeof item.ordering !== 'number' || item.ordering < 0 || item.ordering > MAX_DATED_SECONDS) return undefined;
  if (typeof item.record !== 'object' || item.record === null || typeof item.receipt?.versionId !== 'string') {
    return undefined;
  }
  return item as StoredItem;
}

/** A record's contribution entering or leaving the reports. */
export interface ContributionChange {
  readonly action: string;
  readonly sessionId: string;
  readonly recordKey: string;
  /** The record's hash (query-index.ts): one contribution per current record. */
  readonly hash: string;
  readonly put?: { readonly contribution: Contribution; readonly versionId: string };
  readonly remove?: { readonly end: number; readonly versionId: string };
}

/**
 * DynamoDB's own deletion of an expired item (TTL): the record's retention ended, not the
 * session. Report figures hold no personal data and outlive the records, so it changes no
 * figure (handler/reports/README.md); a deletion by anyone else (an erasure) does.
 */
const isExpiry = (record: DynamoDBRecord) =>
  record.eventName === 'REMOVE' &&
  record.userIdentity?.type === 'Service' &&
  record.userIdentity?.principalId === 'dynamodb.amazonaws.com';

/**
 * What one stream record changes in the reports: the session's new current version comes
 * in (INSERT, MODIFY), the one it replaced goes out (MODIFY, REMOVE). Version items
 * (`V#...`), the other push types and expiries change nothing.
 */
export function changeOf(record: DynamoDBRecord): ContributionChange | undefined {
  const keys = record.dynamodb?.Keys as Image | undefined;
  const sessionId = keys?.[SESSION_ID_ATTRIBUTE]?.S;
  const recordKey = keys?.[RECORD_KEY_ATTRIBUTE]?.S;
  if (sessionId === undefined || recordKey === undefined || !recordKey.startsWith(currentKeyPrefix())) return undefined;
  if (isExpiry(record)) return undefined;
  const incoming =
    record.eventName === 'REMOVE' ? undefined : countable(record.dynamodb?.NewImage as Image | undefined);
  const outgoing = countable(record.dynamodb?.OldImage as Image | undefined);
  if (!incoming && !outgoing) return undefined;
  return {
    action: (incoming ?? outgoing)?.action as string,
    sessionId,
    recordKey,
    hash: recordHash(sessionId, recordKey),
    ...(incoming && {
      put: { contribution: contributionOf(incoming.record, incoming.ordering), versionId: incoming.receipt.versionId },
    }),
    ...(outgoing && { remove: { end: outgoing.ordering, versionId: outgoing.receipt.versionId } }),
  };
}
