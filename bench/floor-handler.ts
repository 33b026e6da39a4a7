import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';
import { createDynamoDbClient } from '../handler/aws/dynamodb-client';

/**
 * The benchmark's floor: the least any receiver of this push must do. Parse the body,
 * write it with one PutItem (same key attributes as the real store's current record,
 * same client factory), answer the envelope. No validation, no hashing, no versions,
 * no logging, no error handling: what is left is the irreducible cost.
 */
const client = createDynamoDbClient();
const tableName = process.env.CDR_TABLE_NAME ?? '';

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResult> {
  const body = event.body ?? '';
  const record = JSON.parse(event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body);
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: marshall({ ...record, recordKey: 'CURRENT' }, { removeUndefinedValues: true }),
    }),
  );
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ErrCode: 0, ErrMsg: 'ok' }),
  };
}
