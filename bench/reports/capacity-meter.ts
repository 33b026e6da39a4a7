import type { AsyncLocalStorage } from 'node:async_hooks';
import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../handler/aws/dynamodb';

const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);
const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);
const SINGLE_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);
const KB = 1024;

/** An item's size by DynamoDB's rules (bench/capacity.mjs). */
export type ItemSize = (item: Item) => number;

/** Units by table, and by `<table>/<index>` for a global secondary index. */
export type UnitsBy = Map<string, number>;

const add = (into: Map<string, number>, key: string, value: number) => into.set(key, (into.get(key) ?? 0) + value);

/**
 * Counts what a DynamoDB client costs, request by request: a middleware asks every read and
 * write for ReturnConsumedCapacity=INDEXES (DynamoDB Local reports table and GSI units), and
 * adds them up. DynamoDB Local reports nothing for a write whose condition failed, which AWS
 * bills (on the larger of the item sent and the one stored, at least 1 WRU): the middleware
 * asks such writes for the stored item (ReturnValuesOnConditionCheckFailure=ALL_OLD, which
 * changes nothing else) and counts them from ConditionalCheckFailedException.
 */
export class CapacityMeter {
  readonly writeUnits: UnitsBy = new Map();
  readonly readUnits: UnitsBy = new Map();
  /** The largest item put, by table (bytes). */
  readonly largestPut = new Map<string, number>();
  requests = 0;
  failedConditions = 0;
  failedConditionUnits = 0;

  constructor(
    private readonly itemSize: ItemSize,
    /** Where a request is counted too: the invocation it was made in (several may run at once). */
    private readonly scope?: AsyncLocalStorage<{ requests: number }>,
  ) {}

  attach(client: DynamoDBClient): DynamoDBClient {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? '';
        const input = args.input as Record<string, unknown>;
        this.requests++;
        const invocation = this.scope?.getStore();
        if (invocation) invocation.requests++;
        if (READS.has(command) || WRITES.has(command)) input.ReturnConsumedCapacity = 'INDEXES';
        if (SINGLE_WRITES.has(command) && input.ConditionExpression !== undefined) {
          input.ReturnValuesOnConditionCheckFailure ??= 'ALL_OLD';
        }
        const sent = this.notePuts(command, input);
        try {
          const result = await next(args);
          const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
            .ConsumedCapacity;
          for (const capacity of [consumed ?? []].flat()) this.count(READS.has(command), capacity);
          return result;
        } catch (error) {
          if ((error as { name?: string }).name === 'ConditionalCheckFailedException') {
            const stored = (error as { Item?: Item }).Item;
            const bytes = Math.max(sent, stored ? this.itemSize(stored) : 0);
            const units = Math.max(1, Math.ceil(bytes / KB));
            this.failedConditions++;
            this.failedConditionUnits += units;
            add(this.writeUnits, String(input.TableName), units);
          }
          throw error;
        }
      },
      { step: 'initialize', name: 'benchCapacityMeter' },
    );
    return client;
  }

  /** Notes the size of every item put; answers the size of a single write's item (0 if none). */
  private notePuts(command: string, input: Record<string, unknown>): number {
    const note = (table: string, item: Item) => {
      const bytes = this.itemSize(item);
      this.largestPut.set(table, Math.max(this.largestPut.get(table) ?? 0, bytes));
      return bytes;
    };
    if (command === 'PutItemCommand') return note(String(input.TableName), input.Item as Item);
    if (command === 'BatchWriteItemCommand') {
      const requests = input.RequestItems as Record<string, Array<{ PutRequest?: { Item: Item } }>>;
      for (const [table, writes] of Object.entries(requests)) {
        for (const write of writes) if (write.PutRequest) note(table, write.PutRequest.Item);
      }
    }
    return 0;
  }

  private count(read: boolean, capacity: ConsumedCapacity) {
    const into = read ? this.readUnits : this.writeUnits;
    const table = capacity.TableName ?? '?';
    add(into, table, capacity.Table?.CapacityUnits ?? capacity.CapacityUnits ?? 0);
    for (const [index, units] of Object.entries(capacity.GlobalSecondaryIndexes ?? {})) {
      add(into, `${table}/${index}`, units.CapacityUnits ?? 0);
    }
    for (const [index, units] of Object.entries(capacity.LocalSecondaryIndexes ?? {})) {
      add(into, `${table}/${index}`, units.CapacityUnits ?? 0);
    }
  }
}
