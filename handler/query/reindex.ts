import { type AttributeValue, type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { toAttributeMap } from '../aws/attribute-values';
import { scanPages, sendConditional } from '../aws/dynamodb';
import { pushTypeOf } from '../push-types/push-registry';
import {
  currentKeyPrefix,
  ERASED_AT_ATTRIBUTE,
  RECORD_KEY_ATTRIBUTE,
  SESSION_ID_ATTRIBUTE,
} from '../records/item-layout';
import { readStoredItem } from '../records/stored-item';
import { indexAttributesOf } from './index-attributes';
import { QUERY_ATTRIBUTE } from './query-index';

export interface ReindexOutcome {
  /** Current items that had no query-index keys and got them. */
  readonly indexed: number;
  /** Replaced by a newer version while this ran (which brought its own keys). */
  readonly skipped: number;
}

/**
 * Gives the current items stored before the query indexes existed their index keys: one
 * conditional UpdateItem each, only if the item is still the version that was read and
 * still has none. Each update also passes through the table's stream, so the reports'
 * consumer counts those records as it counts new ones. Running it again finds nothing to do.
 */
export async function reindexCurrentItems(client: DynamoDBClient, tableName: string): Promise<ReindexOutcome> {
  let indexed = 0;
  let skipped = 0;
  const pages = scanPages(client, {
    TableName: tableName,
    // A tombstone (an erased record) has no index keys, and gets none.
    FilterExpression: 'begins_with(#key, :current) AND attribute_not_exists(#sort) AND attribute_not_exists(#erased)',
    ExpressionAttributeNames: {
      '#key': RECORD_KEY_ATTRIBUTE,
      '#sort': QUERY_ATTRIBUTE.sort,
      '#erased': ERASED_AT_ATTRIBUTE,
    },
    ExpressionAttributeValues: { ':current': { S: currentKeyPrefix() } },
  });
  for await (const page of pages) {
    for (const raw of page) {
      const item = readStoredItem(raw);
      const recordKey = raw[RECORD_KEY_ATTRIBUTE]?.S as string;
      const sessionId = raw[SESSION_ID_ATTRIBUTE]?.S as string;
      const type = pushTypeOf(item.action);
      if (!type) continue;
      const attributes = indexAttributesOf(type, {
        sessionId,
        naturalKey: recordKey.slice(currentKeyPrefix(item.action).length),
        ordering: item.ordering,
        record: item.record,
      });
      const names = Object.keys(attributes);
      const values = toAttributeMap(attributes);
      const updated = await sendConditional('UpdateItem', () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { [SESSION_ID_ATTRIBUTE]: { S: sessionId }, [RECORD_KEY_ATTRIBUTE]: { S: recordKey } },
            UpdateExpression: `SET ${names.map((_, n) => `#a${n} = :a${n}`).join(', ')}`,
            ConditionExpression: '#receipt.#versionId = :version AND attribute_not_exists(#sort)',
            ExpressionAttributeNames: {
              ...Object.fromEntries(names.map((name, n) => [`#a${n}`, name])),
              '#receipt': 'receipt',
              '#versionId': 'versionId',
              '#sort': QUERY_ATTRIBUTE.sort,
            },
            ExpressionAttributeValues: {
              ...Object.fromEntries(names.map((name, n) => [`:a${n}`, values[name] as AttributeValue])),
              ':version': { S: item.receipt.versionId },
            },
          }),
        ),
      );
      if (updated) indexed++;
      else skipped++;
    }
  }
  return { indexed, skipped };
}
