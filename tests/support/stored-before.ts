import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type AttributeValue, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { RecordWriter } from '../../handler/records/record-store';

/** Items exactly as the first layout's store wrote them (captured from DynamoDB Local before issue 7). */
export const legacyLayoutItems = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'store', 'fixtures', 'legacy-layout-items.json'), 'utf8'),
) as Array<Record<string, AttributeValue>>;

/**
 * Puts the first layout's items into `tableName`, each session under a fresh id (so that other
 * test files are not disturbed); answers the fixture's ids mapped to the fresh ones.
 */
export async function putLegacyLayoutItems(client: DynamoDBClient, tableName: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const item of legacyLayoutItems) {
    const original = item.SessionId?.S as string;
    if (!ids.has(original)) ids.set(original, `${original}-${randomUUID()}`);
    const SessionId = { S: ids.get(original) as string };
    await client.send(new PutItemCommand({ TableName: tableName, Item: { ...item, SessionId } }));
  }
  return ids;
}

/** Stores a voice CDR as the code before the query indexes stored it: without index attributes. */
export async function saveWithoutIndexes(store: RecordWriter, cdr: Record<string, unknown>): Promise<void> {
  await store.save({
    sessionId: cdr.SessionId as string,
    action: 'cdr',
    naturalKey: String(cdr.SdkAppId),
    ordering: cdr.EndedTimestamp as number,
    record: cdr,
    receipt: { receivedAt: '2026-01-01T00:00:00.000Z', action: 'cdr', version: '1', requestId: 'before-indexes' },
  });
}
