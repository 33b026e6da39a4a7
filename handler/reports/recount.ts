import type { ContributionChange, ReportStore } from '../store/report-store';
import { dayOf, hourOf, quarterOf } from './buckets';

/**
 * The buckets a batch of changes touched, and their recount: every quarter-hour first
 * (its revision bumped, after its contributions changed), then each hour from its
 * quarters, then each UTC day from its hours. Each bucket once per batch, however many
 * sessions of the batch fell in it.
 */
export class TouchedBuckets {
  private readonly quarters = new Map<string, { action: string; quarter: number }>();

  add(change: ContributionChange): void {
    for (const end of [change.put?.contribution.end, change.remove?.end]) {
      if (end === undefined) continue;
      const quarter = quarterOf(end);
      this.quarters.set(`${change.action}#${quarter}`, { action: change.action, quarter });
    }
  }

  get size(): number {
    return this.quarters.size;
  }

  async recount(store: ReportStore): Promise<void> {
    const touched = [...this.quarters.values()];
    await inTurns(touched, ({ action, quarter }) => store.touchQuarter(action, quarter));
    const unique = <T>(items: T[], key: (item: T) => string) => [
      ...new Map(items.map((item) => [key(item), item])).values(),
    ];
    const hours = unique(
      touched.map(({ action, quarter }) => ({ action, start: hourOf(quarter) })),
      ({ action, start }) => `${action}#${start}`,
    );
    await inTurns(hours, ({ action, start }) => store.recountHour(action, start));
    const days = unique(
      hours.map(({ action, start }) => ({ action, start: dayOf(start) })),
      ({ action, start }) => `${action}#${start}`,
    );
    await inTurns(days, ({ action, start }) => store.recountDay(action, start));
  }
}

/** At most CONCURRENCY buckets at a time: a batch of old records can touch hundreds of hours. */
const CONCURRENCY = 4;
async function inTurns<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}
