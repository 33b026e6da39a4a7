import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { toAttributeMap } from '../aws/attribute-values';
import type { Item } from '../aws/dynamodb';
import { STORAGE_BUDGET_MS } from '../aws/dynamodb-client';
import { storageError } from '../aws/storage-errors';
import { StorageUnavailable } from '../common/errors';
import {
  currentRecordKey,
  EXPIRES_AT_ATTRIBUTE,
  isTombstone,
  RECORD_KEY_ATTRIBUTE,
  SESSION_ID_ATTRIBUTE,
  versionRecordKey,
} from './item-layout';
import type { NewRecord, RecordWriter, SaveOutcome } from './record-store';
import { versionIdOf } from './version-id';
import { outranks, type Rank } from './version-rank';

/** When the save's storage budget runs out (ms since the epoch): no request starts after it. */
type Deadline = number;

/** On a current item: its version also has a version item, so replacing it needs no copy. */
const VERSION_KEPT_ATTRIBUTE = 'versionKept';

function rankOf(item: Item): Rank {
  const receipt = item.receipt?.M;
  return {
    pulled: receipt?.source?.S === 'pull',
    ordering: Number(item.ordering?.N ?? Number.NEGATIVE_INFINITY),
    receivedAt: receipt?.receivedAt?.S ?? '',
    versionId: receipt?.versionId?.S ?? '',
  };
}

/**
 * Whether a failed condition met this very request's first write: the SDK retries a PutItem whose
 * answer was lost after DynamoDB applied it (a reset connection, a timeout), and the retry's
 * condition then fails on what that first attempt wrote. The receipt tells: it carries this push's
 * request id (TCCC's own retries are other requests) and arrival time. Only after a retry: a
 * replay or migration run again sends the same receipt, and that is a duplicate.
 */
function isOwnEarlierAttempt(error: ConditionalCheckFailedException, found: Item, sent: Item): boolean {
  if ((error.$metadata.attempts ?? 1) < 2) return false;
  const receiptOf = (item: Item) => item.receipt?.M ?? {};
  const [stored, mine] = [receiptOf(found), receiptOf(sent)];
  return (['requestId', 'receivedAt', 'versionId'] as const).every(
    (field) => mine[field]?.S !== undefined && stored[field]?.S === mine[field]?.S,
  );
}

/**
 * One table, partition key SessionId, sort key recordKey (see item-layout.ts).
 *
 * A record never seen before costs one conditional PutItem of one item. A retry, or any
 * re-push of equal content, writes nothing: DynamoDB hands back the stored item when the
 * condition fails (ReturnValuesOnConditionCheckFailure), and its versionId tells. Only a
 * different version of a known record takes the longer path: it is kept as a version item,
 * the current one is kept as a version item too before it is replaced, and the current
 * item is replaced only if it is still the one that was read. Every step is conditional
 * and idempotent, so a push interrupted anywhere converges when TCCC retries it, and any
 * number of concurrent versions all end accepted, agreeing on one current version.
 */
export class DynamoDbRecordWriter implements RecordWriter {
  constructor(
    protected readonly client: DynamoDBClient,
    protected readonly tableName: string,
    /** All the requests of one `save` together; see dynamodb-client.ts. */
    private readonly budgetMs: number = STORAGE_BUDGET_MS,
  ) {}

