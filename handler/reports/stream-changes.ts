import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { pushTypeOf } from '../decode/push-registry';
import { currentKeyPrefix, RECORD_KEY_ATTRIBUTE, SESSION_ID_ATTRIBUTE } from '../store/item-layout';
import { MAX_DATED_SECONDS, recordHash } from '../store/query-index';
import type { RecordBody } from '../store/record-store';
import type { ContributionChange } from '../store/report-store';
import { contributionOf } from './contribution';

type Image = Record<string, AttributeValue>;

interface CurrentItem {
  action: string;
  ordering: number;
  record: RecordBody;
  receipt: { versionId: string };
}

/** A session-level record's current item, or nothing to count (a version item, a recording, an undatable end). */
function countable(image: Image | undefined): CurrentItem | undefined {
  if (!image) return undefined;
  const item = unmarshall(image) as Partial<CurrentItem>;
  if (typeof item.action !== 'string' || !pushTypeOf(item.action)?.sessionLevel) return undefined;
  if (typeof item.ordering !== 'number' || item.ordering < 0 || item.ordering > MAX_DATED_SECONDS) return undefined;
  if (typeof item.record !== 'object' || item.record === null || typeof item.receipt?.versionId !== 'string') {
    return undefined;
  }
  return item as CurrentItem;
}

/**
 * What one stream record changes in the reports: the session's new current version comes
 * in (INSERT, MODIFY), the one it replaced goes out (MODIFY, REMOVE). Version items
 * (`V#...`) and the other push types change nothing.
 */
export function changeOf(record: DynamoDBRecord): { change: ContributionChange; sessionId: string } | undefined {
  const keys = record.dynamodb?.Keys as Image | undefined;
  const sessionId = keys?.[SESSION_ID_ATTRIBUTE]?.S;
  const recordKey = keys?.[RECORD_KEY_ATTRIBUTE]?.S;
  if (sessionId === undefined || recordKey === undefined || !recordKey.startsWith(currentKeyPrefix())) return undefined;
  const incoming =
    record.eventName === 'REMOVE' ? undefined : countable(record.dynamodb?.NewImage as Image | undefined);
  const outgoing = countable(record.dynamodb?.OldImage as Image | undefined);
  if (!incoming && !outgoing) return undefined;
  const change: ContributionChange = {
    action: (incoming ?? outgoing)?.action as string,
    hash: recordHash(sessionId, recordKey),
    ...(incoming && {
      put: { contribution: contributionOf(incoming.record, incoming.ordering), versionId: incoming.receipt.versionId },
    }),
    ...(outgoing && { remove: { end: outgoing.ordering, versionId: outgoing.receipt.versionId } }),
  };
  return { change, sessionId };
}
