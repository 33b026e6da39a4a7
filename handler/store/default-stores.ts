import { Misconfigured } from '../errors';
import { createDynamoDbClient } from './dynamodb-client';
import { DynamoDbQuarantineStore } from './dynamodb-quarantine-store';
import { DynamoDbRecordStore } from './dynamodb-record-store';
import type { QuarantineStore } from './quarantine';
import type { RecordStore } from './record-store';

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

/** The stores a deployed function uses, on one client: tables named by serverless.yml's environment. */
export function defaultStores(): { store: RecordStore; quarantine: QuarantineStore } {
  const client = createDynamoDbClient();
  return {
    store: new DynamoDbRecordStore(client, requiredEnv(TABLE_ENV.records)),
    quarantine: new DynamoDbQuarantineStore(client, requiredEnv(TABLE_ENV.quarantine)),
  };
}
