import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * The time budget for one push's storage, well under API Gateway's 29 s: each HTTP
 * attempt may take REQUEST_TIMEOUT_MS, and the SDK makes at most MAX_ATTEMPTS with
 * its standard backoff between them. Past that the push is refused (503) and TCCC retries.
 */
export const DYNAMODB_MAX_ATTEMPTS = 3;
export const DYNAMODB_CONNECTION_TIMEOUT_MS = 1_000;
export const DYNAMODB_REQUEST_TIMEOUT_MS = 2_000;

/**
 * One client per container, created at cold start and kept warm: HTTP keep-alive
 * spares each push a TLS handshake. The endpoint comes from the SDK's standard
 * AWS_ENDPOINT_URL_DYNAMODB, which points local runs at DynamoDB Local.
 */
export function createDynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient({
    maxAttempts: DYNAMODB_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: DYNAMODB_CONNECTION_TIMEOUT_MS,
      requestTimeout: DYNAMODB_REQUEST_TIMEOUT_MS,
      httpAgent: { keepAlive: true },
      httpsAgent: { keepAlive: true },
    },
  });
}
