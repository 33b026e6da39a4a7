import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Misconfigured } from '../errors';
import { createDynamoDbClient } from './dynamodb-client';
import { DynamoDbQuarantineStore } from './dynamodb-quarantine-store';
import { DynamoDbRecordStore } from './dynamodb-record-store';
import { DynamoDbRecordWriter } from './dynamodb-record-writer';
import type { QuarantineStore } from './quarantine';
import type { RecordStore, RecordWriter } from './record-store';

/** The one home of the table names: serverless.yml's environment sets them. */
export const TABLE_ENV = {
  records: 'CDR_TABLE_NAME',
  quarantine: 'QUARANTINE_TABLE_NAME',
  reports: 'REPORT_TABLE_NAME',
} as const;

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Misconfigured(`${name} is not set`);
  return value;
}

/** A function's stores on one client, tables named by serverless.yml's environment. */
function storesOn<Store>(recordStore: (client: DynamoDBClient, tableName: string) => Store) {
  const client = createDynamoDbClient();
  return {
    store: recordStore(client, requiredEnv(TABLE_ENV.records)),
    quarantine: new DynamoDbQuarantineStore(client, requiredEnv(TABLE_ENV.quarantine)) as QuarantineStore,
  };
}

/** The stores of the functions that read records back (and write them). */
export const defaultStores = () => storesOn<RecordStore>((client, table) => new DynamoDbRecordStore(client, table));

/** The push function's stores: it writes records and never reads them, so it carries no read code. */
export const defaultPushStores = () =>
  storesOn<RecordWriter>((client, table) => new DynamoDbRecordWriter(client, table));
