import { type AttributeValue, DynamoDBClient, paginateScan, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { DynamoDbQuarantineStore } from '../../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import { currentKeyPrefix } from '../../handler/records/item-layout';

/** Set by tests/support/global-setup.mjs. */
export const tableName = (): string => process.env.CDR_TABLE_NAME as string;

const inspector = new DynamoDBClient({});

/** Every item of a table (read strongly consistent), or of one of its indexes, as DynamoDB holds it. */
export async function scanAll(
  client: DynamoDBClient,
  table: string,
  index?: string,
): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  for await (const page of paginateScan({ client }, { TableName: table, IndexName: index, ConsistentRead: !index })) {
    items.push(...(page.Items ?? []));
  }
  return items;
}

/** All items of a session exactly as DynamoDB holds them, in sort-key order (current versions `R#` first). */
export async function rawItems(sessionId: string, keyPrefix = '') {
  const output = await inspector.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: keyPrefix ? 'SessionId = :s AND begins_with(recordKey, :p)' : 'SessionId = :s',
      ExpressionAttributeValues: { ':s': { S: sessionId }, ...(keyPrefix && { ':p': { S: keyPrefix } }) },
      ConsistentRead: true,
    }),
  );
  return output.Items ?? [];
}

/** The current item of the session's record of `action` (the first, if several), as DynamoDB holds it. */
export async function rawCurrentItem(sessionId: string, action = 'videoCdr') {
  return (await rawItems(sessionId, currentKeyPrefix(action)))[0];
}

/** The record of that current item, as stored. */
export async function storedRecord(sessionId: string, action = 'videoCdr') {
  const item = await rawCurrentItem(sessionId, action);
  return item && (unmarshall(item).record as Record<string, unknown>);
}

const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

/**
 * A store on its own client that counts the write requests DynamoDB carried out. A write
 * refused by its condition (a cancelled transaction) changes nothing and is not counted.
 */
export function countingStore() {
  const client = createDynamoDbClient();
  const counts = { writes: 0, commands: [] as string[] };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      counts.commands.push(context.commandName ?? '');
      if (WRITE_COMMANDS.has(context.commandName ?? '')) counts.writes++;
      return result;
    },
    { step: 'initialize', name: 'countWrites' },
  );
  return { store: new DynamoDbRecordStore(client, tableName()), counts };
}

export const quarantineTableName = (): string => process.env.QUARANTINE_TABLE_NAME as string;

export function quarantineStore() {
  return new DynamoDbQuarantineStore(createDynamoDbClient(), quarantineTableName());
}
