import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../aws/dynamodb-client';

/**
 * The stream consumer's DynamoDB client. Off the push path, so patient (a failed batch is all
 * redone), but a request that hangs still ends (throwOnRequestTimeout).
 */
export function createConsumerClient(): DynamoDBClient {
  return createDynamoDbClient({
    maxAttempts: 5,
    requestHandler: {
      connectionTimeout: 5_000,
      requestTimeout: 10_000,
      throwOnRequestTimeout: true,
      httpAgent: { keepAlive: true },
      httpsAgent: { keepAlive: true },
    },
  });
}
