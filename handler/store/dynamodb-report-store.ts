import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { StorageUnavailable } from '../errors';
import { DAY, QUARTER, quarterOf } from '../reports/buckets';
import type { Contribution } from '../reports/contribution';
import { groupContributions, groupsFromJson, mergeGroups } from '../reports/grouping';
import type { Level } from '../reports/segments';
import type { Tally } from '../reports/tally';
import {
  AGGREGATE_DIMENSIONS,
  type AggregateDimension,
  aggregatePartition,
  bucketItem,
  bucketSortKey,
  contributionItem,
  contributionPartition,
  type Item,
  PK,
  REVISION_SK,
  revisionKey,
  SK,
} from './report-layout';
import type { ContributionChange, Group, ReportStore } from './report-store';
import { storageError } from './storage-errors';

/**
 * The report table (report-layout.ts). Why recounting rather than adding deltas: a
 * maximum cannot be taken back when the session that set it moves to another bucket, and
 * an `ADD` applied twice (a redelivered batch) counts twice. So a contribution is put or
 * deleted idempotently, the quarter's revision is bumped after it, and a bucket is counted
 * again from what it holds: its revision is read first, its contents after, and the result
 * is written only over an older revision. Whoever changes a bucket last also counts it
 * last, from everything before it, and no older count can overwrite that one.
 */
