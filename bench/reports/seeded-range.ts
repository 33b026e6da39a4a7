import { BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../handler/aws/dynamodb';
import { DAY } from '../../handler/common/utc-buckets';
import { createReportHandler } from '../../handler/functions/reports';
import { recordHash } from '../../handler/query/query-index';
import { currentRecordKey } from '../../handler/records/item-layout';
import { versionIdOf } from '../../handler/records/version-id';
import { contributionOf } from '../../handler/reports/contribution';
import { DynamoDbReportStore } from '../../handler/reports/dynamodb-report-store';
import { reportItemsOf } from '../../handler/reports/rebuild';
import type { StoredContribution } from '../../handler/reports/report-store';
import { ANSWERED_STATUSES, seededRandom, UNANSWERED_STATUSES } from './realistic-day';
import { summaryOf } from './summary-request';

/** Issue 8's size: 90 days x 5,000 sessions a day of the three session-level types, 60 agents, 8 skill groups. */
export interface RangeShape {
  readonly days: number;
  readonly perDay: number;
  readonly runs: number;
}
export const FIRST_DAY = Date.UTC(2026, 7, 1) / 1000; // 2026-08-01T00:00Z
const ACTIONS = ['cdr', 'imcdr', 'videoCdr'] as const;
const AGENTS = 60;
const SKILL_GROUPS = 8;

/** The contributions of the range's sessions, as the consumer would have kept them. */
function* sessions({ days, perDay }: RangeShape): Generator<StoredContribution> {
  const random = seededRandom(8);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  for (let n = 0; n < days * perDay; n++) {
    const end = FIRST_DAY + Math.floor((n / (days * perDay)) * days * DAY);
    const action = ACTIONS[n % ACTIONS.length] as string;
    const answered = random() < 0.8;
    const start = end - 30 - Math.floor(random() * 900);
    const group = Math.floor(random() * SKILL_GROUPS);
    const body = {
      SdkAppId: 1_400_000_001,
      SessionId: `range-${n}`,
      StartTimestamp: start,
      AcceptTimestamp: answered ? start + Math.floor(random() * 120) : 0,
      EndedTimestamp: end,
      EndStatusString: answered ? pick(ANSWERED_STATUSES) : pick(UNANSWERED_STATUSES),
      QueuedSkillGroupId: 2000 + group,
      QueuedSkillGroupName: `group-${group}`,
      ...(answered && { SeatUser: { UserId: `agent${Math.floor(random() * AGENTS)}@example.com` } }),
    };
    const recordKey = currentRecordKey(action, String(body.SdkAppId));
    yield {
      action,
      hash: recordHash(body.SessionId, recordKey),
      sessionId: body.SessionId,
      recordKey,
      versionId: versionIdOf(body),
      contribution: contributionOf(body, end),
    };
  }
}

/** BatchWriteItem, 25 items a request, `concurrency` requests in flight. */
async function batchWrite(client: DynamoDBClient, table: string, items: Iterable<Item>, concurrency = 8) {
  let written = 0;
  const inFlight = new Set<Promise<void>>();
  const write = async (chunk: Item[]) => {
    let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
    written += chunk.length;
  };
  const start = async (chunk: Item[]) => {
    const task = write(chunk).finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  };
  let chunk: Item[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === 25) {
      await start(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await start(chunk);
  await Promise.all(inFlight);
  return written;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export interface RangeQuery {
  readonly name: string;
  readonly medianMs: number;
  readonly maxMs: number;
  readonly sessions: number;
  readonly groups: number;
  /** Whether the issue sets a target (median <= 1 s) for it. */
  readonly targeted: boolean;
}

/**
 * The report table filled in bulk with `reportItemsOf` (rebuild.ts: every day's
 * contributions, then its rollup, as the consumer makes it once the day closed), then the
 * summaries timed through the real report handler: one warm-up, then `runs` timed runs each.
 */
export async function seededRange(client: DynamoDBClient, table: string, shape: RangeShape) {
  const started = performance.now();
  const items = await batchWrite(client, table, reportItemsOf(sessions(shape)));
  const seedSeconds = (performance.now() - started) / 1000;

  const report = createReportHandler({ reports: new DynamoDbReportStore(client, table), deployed: false });
  const to = FIRST_DAY + shape.days * DAY;
  const whole = { from: new Date(FIRST_DAY * 1000).toISOString(), to: new Date(to * 1000).toISOString() };
  const lastWeek = { from: new Date((to - Math.min(7, shape.days) * DAY) * 1000).toISOString(), to: whole.to };
  const queries: Array<[string, Record<string, string>, boolean]> = [
    [`${shape.days} days by day, UTC`, { ...whole, groupBy: 'day' }, true],
    [`${shape.days} days by seat, UTC`, { ...whole, groupBy: 'seat' }, true],
    [`${shape.days} days by day, Asia/Shanghai`, { ...whole, groupBy: 'day', tz: 'Asia/Shanghai' }, false],
    [`${Math.min(7, shape.days)} days by hour, UTC`, { ...lastWeek, groupBy: 'hour' }, true],
  ];
  const figures: RangeQuery[] = [];
  for (const [name, query, targeted] of queries) {
    const first = await summaryOf(report, query);
    const times: number[] = [];
    for (let run = 0; run < shape.runs; run++) times.push((await summaryOf(report, query)).ms);
    figures.push({
      name,
      medianMs: median(times),
      maxMs: Math.max(...times),
      sessions: first.body.totals.sessions,
      groups: first.body.groups.length,
      targeted,
    });
  }
  return { items, seedSeconds, figures };
}
