import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';

/**
 * A client with the stream consumer's patient timeouts (handler/reports/default-report-store.ts),
 * for the consumer and the bench's own seeding and reads: on 2 busy cores DynamoDB Local can
 * take longer than the push path's 2 s per request.
 */
export const patientClient = () =>
  createDynamoDbClient({
    maxAttempts: 5,
    requestHandler: {
      connectionTimeout: 5_000,
      requestTimeout: 10_000,
      throwOnRequestTimeout: true,
      httpAgent: { keepAlive: true },
      httpsAgent: { keepAlive: true },
    },
  });
