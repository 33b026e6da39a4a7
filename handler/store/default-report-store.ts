import { requiredEnv, TABLE_ENV } from './default-stores';
import { createDynamoDbClient } from './dynamodb-client';
import { DynamoDbRecordStore } from './dynamodb-record-store';
import { DynamoDbReportStore } from './dynamodb-report-store';
import type { RecordStore } from './record-store';
import type { ReportStore } from './report-store';

/**
 * The report table, and the record table the stream consumer checks versions against: one
 * client. Off the push path, so with patient timeouts (a failed batch is all redone).
 */
export function defaultReportStores(): { reports: ReportStore; records: RecordStore } {
  const client = createDynamoDbClient({
    maxAttempts: 5,
    requestHandler: {
      connectionTimeout: 5_000,
      requestTimeout: 10_000,
      httpAgent: { keepAlive: true },
      httpsAgent: { keepAlive: true },
    },
  });
  return {
    reports: new DynamoDbReportStore(client, requiredEnv(TABLE_ENV.reports)),
    records: new DynamoDbRecordStore(client, requiredEnv(TABLE_ENV.records)),
  };
}
