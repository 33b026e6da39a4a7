import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { batchWrite } from '../aws/dynamodb';
import { createPatientDynamoDbClient } from '../aws/dynamodb-client';
import { tableName } from '../aws/tables';
import { logger } from '../common/observability';
import { privacyHashKey } from '../privacy/hash-key';
import { LookupWrites, lookupWritesOf } from '../privacy/record-lookups';

export interface LookupDependencies {
  readonly client: DynamoDBClient;
  readonly privacyTable: string;
  readonly hashKey: () => Promise<string>;
}

/**
 * The person lookup's stream consumer: the record table's stream (NEW_AND_OLD_IMAGES) in, the
 * privacy table's lookup items kept in step with what each record item holds (docs/privacy.md).
 * Off the push path: a push neither waits for these writes nor needs the hash key. The batch's
 * writes go out together once every record is read; if they fail, or the key cannot be read,
 * the whole batch comes again (each write is idempotent), and the function's error alarm fires.
 */
export function createLookupHandler({ client, privacyTable, hashKey }: LookupDependencies) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const key = await hashKey();
    const writes = new LookupWrites();
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    const response = await processPartialResponse(
      event,
      async (record: DynamoDBRecord) => writes.add(await lookupWritesOf(record, key)),
      processor,
      { processInParallel: false },
    );
    const requests = writes.requests;
    await batchWrite(client, privacyTable, requests);
    logger.info('stream batch indexed', {
      records: event.Records.length,
      failed: response.batchItemFailures.length,
      lookupWrites: requests.length,
    });
    return response;
  };
}

let key: Promise<string> | undefined;
/** Read once per container; a failed read is tried again by the next batch. */
function cachedHashKey(): Promise<string> {
  key ??= privacyHashKey().catch((error: unknown) => {
    key = undefined;
    throw error;
  });
  return key;
}

export const handler = createLookupHandler({
  client: createPatientDynamoDbClient(),
  privacyTable: tableName('privacy'),
  hashKey: cachedHashKey,
});