  /**
   * The budget bounds the whole save, yet is not handed to the SDK as an abortSignal: options
   * on a `send` turn off the client's middleware cache (`cacheMiddleware`), which every push
   * would then pay for. A request in flight when the budget runs out is bounded by its own
   * timeouts and attempts (dynamodb-client.ts); no further request starts.
   */
  async save(input: NewRecord): Promise<SaveOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const spent = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(this.budgetSpent()), this.budgetMs);
    });
    try {
      return await Promise.race([this.saveBefore(input, Date.now() + this.budgetMs), spent]);
    } finally {
      clearTimeout(timer);
    }
  }

  private budgetSpent(): StorageUnavailable {
    return new StorageUnavailable(`DynamoDB: the storage budget of ${this.budgetMs} ms is spent`);
  }

  private async saveBefore(input: NewRecord, deadline: Deadline): Promise<SaveOutcome> {
    const versionId = versionIdOf(input.record);
    const version = toAttributeMap({
      [SESSION_ID_ATTRIBUTE]: input.sessionId,
      action: input.action,
      ordering: input.ordering,
      record: input.record,
      receipt: { ...input.receipt, versionId },
      [EXPIRES_AT_ATTRIBUTE]: input.expiresAt,
    });
    const head = await this.putIfAbsent(
      { ...version, ...toAttributeMap(input.indexAttributes ?? {}) },
      currentRecordKey(input.action, input.naturalKey),
      deadline,
    );
    if (head === undefined) return 'stored';
    // Erased (docs/privacy.md): nothing of it is stored again, whatever version comes.
    if (isTombstone(head)) return 'erased';
    if (rankOf(head).versionId === versionId) return 'duplicate';
    return this.saveOtherVersion(input, version, head, deadline);
  }

  /** The rarer path: the record is known, with other content. */
  private async saveOtherVersion(input: NewRecord, version: Item, head: Item, deadline: Deadline) {
    const { action, naturalKey } = input;
    const versionIdOfItem = (item: Item) => rankOf(item).versionId;
    // Kept first, so that it stays retrievable whatever happens next. If it was already
    // kept, the stored copy (with its original receipt) is the one that competes.
    const known = await this.putIfAbsent(
      version,
      versionRecordKey(action, naturalKey, versionIdOfItem(version)),
      deadline,
    );
    const candidate = known ?? version;
    let current = head;
    for (;;) {
      // Made current by a concurrent push of the same content: this push kept it first if `known` is unset.
      if (versionIdOfItem(current) === versionIdOfItem(candidate)) return known ? 'duplicate' : 'stored';
      if (!outranks(rankOf(candidate), rankOf(current))) return known ? 'duplicate' : 'stored-older';
      // The current version must stay retrievable before it is replaced; one that came by this
      // path already is (its version item was written first).
      if (!current[VERSION_KEPT_ATTRIBUTE]?.BOOL) {
        await this.putIfAbsent(
          this.withoutKeys(current),
          versionRecordKey(action, naturalKey, versionIdOfItem(current)),
          deadline,
        );
      }
      const replaced = await this.replaceIfStill(
        {
          ...this.withoutKeys(candidate),
          ...toAttributeMap(input.indexAttributes ?? {}),
          [VERSION_KEPT_ATTRIBUTE]: { BOOL: true },
        },
        currentRecordKey(action, naturalKey),
        input.sessionId,
        versionIdOfItem(current),
        deadline,
      );
      if (replaced === undefined) return known ? 'duplicate' : 'stored';
      // Erased meanwhile: the version item just kept goes with the erasure's second look.
      if (isTombstone(replaced)) return 'erased';
      current = replaced;
    }
  }

  /** Puts `item` under `recordKey` unless one is there; returns the one that is. */
  private async putIfAbsent(item: Item, recordKey: string, deadline: Deadline): Promise<Item | undefined> {
    return this.conditionalPut(
      {
        TableName: this.tableName,
        Item: { ...item, [RECORD_KEY_ATTRIBUTE]: { S: recordKey } },
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': RECORD_KEY_ATTRIBUTE },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
      deadline,
    );
  }

  /** Replaces the current item only if it still holds `seenVersionId`; else returns what it holds. */
  private async replaceIfStill(
    item: Item,
    recordKey: string,
    sessionId: string,
    seenVersionId: string,
    deadline: Deadline,
  ): Promise<Item | undefined> {
    const current = await this.conditionalPut(
      {
        TableName: this.tableName,
        Item: { ...item, [SESSION_ID_ATTRIBUTE]: { S: sessionId }, [RECORD_KEY_ATTRIBUTE]: { S: recordKey } },
        ConditionExpression: '#receipt.#versionId = :seen',
        ExpressionAttributeNames: { '#receipt': 'receipt', '#versionId': 'versionId' },
        ExpressionAttributeValues: { ':seen': { S: seenVersionId } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
      deadline,
    );
    if (current && Object.keys(current).length === 0) throw new Error('PutItem: the current item vanished');
    return current;
  }

  private async conditionalPut(input: PutItemCommandInput, deadline: Deadline): Promise<Item | undefined> {
    if (Date.now() >= deadline) throw this.budgetSpent();
    try {
      await this.client.send(new PutItemCommand(input));
      return undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const found = error.Item ?? {};
        return isOwnEarlierAttempt(error, found, input.Item ?? {}) ? undefined : found;
      }
      throw storageError('PutItem', error);
    }
  }

  /** An item's attributes without its keys and query-index attributes: what a version keeps (its expiry too). */
  private withoutKeys(item: Item): Item {
    const { action, ordering, record, receipt } = item;
    const expiresAt = item[EXPIRES_AT_ATTRIBUTE];
    return {
      [SESSION_ID_ATTRIBUTE]: item[SESSION_ID_ATTRIBUTE] as AttributeValue,
      action,
      ordering,
      record,
      receipt,
      ...(expiresAt && { [EXPIRES_AT_ATTRIBUTE]: expiresAt }),
    } as Item;
  }
}
