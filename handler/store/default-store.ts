import type { CdrStore } from './cdr-store';
import { DynamoDbCdrStore } from './dynamodb-cdr-store';
import { createDynamoDbClient } from './dynamodb-client';

/** The store a deployed function uses: the table named by CDR_TABLE_NAME (serverless.yml sets it). */
export function defaultStore(): CdrStore {
  const tableName = process.env.CDR_TABLE_NAME;
  if (!tableName) throw new Error('CDR_TABLE_NAME is not set');
  return new DynamoDbCdrStore(createDynamoDbClient(), tableName);
}
