import { DAY, dayOf } from '../common/utc-buckets';
import { type RecountDependencies, recount } from '../reports/recount';
import type { ErasedRecord } from './erasure';

/**
 * The erased sessions leave the reports' figures at once (docs/privacy.md, Reports): each day
 * of a type they ended on is recounted, rollups included, so that no rollup keeps them or the
 * erased agent's id. The tombstones would take the contributions out through the stream too;
 * the recount does it before the command returns. Answers how many days were recounted.
 */
export async function recountErasedDays(deps: RecountDependencies, erased: readonly ErasedRecord[]): Promise<number> {
  const days = new Map<string, { action: string; start: number }>();
  for (const { action, ordering } of erased) {
    const start = dayOf(ordering);
    days.set(`${action} ${start}`, { action, start });
  }
  for (const { action, start } of days.values()) await recount(deps, action, start, start + DAY);
  return days.size;
}
