import { QueryCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { createAggregateHandler } from '../../handler/functions/aggregate';
import { createPushHandler } from '../../handler/functions/push';
import { createReportHandler } from '../../handler/functions/reports';
import { DynamoDbCurrentVersions } from '../../handler/records/dynamodb-current-versions';
import { DynamoDbQuarantineStore } from '../../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import type { Contribution } from '../../handler/reports/contribution';
import { reportKeyOf } from '../../handler/reports/dimension-key';
import { DynamoDbReportStore } from '../../handler/reports/dynamodb-report-store';
import { groupContributions } from '../../handler/reports/grouping';
import { MAX_REPORT_ITEM_BYTES, rollupItems } from '../../handler/reports/report-layout';
import { rollupViewsOf, VIEW_KEYS } from '../../handler/reports/rollup';
import { addChunks } from '../../handler/reports/rollup-rows';
import { VIEWS } from '../../handler/reports/views';
import { StreamPoller } from '../../scripts/stream-poller';
import type { Push } from '../support/contact-centre';
import { httpApiEvent, pushEvent, sampleOf } from '../support/events';
import { itemBytes } from '../support/item-size';
import { expectedSummary } from './oracle';

/**
 * Item 1 of the reports' design: no report item grows with what is pushed. Hostile values
 * (60 KB strings, control and bidi characters, any code point) go through the real push
 * handler and the real stream consumer on DynamoDB Local; every item the consumer writes stays
 * under MAX_REPORT_ITEM_BYTES, and the figures still equal an independent count. A day of
 * 10,000 agents in one hour and 1,000 statuses is rolled up and stored the same way.
 */
const client = createDynamoDbClient();
const recordTable = process.env.BOUNDED_CDR_TABLE_NAME as string;
const reportTable = process.env.BOUNDED_REPORT_TABLE_NAME as string;
const reports = new DynamoDbReportStore(client, reportTable);
const push = createPushHandler({
  store: new DynamoDbRecordStore(client, recordTable),
  quarantine: new DynamoDbQuarantineStore(client, process.env.QUARANTINE_TABLE_NAME as string),
});
const FIRST_DAY = Date.UTC(2036, 0, 1) / 1000;
// Each run of the first property takes the next day; shrinking a failure runs it hundreds of
// times, so the consumer's clock and the second property's days start far beyond: a shrunk
// counterexample is then the failure itself, never a day that has not closed yet.
const RUN_DAYS = 5_000;
let clock = FIRST_DAY + RUN_DAYS * 86_400;
const consumer = createAggregateHandler({
  reports,
  versions: new DynamoDbCurrentVersions(client, recordTable),
  now: () => (clock += 600),
});
const poller = new StreamPoller(client, recordTable, consumer, 100);
const report = createReportHandler({ reports });

const CONTROL_AND_BIDI = ['\u0000', '\u0007', '\u001b[2J', '\u202e', '\u2066', '\u200f', '\r\n', '\u0085', '"', '\\'];
const hostile = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: Math.min(maxLength, 300) }),
    fc
      .array(fc.constantFrom(...CONTROL_AND_BIDI), { maxLength: Math.min(maxLength, 60) })
      .map((parts) => parts.join('')),
    fc
      .tuple(fc.constantFrom('x', 'é', '\u{1F600}', '\u0000', '\u202e'), fc.integer({ min: 1, max: maxLength }))
      .map(([unit, length]) => unit.repeat(Math.max(1, Math.floor(length / unit.length)))),
  );

async function reportItemsOfDay(day: number) {
  const items = [];
  for (const pk of [`C#cdr#${day}`]) {
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: reportTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
      }),
    );
    items.push(...Items);
  }
  const state = (await reports.dayStates('cdr', [day], true)).get(day);
  if (state?.rollup) {
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: reportTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `U#cdr#${day}#${state.rollup.token}` } },
      }),
    );
    items.push(...Items);
  }
  return { items, state };
}

