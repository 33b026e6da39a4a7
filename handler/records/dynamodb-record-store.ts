import { type Item, queryAll } from '../aws/dynamodb';
import { DynamoDbRecordWriter } from './dynamodb-record-writer';
import {
  currentKeyPrefix,
  isTombstone,
  RECORD_KEY_ATTRIBUTE,
  SESSION_ID_ATTRIBUTE,
  versionKeyPrefix,
} from './item-layout';
import type { RecordStore, StoredRecord } from './record-store';
import { readStoredItem } from './stored-item';
import { outranks, type Rank } from './version-rank';

function rankOfStored(version: { ordering: number; receipt: StoredRecord['receipt'] }): Rank {
  const { receipt } = version;
  return {
    pulled: receipt.source === 'pull',
    ordering: version.ordering,
    receivedAt: receipt.receivedAt,
    versionId: receipt.versionId,
  };
}

const fromItem = readStoredItem;

/**
 * The record table, read and written: the writes of DynamoDbRecordWriter (the push function
 * uses only those, so its bundle carries no read), and the reads of the read routes, the
 * reports' consumer and the operator's commands.
 */
export class DynamoDbRecordStore extends DynamoDbRecordWriter implements RecordStore {
  async currentRecords(sessionId: string, action?: string): Promise<StoredRecord[]> {
    const items = await this.query(sessionId, currentKeyPrefix(action));
    return items.map((item) => {
      const { ordering: _ordering, ...stored } = fromItem(item);
      return stored;
    });
  }

  async versions(sessionId: string, action?: string): Promise<StoredRecord[]> {
    const [current, kept] = await Promise.all([
      this.query(sessionId, currentKeyPrefix(action)),
      this.query(sessionId, versionKeyPrefix(action)),
    ]);
    // The current version usually has no version item of its own: one list, each version once.
    const byVersion = new Map<string, ReturnType<typeof fromItem>>();
    for (const item of [...kept, ...current]) {
      const version = fromItem(item);
      const id = `${version.action}#${version.receipt.versionId}`;
      if (!byVersion.has(id)) byVersion.set(id, version);
    }
    return [...byVersion.values()]
      .sort((a, b) => (outranks(rankOfStored(a), rankOfStored(b)) ? 1 : -1))
      .map(({ ordering: _ordering, ...stored }) => stored);
  }

  /** The session's items under a prefix, erased records' tombstones left out. */
  private async query(sessionId: string, keyPrefix: string): Promise<Item[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#session = :session AND begins_with(#key, :prefix)',
      ExpressionAttributeNames: { '#session': SESSION_ID_ATTRIBUTE, '#key': RECORD_KEY_ATTRIBUTE },
      ExpressionAttributeValues: { ':session': { S: sessionId }, ':prefix': { S: keyPrefix } },
      ConsistentRead: true,
    });
    return items.filter((item) => !isTombstone(item));
  }
}