export class DynamoDbReportStore implements ReportStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async applyChange(change: ContributionChange): Promise<void> {
    const { action, hash, put, remove } = change;
    if (put) {
      const quarter = quarterOf(put.contribution.end);
      await this.send('PutItem', () =>
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: contributionItem(action, quarter, hash, put.contribution, put.versionId),
          }),
        ),
      );
    }
    if (remove && !(put && quarterOf(put.contribution.end) === quarterOf(remove.end))) {
      // Only the version that left: a replayed old change must not delete a newer one.
      await this.conditional('DeleteItem', () =>
        this.client.send(
          new DeleteItemCommand({
            TableName: this.tableName,
            Key: { [PK]: { S: contributionPartition(action, quarterOf(remove.end)) }, [SK]: { S: hash } },
            ConditionExpression: 'v = :v',
            ExpressionAttributeValues: { ':v': { S: remove.versionId } },
          }),
        ),
      );
    }
  }

  async touchQuarter(action: string, quarterStart: number): Promise<void> {
    await this.send('UpdateItem', () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: revisionKey(action, quarterStart),
          UpdateExpression: 'ADD rev :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
        }),
      ),
    );
  }

  async recountHour(action: string, hourStart: number): Promise<void> {
    const quarters = [0, 1, 2, 3].map((n) => hourStart + n * QUARTER);
    // Revisions first, contents after: a count is never labelled newer than what it read.
    const revisions = await this.quarterRevisions(action, quarters);
    const contents = await Promise.all(quarters.map((quarter) => this.contributions(action, quarter, true)));
    const writes: Array<Promise<void>> = [];
    quarters.forEach((quarter, n) => {
      const revision = revisions[n] ?? 0;
      if (revision > 0) {
        writes.push(
          this.putBucket(action, 'all', 'Q', quarter, revision, groupContributions(contents[n] ?? [], 'all')),
        );
      }
    });
    const hourRevision = revisions.reduce((sum, revision) => sum + revision, 0);
    if (hourRevision > 0) {
      const all = contents.flat();
      for (const dimension of AGGREGATE_DIMENSIONS) {
        writes.push(
          this.putBucket(action, dimension, 'H', hourStart, hourRevision, groupContributions(all, dimension)),
        );
      }
    }
    await Promise.all(writes);
  }

  async recountDay(action: string, dayStart: number): Promise<void> {
    await Promise.all(
      AGGREGATE_DIMENSIONS.map(async (dimension) => {
        const hours = await this.bucketItems(action, dimension, 'H', dayStart, dayStart + DAY, true);
        const revision = hours.reduce((sum, item) => sum + Number(item.rev?.N ?? 0), 0);
        if (revision === 0) return;
        const merged = new Map<string | null, Tally>();
        for (const item of hours) mergeGroups(merged, groupsFromJson(item.g?.S ?? '[]'));
        await this.putBucket(action, dimension, 'D', dayStart, revision, [...merged]);
      }),
    );
  }

  async buckets(
    action: string,
    dimension: AggregateDimension,
    level: Level,
    from: number,
    to: number,
  ): Promise<Map<number, Group[]>> {
    const items = await this.bucketItems(action, dimension, level, from, to, false);
    return new Map(items.map((item) => [Number(item[SK]?.S), groupsFromJson(item.g?.S ?? '[]')]));
  }

  async contributions(action: string, quarterStart: number, consistent = false): Promise<Contribution[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': { S: contributionPartition(action, quarterStart) } },
      ConsistentRead: consistent,
    });
    return items.filter((item) => item[SK]?.S !== REVISION_SK).map((item) => JSON.parse(item.c?.S ?? '{}'));
  }

  /** Bucket items of one level with start in [from, to): a query per partition (day, month or year) spanned. */
  private async bucketItems(
    action: string,
    dimension: AggregateDimension,
    level: Level,
    from: number,
    to: number,
    consistent: boolean,
  ): Promise<Item[]> {
    const partitions = new Map<string, { low: number; high: number }>();
    const step = level === 'Q' ? DAY : level === 'H' ? 28 * DAY : 365 * DAY;
    // One look per partition the range spans (a step shorter than any partition misses none).
    for (let t = from; t < to + step; t += step) {
      const at = Math.min(t, to - 1);
      const partition = aggregatePartition(action, dimension, level, at);
      if (!partitions.has(partition)) partitions.set(partition, { low: from, high: to - 1 });
    }
    const pages = await Promise.all(
      [...partitions].map(([partition, { low, high }]) =>
        this.queryAll({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: {
            ':pk': { S: partition },
            ':low': { S: bucketSortKey(low) },
            ':high': { S: bucketSortKey(high) },
          },
          ConsistentRead: consistent,
        }),
      ),
    );
    return pages.flat();
  }

  private async quarterRevisions(action: string, quarters: number[]): Promise<number[]> {
    const keys = quarters.map((quarter) => revisionKey(action, quarter));
    const found = new Map<string, number>();
    let pending: Item[] = keys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 5) throw new StorageUnavailable('DynamoDB BatchGetItem: keys still unprocessed after 6 attempts');
      const output = await this.send('BatchGetItem', () =>
        this.client.send(
          new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
        ),
      );
      for (const item of output.Responses?.[this.tableName] ?? [])
        found.set(item[PK]?.S ?? '', Number(item.rev?.N ?? 0));
      pending = output.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return quarters.map((quarter) => found.get(contributionPartition(action, quarter)) ?? 0);
  }

  /** Writes a bucket's count unless one of the same or a later revision is there. */
  private async putBucket(
    action: string,
    dimension: AggregateDimension,
    level: Level,
    start: number,
    revision: number,
    groups: Group[],
  ): Promise<void> {
    await this.conditional('PutItem', () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: bucketItem(action, dimension, level, start, revision, groups),
          ConditionExpression: 'attribute_not_exists(rev) OR rev < :rev',
          ExpressionAttributeValues: { ':rev': { N: String(revision) } },
        }),
      ),
    );
  }

  private async queryAll(input: QueryCommandInput): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page: QueryCommandOutput = await this.send('Query', () =>
        this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey })),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  private async send<T>(operation: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw storageError(operation, error);
    }
  }

  /** A write whose condition may fail: then a newer state is already there, and that is fine. */
  private async conditional(operation: string, request: () => Promise<unknown>): Promise<void> {
    try {
      await request();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw storageError(operation, error);
    }
  }
}
