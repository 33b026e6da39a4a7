import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { DAY } from '../../handler/common/utc-buckets';
import type { Contribution } from '../../handler/reports/contribution';
import { DynamoDbReportStore } from '../../handler/reports/dynamodb-report-store';
import type { ReportStore } from '../../handler/reports/report-store';
import type { ContributionChange } from '../../handler/reports/stream-changes';
import { RECHECK_SECONDS, RollupSchedule, TouchedDays } from '../../handler/reports/touched-days';

/**
 * The consumer's rollup schedule on DynamoDB Local: a day a late record touched, long past
 * the recent days the consumer looks at anyway, is rolled up even when its first rollup fails.
 */
const reports = new DynamoDbReportStore(createDynamoDbClient(), process.env.REPORT_TABLE_NAME as string);
// 2041-03-01: a range no other test file writes; "now" is a month after it.
const DAY_START = Date.UTC(2041, 2, 1) / 1000;
const NOW = DAY_START + 30 * DAY;

const contribution: Contribution = {
  end: DAY_START + 3_600,
  seat: 'seat-1',
  skillGroup: 'group-1',
  status: 'ok',
  answered: true,
  wait: 5,
  handle: 60,
};
const change: ContributionChange = {
  action: 'cdr',
  sessionId: 'schedule-late-1',
  recordKey: 'R#cdr',
  hash: 'schedule-late-1-hash',
  put: { contribution, versionId: 'v1' },
};

/** The report store, whose first `failures` rollup writes fail as a throttled request would. */
function failingFirst(failures: number): ReportStore & { attempts: number } {
  const store = Object.assign(Object.create(reports), { attempts: 0 });
  store.writeRollup = async (...args: Parameters<ReportStore['writeRollup']>) => {
    store.attempts++;
    if (store.attempts <= failures) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    return reports.writeRollup(...args);
  };
  return store;
}

const stateOfDay = async () => (await reports.dayStates('cdr', [DAY_START], true)).get(DAY_START);

it('looks again at a touched day whose rollup failed, after RECHECK_SECONDS, until it is rolled up', async () => {
  await reports.putContribution({
    action: 'cdr',
    hash: change.hash,
    sessionId: change.sessionId,
    recordKey: change.recordKey,
    versionId: 'v1',
    contribution,
  });
  await reports.bumpDay('cdr', DAY_START);
  const touched = new TouchedDays();
  touched.add(change);
  const schedule = new RollupSchedule();
  const store = failingFirst(1);

  schedule.noteTouched(touched, NOW);
  await schedule.run(store, ['cdr'], NOW);
  expect(store.attempts).toBe(1);
  expect((await stateOfDay())?.rollup).toBeUndefined();

  // A batch soon after does not hammer a failing table.
  await schedule.run(store, ['cdr'], NOW + 60);
  expect(store.attempts).toBe(1);

  // Later, with no new record for that day, it is rolled up.
  await schedule.run(store, ['cdr'], NOW + RECHECK_SECONDS);
  expect(store.attempts).toBe(2);
  const state = await stateOfDay();
  expect(state?.rollup?.rev).toBe(state?.rev);

  // And then left alone.
  await schedule.run(store, ['cdr'], NOW + 2 * RECHECK_SECONDS);
  expect(store.attempts).toBe(2);
});
