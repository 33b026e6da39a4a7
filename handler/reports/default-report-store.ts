import { requiredEnv, TABLE_ENV } from '../store/default-stores';
import { createDynamoDbClient } from '../store/dynamodb-client';
import { DynamoDbCurrentVersions } from '../store/dynamodb-current-versions';
import { DynamoDbReportStore } from './dynamodb-report-store';

/**
 * The stream consumer's stores: the report table, and the record table it checks versions
 * against, on one client. Off the push path, so patient (a failed batch is all redone), but
 * a request that hangs still ends (throwOnRequestTimeout).
 */
export function defaultAggregateStores() {
  const client = createDynamoDbClient({
    maxAttempts: 5,
    requestHandler: {
      connectionTimeout: 5_000,
      requestTimeout: 10_000,
      throwOnRequestTimeout: true,
      httpAgent: { keepAlive: true },
      httpsAgent: { keepAlive: true },
    },
  });
  return {
    reports: new DynamoDbReportStore(client, requiredEnv(TABLE_ENV.reports)),
    versions: new DynamoDbCurrentVersions(client, requiredEnv(TABLE_ENV.records)),
  };
}

/** The reports function's one store: the report table, read with the push path's short timeouts (a reader is waiting). */
export const defaultSummaryStore = () =>
  new DynamoDbReportStore(createDynamoDbClient(), requiredEnv(TABLE_ENV.reports));
