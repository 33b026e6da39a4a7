import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { batchGet, queryAll } from '../aws/dynamodb';
import {
  dayStartSeconds,
  endPartitionKey,
  padSeconds,
  QUERY_ATTRIBUTE,
  QUERY_INDEX,
  SHARDS,
  utcDayOf,
} from '../query/query-index';
import { RECORD_KEY_ATTRIBUTE, SESSION_ID_ATTRIBUTE } from '../records/item-layout';

/**
 * Which of a list of record keys the table holds, read in bulk, never one request per record:
 *
 * 1. the `byEndTime` index (query-index.ts) over the range of the keys' own end times, keys
 *    only: an index entry is ~150 bytes, so one read unit covers ~50 records;
 * 2. what the index did not show (a record dated outside the range, an index entry not yet
 *    written, a record truly missing) by BatchGetItem, 100 keys a request, keys only.
 *
 * Reads are eventually consistent (half a unit): a record written a moment ago and reported
 * missing is harmless, as the backfill's conditional write then finds it ('duplicate').
 */
export interface KeyToCheck {
  readonly sessionId: string;
  /** The current item's sort key, `R#<action>#<naturalKey>` (item-layout.ts). */
  readonly recordKey: string;
  readonly action: string;
  /** The record's ordering (end time), which dates its index entry. */
  readonly ordering: number;
}

export interface StoredKey {
  readonly sessionId: string;
  readonly recordKey: string;
}

/** An index entry: a key, and the end time its sort key holds. */
export interface IndexedKey extends StoredKey {
  readonly ordering: number;
}

export const keyId = (key: StoredKey): string => `${key.sessionId}\u0000${key.recordKey}`;

/** A recording's push may be dated apart from its call's end, which dates the pulled one. */
const RANGE_SLACK_SECONDS = 3_600;

export class StoredKeys {
  /** Read units consumed so far (as DynamoDB reports them), and requests sent. */
  readUnits = 0;
  requests = 0;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** The ids (keyId) of those of `keys` the table holds. */
  async present(keys: readonly KeyToCheck[]): Promise<Set<string>> {
    const found = new Set<string>();
    const byAction = new Map<string, KeyToCheck[]>();
    for (const key of keys) byAction.set(key.action, [...(byAction.get(key.action) ?? []), key]);
    for (const [action, ofAction] of byAction) {
      const orderings = ofAction.map((key) => key.ordering);
      const from = Math.max(0, Math.min(...orderings) - RANGE_SLACK_SECONDS);
      const to = Math.max(...orderings) + RANGE_SLACK_SECONDS;
      for (const key of await this.indexed(action, from, to)) found.add(keyId(key));
    }
    const unseen = keys.filter((key) => !found.has(keyId(key)));
    for (const key of await this.batchGet(unseen)) found.add(keyId(key));
    return found;
  }

  /** Every current record of `action` whose end time is within [from, to], from the index (keys only). */
  async indexed(action: string, from: number, to: number): Promise<IndexedKey[]> {
    const keys: IndexedKey[] = [];
    const queries: Promise<void>[] = [];
    for (let day = dayStartSeconds(utcDayOf(from)); day <= to; day += 86_400) {
      for (let shard = 0; shard < SHARDS; shard++) {
        queries.push(this.queryPartition(endPartitionKey(action, utcDayOf(day), shard), from, to, keys));
      }
    }
    await Promise.all(queries);
    return keys;
  }

  private async queryPartition(partition: string, from: number, to: number, into: IndexedKey[]): Promise<void> {
    const items = await queryAll(
      this.client,
      {
        TableName: this.tableName,
        IndexName: QUERY_INDEX.byEndTime,
        KeyConditionExpression: '#p = :p AND #s BETWEEN :from AND :to',
        ExpressionAttributeNames: {
          '#p': QUERY_ATTRIBUTE.endPartition,
          '#s': QUERY_ATTRIBUTE.sort,
          '#session': SESSION_ID_ATTRIBUTE,
          '#key': RECORD_KEY_ATTRIBUTE,
        },
        ExpressionAttributeValues: {
          ':p': { S: partition },
          ':from': { S: padSeconds(from) },
          // After every `<to>#<hash>`: '~' sorts above the hash's hex digits.
          ':to': { S: `${padSeconds(to)}~` },
        },
        ProjectionExpression: '#session, #key, #s',
      },
      this.counted,
    );
    for (const item of items) {
      const sessionId = item[SESSION_ID_ATTRIBUTE]?.S;
      const recordKey = item[RECORD_KEY_ATTRIBUTE]?.S;
      const ordering = Number((item[QUERY_ATTRIBUTE.sort]?.S ?? '').slice(0, 16));
      if (sessionId !== undefined && recordKey !== undefined) into.push({ sessionId, recordKey, ordering });
    }
  }

  /** Which of `keys` the table holds, by BatchGetItem (keys only, eventually consistent). */
  async batchGet(keys: readonly StoredKey[]): Promise<StoredKey[]> {
    const unique = [...new Map(keys.map((key) => [keyId(key), key])).values()];
    const items = await batchGet(
      this.client,
      this.tableName,
      unique.map((key) => ({
        [SESSION_ID_ATTRIBUTE]: { S: key.sessionId },
        [RECORD_KEY_ATTRIBUTE]: { S: key.recordKey },
      })),
      {
        projection: '#session, #key',
        names: { '#session': SESSION_ID_ATTRIBUTE, '#key': RECORD_KEY_ATTRIBUTE },
        onCapacity: this.counted,
      },
    );
    return items.map((item) => ({
      sessionId: item[SESSION_ID_ATTRIBUTE]?.S as string,
      recordKey: item[RECORD_KEY_ATTRIBUTE]?.S as string,
    }));
  }

  /** Each response: a request sent, and the read units DynamoDB reports for it. */
  private readonly counted = (units: number): void => {
    this.requests++;
    this.readUnits += units;
  };
}
