import type { CdrStore } from './cdr-store';
import { DynamoDbCdrStore } from './dynamodb-cdr-store';
import { createDynamoDbClient } from './dynamodb-client';
import { DynamoDbQuarantineStore } from './dynamodb-quarantine-store';
import type { QuarantineStore } from './quarantine';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** The stores a deployed function uses, on one client: tables named by serverless.yml's environment. */
export function defaultStores(): { store: CdrStore; quarantine: QuarantineStore } {
  const client = createDynamoDbClient();
  return {
    store: new DynamoDbCdrStore(client, requiredEnv('CDR_TABLE_NAME')),
    quarantine: new DynamoDbQuarantineStore(client, requiredEnv('QUARANTINE_TABLE_NAME')),
  };
}
