import { type DynamoDBClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { batchGet, type Item, send } from '../aws/dynamodb';
import { sessionFacetsOf } from '../push-types/session-facets';
import { RECORD_KEY_ATTRIBUTE, SESSION_ID_ATTRIBUTE } from '../records/item-layout';
import type { StoredRecord } from '../records/record-store';
import { readStoredItem } from '../records/stored-item';
import {
  dayStartSeconds,
  endPartitionKey,
  padSeconds,
  previousDay,
  QUERY_ATTRIBUTE,
  QUERY_INDEX,
  SHARDS,
  seatPartitionKey,
  utcDayOf,
} from './query-index';
import {
  matchesFilter,
  type SessionFilter,
  type SessionPage,
  type SessionQueryStore,
  skillGroupIdOf,
} from './session-query';

/** One index entry: where the record is, and its place in the answer's order. */
interface Candidate {
  readonly sessionId: string;
  readonly recordKey: string;
  readonly sort: string;
}

export interface QueryBudget {
  /** Index queries one page may send: a long, sparse range answers a short page with a cursor. */
  readonly maxQueries: number;
  /** A Lambda reply holds 6 MB: a page stops short of this many bytes of records. */
  readonly maxReplyBytes: number;
}

const DEFAULT_QUERY_BUDGET: QueryBudget = { maxQueries: 240, maxReplyBytes: 4 * 1024 * 1024 };

const BATCH_GET_MAX = 100;
const QUERY_PAGE_MAX = 1000;

/** Reads one index partition newest first, a page at a time. */
class PartitionReader {
  readonly buffer: Candidate[] = [];
  /** Every entry at or above this sort key has been read; null before the first page. */
  readDownTo: string | null = null;
  done = false;
  private startKey: Item | undefined;

  constructor(private readonly input: QueryCommandInput) {}

  async fetch(client: DynamoDBClient, exclude: string | null, wanted: number): Promise<void> {
    // One page at a time, as the merge wants more: not a paginator's loop, which reads on by itself.
    const page = await send('Query', () =>
      client.send(
        new QueryCommand({ ...this.input, ExclusiveStartKey: this.startKey, Limit: Math.min(QUERY_PAGE_MAX, wanted) }),
      ),
    );
    for (const item of page.Items ?? []) {
      const sort = item[QUERY_ATTRIBUTE.sort]?.S ?? '';
      if (sort === exclude) continue;
      this.buffer.push({
        sessionId: item[SESSION_ID_ATTRIBUTE]?.S ?? '',
        recordKey: item[RECORD_KEY_ATTRIBUTE]?.S ?? '',
        sort,
      });
    }
    this.startKey = page.LastEvaluatedKey;
    this.done = page.LastEvaluatedKey === undefined;
    this.readDownTo = page.LastEvaluatedKey?.[QUERY_ATTRIBUTE.sort]?.S ?? '';
  }

  /** Whether entries above `sort` may still be unread here. */
  blocks(sort: string | undefined): boolean {
    if (this.done || this.buffer.length > 0) return false;
    return this.readDownTo === null || sort === undefined || this.readDownTo > sort;
  }
}

/**
 * `GET /sessions` on the record table's sparse indexes (query-index.ts). The partitions a
 * filter touches (every action and shard of a day, day after day; or one agent's per
 * action) are read newest first and merged into one order, the index's sort key. Each
 * entry is then checked against the record's current item (read strongly consistently):
 * an entry the index has not caught up on is skipped, so a page never holds a stale
 * version. The position returned is the last entry looked at, so the next page starts
 * exactly after it: every match appears once across pages.
 */
export class DynamoDbSessionQuery implements SessionQueryStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly budget: QueryBudget = DEFAULT_QUERY_BUDGET,
  ) {}

  async page(filter: SessionFilter, position: string | null, limit: number): Promise<SessionPage> {
    const lower = padSeconds(filter.fromSeconds);
    // Inclusive upper bound of the key condition; an entry equal to a cursor was already answered.
    const upper = position ?? padSeconds(filter.toSeconds);
    const exclude = position;
    const items: StoredRecord[] = [];
    let bytes = 0;
    let queries = 0;
    let last = upper;

    for (const group of this.partitionGroups(filter, upper)) {
      const readers = group.keys.map(
        (key) => new PartitionReader(this.queryInput(group.index, group.attribute, key, lower, upper, filter)),
      );
      for (;;) {
        const wanted = limit - items.length;
        const candidates: Candidate[] = [];
        let exhausted = false;
        while (candidates.length < Math.min(wanted, BATCH_GET_MAX)) {
          const head = readers
            .filter((reader) => reader.buffer.length > 0)
            .reduce<PartitionReader | undefined>(
              (best, reader) =>
                !best || (reader.buffer[0]?.sort ?? '') > (best.buffer[0]?.sort ?? '') ? reader : best,
              undefined,
            );
          const blockers = readers.filter((reader) => reader.blocks(head?.buffer[0]?.sort));
          if (blockers.length > 0) {
            // Over budget, a page ends, but only once it has got somewhere: each page makes progress.
            if (queries + blockers.length > this.budget.maxQueries && (candidates.length > 0 || last !== upper)) break;
            queries += blockers.length;
            await Promise.all(blockers.map((reader) => reader.fetch(this.client, exclude, wanted + 1)));
            continue;
          }
          if (!head) {
            exhausted = true;
            break;
          }
          candidates.push(head.buffer.shift() as Candidate);
        }
        for (const { candidate, stored } of await this.currentItems(candidates, filter)) {
          if (stored) {
            const size = Buffer.byteLength(JSON.stringify(stored));
            if (items.length > 0 && bytes + size > this.budget.maxReplyBytes) return { items, position: last };
            bytes += size;
            items.push(stored);
          }
          last = candidate.sort;
        }
        if (items.length >= limit) return { items, position: last };
        if (exhausted) break;
        if (candidates.length === 0) return { items, position: last };
      }
      // Everything of this group's day (or the whole range, for one agent) has been read.
      last = group.below;
      if (queries >= this.budget.maxQueries) return { items, position: last > lower ? last : null };
    }
    return { items, position: null };
  }

  /** The partitions to read, newest first, each group wholly above the next in the order. */
  private *partitionGroups(filter: SessionFilter, upper: string) {
    if (filter.seat !== undefined) {
      const seat = filter.seat;
      yield {
        index: QUERY_INDEX.bySeat,
        attribute: QUERY_ATTRIBUTE.seatPartition,
        keys: filter.actions.map((action) => seatPartitionKey(action, seat)),
        below: padSeconds(filter.fromSeconds),
      };
      return;
    }
    const upperSeconds = Number(upper.slice(0, 16));
    // A bare second (from `to` or a day's end) excludes itself.
    let day = utcDayOf(upper.includes('#') ? upperSeconds : upperSeconds - 1);
    const firstDay = utcDayOf(filter.fromSeconds);
    for (;;) {
      const keys: string[] = [];
      for (const action of filter.actions) {
        for (let shard = 0; shard < SHARDS; shard++) keys.push(endPartitionKey(action, day, shard));
      }
      yield {
        index: QUERY_INDEX.byEndTime,
        attribute: QUERY_ATTRIBUTE.endPartition,
        keys,
        below: padSeconds(Math.max(dayStartSeconds(day), filter.fromSeconds)),
      };
      if (day <= firstDay) return;
      day = previousDay(day);
    }
  }

  private queryInput(
    index: string,
    attribute: string,
    key: string,
    lower: string,
    upper: string,
    filter: SessionFilter,
  ): QueryCommandInput {
    const names: Record<string, string> = { '#pk': attribute, '#sort': QUERY_ATTRIBUTE.sort };
    const values: Item = { ':pk': { S: key }, ':lower': { S: lower }, ':upper': { S: upper } };
    const conditions: string[] = [];
    if (filter.status !== undefined) {
      names['#status'] = QUERY_ATTRIBUTE.status;
      values[':status'] = { S: filter.status };
      conditions.push('#status = :status');
    }
    if (filter.skillGroup !== undefined) {
      names['#skillName'] = QUERY_ATTRIBUTE.skillName;
      values[':skillName'] = { S: filter.skillGroup };
      const id = skillGroupIdOf(filter.skillGroup);
      if (id !== undefined) {
        names['#skillId'] = QUERY_ATTRIBUTE.skillId;
        values[':skillId'] = { N: String(id) };
        conditions.push('(#skillName = :skillName OR #skillId = :skillId)');
      } else conditions.push('#skillName = :skillName');
    }
    return {
      TableName: this.tableName,
      IndexName: index,
      KeyConditionExpression: '#pk = :pk AND #sort BETWEEN :lower AND :upper',
      ...(conditions.length > 0 && { FilterExpression: conditions.join(' AND ') }),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
    };
  }

  /** The current item behind each candidate, if it still matches and sits where the index says. */
  private async currentItems(candidates: Candidate[], filter: SessionFilter) {
    if (candidates.length === 0) return [];
    const keys: Item[] = candidates.map((candidate) => ({
      [SESSION_ID_ATTRIBUTE]: { S: candidate.sessionId },
      [RECORD_KEY_ATTRIBUTE]: { S: candidate.recordKey },
    }));
    const byKey = new Map<string, Item>();
    for (const item of await batchGet(this.client, this.tableName, keys, { consistent: true })) {
      byKey.set(`${item[SESSION_ID_ATTRIBUTE]?.S}\u0000${item[RECORD_KEY_ATTRIBUTE]?.S}`, item);
    }
    return candidates.map((candidate) => {
      const item = byKey.get(`${candidate.sessionId}\u0000${candidate.recordKey}`);
      return { candidate, stored: item && stillMatching(item, candidate, filter) };
    });
  }
}

/** The record behind an index entry, if the entry is up to date and the record matches. */
function stillMatching(item: Item, candidate: Candidate, filter: SessionFilter): StoredRecord | undefined {
  if (item[QUERY_ATTRIBUTE.sort]?.S !== candidate.sort) return undefined;
  const { action, ordering, record, receipt } = readStoredItem(item);
  const facets = sessionFacetsOf(record);
  const matches = matchesFilter(filter, {
    action,
    endSeconds: ordering,
    seat: facets.seat,
    skillName: facets.skillGroupName,
    skillId: facets.skillGroupId,
    status: facets.status,
  });
  return matches ? { action, record, receipt } : undefined;
}
