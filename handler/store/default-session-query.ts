import { requiredEnv, TABLE_ENV } from './default-stores';
import { createDynamoDbClient } from './dynamodb-client';
import { DynamoDbSessionQuery } from './dynamodb-session-query';
import type { SessionQueryStore } from './session-query';

/** `GET /sessions` on the record table's indexes; apart from default-stores so that the push bundle leaves it out. */
export function defaultSessionQuery(): SessionQueryStore {
  return new DynamoDbSessionQuery(createDynamoDbClient(), requiredEnv(TABLE_ENV.records));
}
