import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbCdrStore } from '../../handler/store/dynamodb-cdr-store';
import { createDynamoDbClient } from '../../handler/store/dynamodb-client';
import { DynamoDbQuarantineStore } from '../../handler/store/dynamodb-quarantine-store';

/** Set by tests/support/global-setup.mjs. */
export const tableName = (): string => process.env.CDR_TABLE_NAME as string;

const inspector = new DynamoDBClient({});

/** All items of a session exactly as DynamoDB holds them, current record first. */
export async function rawItems(sessionId: string) {
  const output = await inspector.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'SessionId = :s',
      ExpressionAttributeValues: { ':s': { S: sessionId } },
      ConsistentRead: true,
    }),
  );
  return output.Items ?? [];
}

export async function rawCurrentItem(sessionId: string) {
  const output = await inspector.send(
    new GetItemCommand({
      TableName: tableName(),
      Key: { SessionId: { S: sessionId }, recordKey: { S: 'CURRENT' } },
      ConsistentRead: true,
    }),
  );
  return output.Item;
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
  const counts = { writes: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (WRITE_COMMANDS.has(context.commandName ?? '')) counts.writes++;
      return result;
    },
    { step: 'initialize', name: 'countWrites' },
  );
  return { store: new DynamoDbCdrStore(client, tableName()), counts };
}

export const quarantineTableName = (): string => process.env.QUARANTINE_TABLE_NAME as string;

export function quarantineStore() {
  return new DynamoDbQuarantineStore(createDynamoDbClient(), quarantineTableName());
}
