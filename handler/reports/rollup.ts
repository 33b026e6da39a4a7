import { randomBytes } from 'node:crypto';
import { DAY, quarterOf } from '../common/utc-buckets';
import type { Contribution } from './contribution';
import { type Groups, groupContributions } from './grouping';
import type { ReportStore } from './report-store';
import { chunksOf, rowsOf } from './rollup-rows';
import { VIEWS, type View } from './views';

/** The key of a contribution in each view of a rollup. */
export const VIEW_KEYS: Readonly<Record<View, (contribution: Contribution) => string | null>> = {
  quarter: (contribution) => String(quarterOf(contribution.end)),
  seat: (contribution) => contribution.seat,
  skillGroup: (contribution) => contribution.skillGroup,
  status: (contribution) => contribution.status,
};

/** A day's views, each as chunks of rows. */
export function rollupViewsOf(contributions: readonly Contribution[]): Map<View, string[]> {
  return new Map(
    VIEWS.map((view): [View, string[]] => {
      const groups: Groups = groupContributions(contributions, VIEW_KEYS[view]);
      return [view, chunksOf(rowsOf(groups))];
    }),
  );
}

/**
 * Rolls up a UTC day of one push type if its rollup is missing or older than its revision:
 * the revision is read first and the contributions after (both strongly consistent), so a
 * rollup never claims a revision newer than what it counted; it is written under a new
 * token and made the day's only if the day is still at that revision; the one it replaces
 * is deleted after. Answers whether it made one.
 */
export async function rollUpDay(store: ReportStore, action: string, dayStart: number): Promise<boolean> {
  const state = (await store.dayStates(action, [dayStart], true)).get(dayStart);
  if (!state || state.rollup?.rev === state.rev) return false;
  const contributions = await store.contributions(action, dayStart, dayStart + DAY, true);
  const views = rollupViewsOf(contributions.map((entry) => entry.contribution));
  const token = randomBytes(6).toString('hex');
  await store.writeRollup(action, dayStart, token, views);
  const chunks = Object.fromEntries([...views].map(([view, list]) => [view, list.length])) as Record<View, number>;
  const replaced = await store.pointRollup(action, dayStart, { rev: state.rev, token, chunks });
  if (replaced === false) {
    // The day changed meanwhile, or another rollup got there first: this one is never read.
    await store.deleteRollup(action, dayStart, token);
    return false;
  }
  if (replaced !== null) await store.deleteRollup(action, dayStart, replaced);
  return true;
}
