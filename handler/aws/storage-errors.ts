import { Misconfigured, StorageUnavailable } from '../common/errors';

/** DynamoDB's answers that mean "too busy now": a retry later may succeed. */
const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);
/** Answers that mean the deployment is wrong (table, permissions, credentials): an operator must act. */
const MISCONFIGURATION = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'MissingAuthenticationTokenException',
]);

interface SdkError {
  readonly name?: string;
  readonly message?: string;
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * What a failed DynamoDB request means for the push: StorageUnavailable (503, push again) only
 * for a genuine availability fault (throttling, a 5xx, no answer in time, no connection);
 * Misconfigured for a deployment fault; anything else (a request DynamoDB refuses) is our own
 * fault, answered 500. The cause is kept for the log.
 */
export function storageError(operation: string, error: unknown): Error {
  const sdk = (error ?? {}) as SdkError;
  const name = sdk.name ?? 'Error';
  const reason = `DynamoDB ${operation} failed: ${name}: ${sdk.message ?? String(error)}`;
  const answered = sdk.$metadata?.httpStatusCode !== undefined;
  if (THROTTLING.has(name) || sdk.$fault === 'server' || !answered) {
    return new StorageUnavailable(reason, { cause: error });
  }
  if (MISCONFIGURATION.has(name)) return new Misconfigured(reason, { cause: error });
  return new Error(reason, { cause: error });
}
