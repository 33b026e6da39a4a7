import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  paginateQuery,
  paginateScan,
  type QueryCommandInput,
  type ScanCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { StorageUnavailable } from '../common/errors';
import { storageError } from './storage-errors';

/**
 * The one way this code talks to DynamoDB: the item type, the storage-error rule applied to
 * every request, paging through the SDK's paginators, and batch reads and writes that retry
 * what DynamoDB left unprocessed with one backoff policy.
 */
export type Item = Record<string, AttributeValue>;

/** A stored item read back as the plain object it holds. */
export const readItem = <T>(item: Item): T => unmarshall(item) as T;

/** One request; a failure becomes a storage error (storage-errors.ts). */
export async function send<T>(operation: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw storageError(operation, error);
  }
}

/** A write whose condition may fail: answers false then (the state it guards against is there). */
export async function sendConditional(operation: string, request: () => Promise<unknown>): Promise<boolean> {
  try {
    await request();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw storageError(operation, error);
  }
}

/** Told the read units of each response (a caller that measures its own cost, such as the reconcile). */
export type CapacityObserver = (readUnits: number) => void;

/** Every item a query matches, page by page. */
export async function queryAll(
  client: DynamoDBClient,
  input: QueryCommandInput,
  onCapacity?: CapacityObserver,
): Promise<Item[]> {
  const items: Item[] = [];
  const measured: QueryCommandInput = onCapacity ? { ...input, ReturnConsumedCapacity: 'TOTAL' } : input;
  await send('Query', async () => {
    for await (const page of paginateQuery({ client }, measured)) {
      items.push(...(page.Items ?? []));
      onCapacity?.(page.ConsumedCapacity?.CapacityUnits ?? 0);
    }
  });
  return items;
}

/** Every item of a scan, page by page, handed over a page at a time (a table may not fit in memory). */
export async function* scanPages(client: DynamoDBClient, input: ScanCommandInput): AsyncGenerator<Item[]> {
  const pages = paginateScan({ client }, input);
  while (true) {
    const next = await send('Scan', () => pages.next());
    if (next.done) return;
    yield next.value.Items ?? [];
  }
}

/** DynamoDB's limits per batch request. */
const GET_BATCH = 100;
const WRITE_BATCH = 25;
/** Unprocessed keys are asked again after 50, 100, 200, ... ms, up to this many times. */
const BATCH_ATTEMPTS = 8;
const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 50 * 2 ** (attempt - 1)));

/** The items of `keys` that exist (any order), in requests of 100 keys. */
export async function batchGet(
  client: DynamoDBClient,
  tableName: string,
  keys: readonly Item[],
  options: {
    consistent?: boolean;
    projection?: string;
    names?: Record<string, string>;
    onCapacity?: CapacityObserver;
  } = {},
): Promise<Item[]> {
  const found: Item[] = [];
  for (let start = 0; start < keys.length; start += GET_BATCH) {
    let pending = keys.slice(start, start + GET_BATCH);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= BATCH_ATTEMPTS) {
        throw new StorageUnavailable(`DynamoDB BatchGetItem: keys still unprocessed after ${BATCH_ATTEMPTS} attempts`);
      }
      if (attempt > 0) await backoff(attempt);
      const output = await send('BatchGetItem', () =>
        client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [tableName]: {
                Keys: pending,
                ConsistentRead: options.consistent,
                ProjectionExpression: options.projection,
                ExpressionAttributeNames: options.names,
              },
            },
            ...(options.onCapacity && { ReturnConsumedCapacity: 'TOTAL' }),
          }),
        ),
      );
      for (const used of output.ConsumedCapacity ?? []) options.onCapacity?.(used.CapacityUnits ?? 0);
      found.push(...(output.Responses?.[tableName] ?? []));
      pending = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return found;
}

/** Puts and deletes, in requests of 25. */
export async function batchWrite(client: DynamoDBClient, tableName: string, requests: readonly WriteRequest[]) {
  for (let start = 0; start < requests.length; start += WRITE_BATCH) {
    let pending = requests.slice(start, start + WRITE_BATCH);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= BATCH_ATTEMPTS) {
        throw new StorageUnavailable(
          `DynamoDB BatchWriteItem: writes still unprocessed after ${BATCH_ATTEMPTS} attempts`,
        );
      }
      if (attempt > 0) await backoff(attempt);
      const output = await send('BatchWriteItem', () =>
        client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } })),
      );
      pending = output.UnprocessedItems?.[tableName] ?? [];
    }
  }
}
