import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { VideoCdrV1 } from '../decode/generated/video-cdr-v1';
import { toAttributeMap } from './attribute-values';
import { type CdrStore, type Receipt, type SaveOutcome, StorageUnavailable, type StoredCdr } from './cdr-store';
import { STORAGE_BUDGET_MS } from './dynamodb-client';
import {
  CURRENT_RECORD_KEY,
  RECEIPT_ATTRIBUTE,
  RECORD_KEY_ATTRIBUTE,
  VERSION_KEY_PREFIX,
  versionRecordKey,
} from './item-layout';
import { versionIdOf } from './version-id';

type SendOptions = { abortSignal: AbortSignal };

/** How often `save` looks again when a concurrent push moved the current record under it. */
const MAX_SAVE_ROUNDS = 5;

/** The current record changed, or a concurrent transaction held it: look again. */
const isRace = (code: string | undefined) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict';

/** Just what `save` needs to know of the current record. */
interface CurrentHead {
  readonly versionId: string;
  readonly endedTimestamp: number;
}

function headOf(item: Record<string, AttributeValue>): CurrentHead {
  return {
    versionId: item[RECEIPT_ATTRIBUTE]?.M?.versionId?.S ?? '',
    endedTimestamp: Number(item.EndedTimestamp?.N ?? 0),
  };
}

function fromItem(item: Record<string, unknown>): StoredCdr {
  const { [RECORD_KEY_ATTRIBUTE]: _key, [RECEIPT_ATTRIBUTE]: receipt, ...record } = item;
  return { record: record as VideoCdrV1, receipt: receipt as StoredCdr['receipt'] };
}

function unavailable(operation: string, error: unknown): StorageUnavailable {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new StorageUnavailable(`DynamoDB ${operation} failed: ${reason}`, { cause: error });
}

/** For calls whose every failure means the store is unavailable. */
async function orUnavailable<Output>(operation: string, pending: Promise<Output>): Promise<Output> {
  try {
    return await pending;
  } catch (error) {
    throw unavailable(operation, error);
  }
}

/**
 * One table, partition key SessionId, sort key recordKey:
 * - `CURRENT`: the session's current record (latest EndedTimestamp; ties: later receipt);
 * - `VERSION#<EndedTimestamp>#<versionId>`: every distinct version ever accepted.
 * Each item holds the record's fields as pushed, at the top level, plus a `receipt` map.
 *
 * Exactly-once rests on conditional writes, never on read-then-write alone: a version
 * item is written only if absent, and the current record only if it is still the one
 * that was read. A repeated push therefore writes nothing, and concurrent pushes of
 * one record end as one version, all acknowledged.
 */
export class DynamoDbCdrStore implements CdrStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    /** All the requests of one `save` together; see dynamodb-client.ts. */
    private readonly budgetMs: number = STORAGE_BUDGET_MS,
  ) {}

  /**
   * Optimistic: the first round assumes the session is new, so the common cases (a first
   * push, a retry of one) cost one request. When the current record is not what was
   * assumed, DynamoDB hands it back (ReturnValuesOnConditionCheckFailure) and the next
   * round decides with it.
   */
  async save(record: VideoCdrV1, receipt: Receipt): Promise<SaveOutcome> {
    const budget = { abortSignal: AbortSignal.timeout(this.budgetMs) };
    const versionId = versionIdOf(record);
    const item = toAttributeMap({ ...record, [RECEIPT_ATTRIBUTE]: { ...receipt, versionId } });
    const versionPut: PutItemCommandInput = {
      TableName: this.tableName,
      Item: { ...item, [RECORD_KEY_ATTRIBUTE]: { S: versionRecordKey(record.EndedTimestamp, versionId) } },
      ConditionExpression: 'attribute_not_exists(#key)',
      ExpressionAttributeNames: { '#key': RECORD_KEY_ATTRIBUTE },
    };
    let current: CurrentHead | undefined;
    for (let round = 0; round < MAX_SAVE_ROUNDS; round++) {
      if (current?.versionId === versionId) return 'duplicate';
      // On equal EndedTimestamp the push in hand is the later receipt, so it wins.
      if (current && current.endedTimestamp > record.EndedTimestamp) return this.putOlderVersion(versionPut, budget);
      const currentPut: PutItemCommandInput = {
        TableName: this.tableName,
        Item: { ...item, [RECORD_KEY_ATTRIBUTE]: { S: CURRENT_RECORD_KEY } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ...(current
          ? {
              ConditionExpression: '#receipt.versionId = :seen',
              ExpressionAttributeNames: { '#receipt': RECEIPT_ATTRIBUTE },
              ExpressionAttributeValues: { ':seen': { S: current.versionId } },
            }
          : {
              ConditionExpression: 'attribute_not_exists(#key)',
              ExpressionAttributeNames: { '#key': RECORD_KEY_ATTRIBUTE },
            }),
      };
      try {
        await this.client.send(
          new TransactWriteItemsCommand({ TransactItems: [{ Put: versionPut }, { Put: currentPut }] }),
          budget,
        );
        return 'stored';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw unavailable('TransactWriteItems', error);
        const [versionReason, currentReason] = error.CancellationReasons ?? [];
        if (versionReason?.Code === 'ConditionalCheckFailed') return 'duplicate';
        if (currentReason?.Code === 'ConditionalCheckFailed' && currentReason.Item) {
          current = headOf(currentReason.Item);
        } else if ([versionReason?.Code, currentReason?.Code].some(isRace)) {
          current = await this.readCurrentHead(record.SessionId, budget);
        } else {
          throw unavailable('TransactWriteItems', error);
        }
      }
    }
    throw new StorageUnavailable(`the current record of session ${record.SessionId} kept changing; gave up`);
  }

  async getCurrent(sessionId: string): Promise<StoredCdr | undefined> {
    const item = await this.currentItem(sessionId);
    return item && fromItem(unmarshall(item));
  }

  async listVersions(sessionId: string): Promise<StoredCdr[]> {
    const versions: StoredCdr[] = [];
    let startKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await orUnavailable(
        'Query',
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'SessionId = :session AND begins_with(#key, :prefix)',
            ExpressionAttributeNames: { '#key': RECORD_KEY_ATTRIBUTE },
            ExpressionAttributeValues: { ':session': { S: sessionId }, ':prefix': { S: VERSION_KEY_PREFIX } },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      versions.push(...(page.Items ?? []).map((item) => fromItem(unmarshall(item))));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return versions;
  }

  private async putOlderVersion(versionPut: PutItemCommandInput, budget: SendOptions): Promise<SaveOutcome> {
    try {
      await this.client.send(new PutItemCommand(versionPut), budget);
      return 'stored-older';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'duplicate';
      throw unavailable('PutItem', error);
    }
  }

  private async readCurrentHead(sessionId: string, budget: SendOptions): Promise<CurrentHead | undefined> {
    const item = await this.currentItem(sessionId, 'EndedTimestamp, receipt.versionId', budget);
    return item && headOf(item);
  }

  /** The session's CURRENT item, read consistently; `projection` names only what is needed. */
  private async currentItem(sessionId: string, projection?: string, options?: SendOptions) {
    const output = await orUnavailable(
      'GetItem',
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { SessionId: { S: sessionId }, [RECORD_KEY_ATTRIBUTE]: { S: CURRENT_RECORD_KEY } },
          ConsistentRead: true,
          ProjectionExpression: projection,
        }),
        options,
      ),
    );
    return output.Item;
  }
}
