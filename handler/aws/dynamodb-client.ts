import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/**
 * Storage faults are bounded twice. Each DynamoDB request: at most MAX_ATTEMPTS HTTP
 * attempts (the SDK's standard retry, with backoff, on throttling and 5xx), each cut
 * off after REQUEST_TIMEOUT_MS. And all the requests of one push together: STORAGE_BUDGET_MS,
 * well under API Gateway's 29 s. Past either, the push is refused (503, ErrCode 2001)
 * and TCCC pushes again.
 */
export const DYNAMODB_MAX_ATTEMPTS = 3;
export const DYNAMODB_CONNECTION_TIMEOUT_MS = 1_000;
export const DYNAMODB_REQUEST_TIMEOUT_MS = 2_000;
export const STORAGE_BUDGET_MS = 8_000;

/**
 * One client per container, created at cold start and kept warm: HTTP keep-alive
 * spares each push a TLS handshake. The endpoint comes from the SDK's standard
 * AWS_ENDPOINT_URL_DYNAMODB, which points local runs at DynamoDB Local.
 */
export function createDynamoDbClient(overrides: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    maxAttempts: DYNAMODB_MAX_ATTEMPTS,
    // The middleware stack is resolved once per command class, not on every call: about 10% of
    // a PutItem's CPU (bench/README.md). It applies to sends without per-call options only.
    cacheMiddleware: true,
    requestHandler: {
      connectionTimeout: DYNAMODB_CONNECTION_TIMEOUT_MS,
      requestTimeout: DYNAMODB_REQUEST_TIMEOUT_MS,
      // Without it the handler only logs a warning when requestTimeout passes, and waits on.
      throwOnRequestTimeout: true,
      httpAgent: { keepAlive: true },
      httpsAgent: { keepAlive: true },
    },
    ...overrides,
  });
}

/**
 * A client for work off the push path (the stream consumer, the reconcile, operator commands):
 * more attempts and room for bulk reads (a Query page of 1 MB, a BatchGetItem of 100 keys) that
 * the push's 2 s per request would cut short, yet a request that hangs still ends
 * (throwOnRequestTimeout). Their callers have minutes, not API Gateway's 29 s, and a failed
 * batch or run is redone whole.
 */
export function createPatientDynamoDbClient(): DynamoDBClient {
  return createDynamoDbClient({
    maxAttempts: 5,
    requestHandler: {
      connectionTimeout: 5_000,
      requestTimeout: 20_000,
      throwOnRequestTimeout: true,
      httpAgent: { keepAlive: true },
      httpsAgent: { keepAlive: true },
    },
  });
}