describe('every report item is bounded, whatever is pushed', () => {
  let run = 0;
  let acceptedLong = 0;
  it('holds for hostile agents, skill groups and statuses through the push handler and the stream consumer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            huge: fc.constantFrom('seat', 'skillGroup'),
            seat: hostile(60_000),
            skillGroup: hostile(60_000),
            status: hostile(64).filter((status) => status.length > 0 && status.length <= 64),
            wait: fc.integer({ min: 0, max: 5_000 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (sessions) => {
          const day = FIRST_DAY + run++ * 86_400;
          const accepted: Push[] = [];
          for (const [n, session] of sessions.entries()) {
            // One 60 KB value a push: two would pass the 128 KiB body limit and be refused.
            const cut = (value: string, dimension: string) =>
              session.huge === dimension ? value : value.slice(0, 2_000);
            const body = sampleOf('cdr', {
              SessionId: `bounded-${day}-${n}`,
              StartTimestamp: day + 100 * n,
              AcceptTimestamp: day + 100 * n + session.wait,
              EndedTimestamp: day + 100 * n + session.wait + 60,
              EndStatusString: session.status,
              QueuedSkillGroupName: cut(session.skillGroup, 'skillGroup'),
              SeatUser: { UserId: cut(session.seat, 'seat') },
            }) as Push['body'];
            const reply = JSON.parse((await push(pushEvent(body, { query: { action: 'cdr', version: '1' } }))).body);
            if (reply.ErrCode === 0) accepted.push({ action: 'cdr', query: {}, body });
            if (reply.ErrCode === 0 && JSON.stringify(body).length > 20_000) acceptedLong++;
          }
          await poller.pollOnce();
          await poller.pollOnce();
          const { items, state } = await reportItemsOfDay(day);
          if (accepted.length > 0) expect(state?.rollup?.rev).toBe(state?.rev);
          for (const item of items) expect(itemBytes(item)).toBeLessThanOrEqual(MAX_REPORT_ITEM_BYTES);
          for (const groupBy of ['seat', 'skillGroup', 'status', 'hour']) {
            const query = { from: String(day), to: String(day + 86_400), groupBy, action: 'cdr' };
            const reply = await report(httpApiEvent({ method: 'GET', path: '/reports/summary', query, headers: {} }));
            expect(JSON.parse(reply.body)).toEqual(
              expectedSummary(accepted, { from: day, to: day + 86_400, groupBy, tz: 'UTC', actions: ['cdr'] }),
            );
          }
        },
      ),
      { numRuns: 12 },
    );
    // The runs did push values far longer than a report key.
    expect(acceptedLong).toBeGreaterThan(0);
  }, 300_000);

  it('holds for 10,000 agents in one hour and 1,000 statuses: more items, none bigger', async () => {
    await fc.assert(
      fc.asyncProperty(hostile(400), fc.integer({ min: 0, max: 3_599 }), async (prefix, second) => {
        const day = FIRST_DAY + (RUN_DAYS + 10 + run++) * 86_400;
        const contributions: Contribution[] = Array.from({ length: 10_000 }, (_, n) => ({
          end: day + 3_600 + ((second + n) % 3_600),
          seat: reportKeyOf(`${prefix}${n}`),
          skillGroup: reportKeyOf(`${prefix}group-${n % 500}`),
          status: reportKeyOf(`${prefix.slice(0, 40)}${n % 1_000}`),
          answered: n % 3 !== 0,
          wait: n % 3 !== 0 ? n % 700 : null,
          handle: n % 3 !== 0 ? n % 900 : null,
        }));
        const views = rollupViewsOf(contributions);
        const items = rollupItems('cdr', day, 'prop', views);
        expect(items.length).toBeGreaterThan(VIEWS.length);
        for (const item of items) expect(itemBytes(item)).toBeLessThanOrEqual(MAX_REPORT_ITEM_BYTES);
        // Stored and read back, each view holds exactly the groups of the sessions.
        await reports.writeRollup('cdr', day, 'prop', views);
        for (const view of VIEWS) {
          const groups = new Map();
          addChunks(groups, await reports.rollupChunks('cdr', day, 'prop', view));
          expect(groups).toEqual(groupContributions(contributions, VIEW_KEYS[view]));
        }
        await reports.deleteRollup('cdr', day, 'prop');
      }),
      { numRuns: 3 },
    );
  }, 300_000);
});
