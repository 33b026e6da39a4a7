import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { batchGet, type Item, queryAll } from '../aws/dynamodb';
import { isTombstone, RECORD_KEY_ATTRIBUTE, SESSION_ID_ATTRIBUTE } from '../records/item-layout';
import type { RecordBody } from '../records/record-store';
import { readStoredItem } from '../records/stored-item';
import { endPartitionKey, padSeconds, QUERY_ATTRIBUTE, QUERY_INDEX, SHARDS, utcDayOf } from './query-index';

/** A record's current item, as a recount reads it. */
export interface CurrentRecord {
  readonly sessionId: string;
  readonly recordKey: string;
  readonly action: string;
  readonly ordering: number;
  readonly record: RecordBody;
  readonly versionId: string;
}

/**
 * The current records of one type whose end time is in [from, to) within one UTC day: the
 * byEndTime index's entries of that day (every shard), then the items themselves in batches,
 * strongly consistent (the index may lag a write by a moment; the items may not).
 */
export class DynamoDbCurrentRecords {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async ofDay(action: string, from: number, to: number): Promise<CurrentRecord[]> {
    const day = utcDayOf(from);
    const entries = await Promise.all(
      Array.from({ length: SHARDS }, (_, shard) =>
        queryAll(this.client, {
          TableName: this.tableName,
          IndexName: QUERY_INDEX.byEndTime,
          KeyConditionExpression: '#p = :p AND #s BETWEEN :low AND :high',
          ExpressionAttributeNames: { '#p': QUERY_ATTRIBUTE.endPartition, '#s': QUERY_ATTRIBUTE.sort },
          ExpressionAttributeValues: {
            ':p': { S: endPartitionKey(action, day, shard) },
            ':low': { S: padSeconds(from) },
            ':high': { S: `${padSeconds(to - 1)}#~` },
          },
        }),
      ),
    );
    const keys = entries.flat().map(
      (entry): Item => ({
        [SESSION_ID_ATTRIBUTE]: entry[SESSION_ID_ATTRIBUTE] as Item[string],
        [RECORD_KEY_ATTRIBUTE]: entry[RECORD_KEY_ATTRIBUTE] as Item[string],
      }),
    );
    const items = await batchGet(this.client, this.tableName, keys, { consistent: true });
    return items
      .filter((item) => !isTombstone(item))
      .map((item): CurrentRecord => {
        const stored = readStoredItem(item);
        return {
          sessionId: item[SESSION_ID_ATTRIBUTE]?.S ?? '',
          recordKey: item[RECORD_KEY_ATTRIBUTE]?.S ?? '',
          action: stored.action,
          ordering: stored.ordering,
          record: stored.record,
          versionId: stored.receipt.versionId,
        };
      })
      .filter((record) => record.action === action && record.ordering >= from && record.ordering < to);
  }
}
