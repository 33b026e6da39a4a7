import {
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  ReturnValue,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { batchGet, batchWrite, type Item, queryAll, send, sendConditional } from '../aws/dynamodb';
import { DAY } from '../common/utc-buckets';
import type { Contribution } from './contribution';
import {
  contributionItem,
  contributionPartition,
  contributionSortKey,
  contributionSortRange,
  DAY_STATE_SK,
  dayStartOf,
  dayStateKey,
  PK,
  rollupItems,
  rollupPartition,
  rollupPointer,
  rollupSortKey,
  SK,
} from './report-layout';
import type { DayState, ReportStore, Rollup, StoredContribution } from './report-store';
import { VIEWS, type View } from './views';

const numberOf = (value: Item[string] | undefined): number => Number(value?.N ?? 0);

function dayStateOf(item: Item): DayState {
  const rev = numberOf(item.rev);
  const token = item.token?.S;
  if (token === undefined) return { rev };
  const counts = (item.chunks?.M ?? {}) as Item;
  const chunks = Object.fromEntries(VIEWS.map((view) => [view, numberOf(counts[view])])) as Record<View, number>;
  return { rev, rollup: { rev: numberOf(item.rolled), token, chunks } };
}

/** The report table (report-layout.ts) on DynamoDB. */
export class DynamoDbReportStore implements ReportStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async putContribution(entry: StoredContribution, replacing?: string | null) {
    const condition =
      replacing === undefined
        ? {}
        : replacing === null
          ? { ConditionExpression: 'attribute_not_exists(v)' }
          : { ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': { S: replacing } } };
    return sendConditional('PutItem', () =>
      this.client.send(new PutItemCommand({ TableName: this.tableName, Item: contributionItem(entry), ...condition })),
    );
  }

  async removeContribution(action: string, hash: string, end: number, versionId: string) {
    await sendConditional('DeleteItem', () =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: {
            [PK]: { S: contributionPartition(action, dayStartOf(end)) },
            [SK]: { S: contributionSortKey(end, hash) },
          },
          ConditionExpression: 'v = :v',
          ExpressionAttributeValues: { ':v': { S: versionId } },
        }),
      ),
    );
  }

  async bumpDay(action: string, dayStart: number) {
    await send('UpdateItem', () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: dayStateKey(action, dayStart),
          UpdateExpression: 'ADD rev :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
        }),
      ),
    );
  }

  async dayStates(action: string, dayStarts: readonly number[], consistent: boolean) {
    const items = await batchGet(
      this.client,
      this.tableName,
      dayStarts.map((day) => dayStateKey(action, day)),
      { consistent },
    );
    const prefix = contributionPartition(action, 0).slice(0, -1);
    return new Map(items.map((item) => [Number(item[PK]?.S?.slice(prefix.length)), dayStateOf(item)]));
  }

  async contributions(action: string, from: number, to: number, consistent: boolean) {
    const dayStart = dayStartOf(from);
    if (to > dayStart + DAY) throw new RangeError('contributions: the range must lie within one UTC day');
    const { low, high } = contributionSortRange(from, to);
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: {
        ':pk': { S: contributionPartition(action, dayStart) },
        ':low': { S: low },
        ':high': { S: high },
      },
      ConsistentRead: consistent,
    });
    return items
      .filter((item) => item[SK]?.S !== DAY_STATE_SK)
      .map(
        (item): StoredContribution => ({
          action,
          hash: (item[SK]?.S ?? '').split('#')[1] ?? '',
          sessionId: item.s?.S ?? '',
          recordKey: item.k?.S ?? '',
          versionId: item.v?.S ?? '',
          contribution: JSON.parse(item.c?.S ?? '{}') as Contribution,
        }),
      );
  }

  async writeRollup(action: string, dayStart: number, token: string, views: ReadonlyMap<View, string[]>) {
    const puts = rollupItems(action, dayStart, token, views).map((Item) => ({ PutRequest: { Item } }));
    await batchWrite(this.client, this.tableName, puts);
  }

  async pointRollup(action: string, dayStart: number, rollup: Rollup) {
    const { rolled, token, chunks } = rollupPointer(rollup);
    let replaced: string | null = null;
    const made = await sendConditional('UpdateItem', async () => {
      const output = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: dayStateKey(action, dayStart),
          UpdateExpression: 'SET rolled = :rev, #token = :token, chunks = :chunks',
          ConditionExpression: 'rev = :rev AND (attribute_not_exists(rolled) OR rolled < :rev)',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: {
            ':rev': rolled as Item[string],
            ':token': token as Item[string],
            ':chunks': chunks as Item[string],
          },
          ReturnValues: ReturnValue.UPDATED_OLD,
        }),
      );
      replaced = output.Attributes?.token?.S ?? null;
    });
    return made ? replaced : false;
  }

  async deleteRollup(action: string, dayStart: number, token: string) {
    const pk = rollupPartition(action, dayStart, token);
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': { S: pk } },
      ProjectionExpression: '#pk, #sk',
    });
    await batchWrite(
      this.client,
      this.tableName,
      items.map((item) => ({
        DeleteRequest: { Key: { [PK]: item[PK] as Item[string], [SK]: item[SK] as Item[string] } },
      })),
    );
  }

  async rollupChunksOf(
    action: string,
    view: View,
    days: ReadonlyArray<{ readonly dayStart: number; readonly rollup: Rollup }>,
  ) {
    const keys = days.flatMap(({ dayStart, rollup }) =>
      Array.from({ length: rollup.chunks[view] }, (_, chunk) => ({
        [PK]: { S: rollupPartition(action, dayStart, rollup.token) },
        [SK]: { S: rollupSortKey(view, chunk) },
      })),
    );
    const dayOf = new Map(
      days.map(({ dayStart, rollup }) => [rollupPartition(action, dayStart, rollup.token), dayStart]),
    );
    const found = new Map<number, Array<[string, string]>>();
    for (const item of await batchGet(this.client, this.tableName, keys)) {
      const dayStart = dayOf.get(item[PK]?.S ?? '');
      if (dayStart === undefined) continue;
      found.set(dayStart, [...(found.get(dayStart) ?? []), [item[SK]?.S ?? '', item.r?.S ?? '[]']]);
    }
    // BatchGetItem answers in any order: each day's chunks back in theirs.
    return new Map(
      [...found].map(([dayStart, chunks]) => [
        dayStart,
        chunks.sort(([a], [b]) => (a < b ? -1 : 1)).map(([, rows]) => rows),
      ]),
    );
  }

  async rollupChunks(action: string, dayStart: number, token: string, view: View) {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :view)',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': { S: rollupPartition(action, dayStart, token) }, ':view': { S: `${view}#` } },
    });
    return items.map((item) => item.r?.S ?? '[]');
  }
}
