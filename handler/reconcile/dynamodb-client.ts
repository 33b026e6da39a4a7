import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../aws/dynamodb-client';

/**
 * Reconcile's DynamoDB client: the push's factory, with room for its bulk reads (a Query page of
 * 1 MB, a BatchGetItem of 100 keys) that the push's 2 s per request would cut short. Reconcile
 * has minutes, not API Gateway's 29 s.
 */
export function createReconcileDynamoDbClient(): DynamoDBClient {
  return createDynamoDbClient({
    maxAttempts: 5,
    requestHandler: {
      connectionTimeout: 3_000,
      requestTimeout: 20_000,
      throwOnRequestTimeout: true,
      httpAgent: { keepAlive: true },
      httpsAgent: { keepAlive: true },
    },
  });
}
