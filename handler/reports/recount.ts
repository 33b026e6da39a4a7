import { DAY, dayOf } from '../common/utc-buckets';
import type { CurrentRecord } from '../query/dynamodb-current-records';
import { recordHash } from '../query/query-index';
import type { CurrentVersions } from './apply-change';
import { contributionOf } from './contribution';
import type { ReportStore, StoredContribution } from './report-store';
import { rollUpDay } from './rollup';
import { isClosed } from './touched-days';

/** The current records of one type ending in [from, to), within one UTC day. */
export interface CurrentRecordSource {
  ofDay(action: string, from: number, to: number): Promise<CurrentRecord[]>;
}

export interface RecountDependencies {
  readonly reports: ReportStore;
  readonly records: CurrentRecordSource;
  readonly versions: CurrentVersions;
  readonly now: () => number;
}

export interface RecountTotals {
  days: number;
  records: number;
  written: number;
  removed: number;
  rolledUp: number;
}

const contributionFrom = (record: CurrentRecord): StoredContribution => ({
  action: record.action,
  hash: recordHash(record.sessionId, record.recordKey),
  sessionId: record.sessionId,
  recordKey: record.recordKey,
  versionId: record.versionId,
  contribution: contributionOf(record.record, record.ordering),
});

const same = (a: StoredContribution, b: StoredContribution) =>
  a.versionId === b.versionId && JSON.stringify(a.contribution) === JSON.stringify(b.contribution);

/**
 * Rebuilds the aggregates of [from, to) of one type from the stored records, day by day:
 * every current record's contribution is written where it is missing or differs, every
 * contribution no current record accounts for is removed, the day's revision is bumped and a
 * closed day rolled up again. Idempotent, and safe while pushes arrive: a contribution is
 * removed only if its record's current version is not the one it holds (and only that
 * version's), and after writing one the record's version is read again, so a version the
 * stream consumer put meanwhile is never overwritten, and a version replaced meanwhile is not left standing.
 */
export async function recount(
  deps: RecountDependencies,
  action: string,
  from: number,
  to: number,
): Promise<RecountTotals> {
  const totals: RecountTotals = { days: 0, records: 0, written: 0, removed: 0, rolledUp: 0 };
  for (let day = dayOf(from); day < to; day += DAY) {
    const start = Math.max(from, day);
    const end = Math.min(to, day + DAY);
    const records = await deps.records.ofDay(action, start, end);
    const stored = await deps.reports.contributions(action, start, end, true);
    const storedBySlot = new Map(stored.map((entry) => [`${entry.contribution.end}#${entry.hash}`, entry]));
    const wanted = new Set<string>();
    for (const record of records) {
      const entry = contributionFrom(record);
      const slot = `${entry.contribution.end}#${entry.hash}`;
      wanted.add(slot);
      const existing = storedBySlot.get(slot);
      if (existing && same(existing, entry)) continue;
      // Only over what was read: a contribution the stream consumer wrote since is newer than this read.
      if (!(await deps.reports.putContribution(entry, existing?.versionId ?? null))) continue;
      totals.written++;
      if ((await deps.versions.currentVersion(record.sessionId, record.recordKey)) !== record.versionId) {
        // Replaced while recounted: the stream brings the newer version in; make sure this one is not left standing.
        await deps.reports.removeContribution(action, entry.hash, entry.contribution.end, entry.versionId);
      }
    }
    for (const entry of stored) {
      if (wanted.has(`${entry.contribution.end}#${entry.hash}`)) continue;
      const current = await deps.versions.currentVersion(entry.sessionId, entry.recordKey);
      // A record the index had not shown yet (just pushed) keeps its contribution.
      if (current === entry.versionId) continue;
      await deps.reports.removeContribution(action, entry.hash, entry.contribution.end, entry.versionId);
      totals.removed++;
    }
    if (records.length > 0 || stored.length > 0) {
      await deps.reports.bumpDay(action, day);
      if (isClosed(day, deps.now()) && (await rollUpDay(deps.reports, action, day))) totals.rolledUp++;
    }
    totals.days++;
    totals.records += records.length;
  }
  return totals;
}
