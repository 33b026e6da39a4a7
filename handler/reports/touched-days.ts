import { logger } from '../observability';
import { causeOf } from '../errors';
import { DAY, dayOf } from './buckets';
import { inTurns } from './in-turns';
import type { ReportStore } from './report-store';
import { rollUpDay } from './rollup';
import type { ContributionChange } from './stream-changes';

/** A UTC day is rolled up once it ended this long ago: TCCC's retries of its last sessions are in. */
export const CLOSE_AFTER_SECONDS = 3_600;
/** How many closed days back a consumer looks for one not rolled up yet (a quiet weekend, say). */
const RECENT_DAYS = 7;

export const isClosed = (dayStart: number, now: number) => dayStart + DAY + CLOSE_AFTER_SECONDS <= now;

/** Rollups are a saving, not a source of truth (a reader falls back to the contributions): a failure is logged, not thrown. */
async function rollUpQuietly(store: ReportStore, action: string, dayStart: number): Promise<void> {
  try {
    await rollUpDay(store, action, dayStart);
  } catch (error) {
    logger.warn('rolling up a day failed; summaries count it from its sessions until the next try', {
      action,
      day: new Date(dayStart * 1000).toISOString().slice(0, 10),
      cause: causeOf(error),
    });
  }
}

/**
 * The UTC days a batch of changes touched. Each day's revision is bumped once per batch,
 * after its contributions changed (which is what makes its rollup stale); a touched day
 * that is already closed (a late record, a correction, a backfill) is rolled up again.
 */
export class TouchedDays {
  private readonly days = new Map<string, { action: string; dayStart: number }>();

  add(change: ContributionChange): void {
    for (const end of [change.put?.contribution.end, change.remove?.end]) {
      if (end === undefined) continue;
      const dayStart = dayOf(end);
      this.days.set(`${change.action}#${dayStart}`, { action: change.action, dayStart });
    }
  }

  get size(): number {
    return this.days.size;
  }

  async settle(store: ReportStore, now: number): Promise<void> {
    const touched = [...this.days.values()];
    await inTurns(touched, ({ action, dayStart }) => store.bumpDay(action, dayStart));
    const closed = touched.filter(({ dayStart }) => isClosed(dayStart, now));
    await inTurns(closed, ({ action, dayStart }) => rollUpQuietly(store, action, dayStart));
  }
}

/**
 * The days that closed since a container last looked: rolled up once, by whichever batch
 * comes first after they close (one read per container and day; none when nothing is due).
 */
export class RecentDays {
  private readonly settled = new Set<string>();

  async rollUp(store: ReportStore, actions: readonly string[], now: number): Promise<void> {
    const lastClosed = dayOf(now - DAY - CLOSE_AFTER_SECONDS);
    const days = Array.from({ length: RECENT_DAYS }, (_, n) => lastClosed - n * DAY);
    for (const action of actions) {
      const due = days.filter((day) => !this.settled.has(`${action}#${day}`));
      if (due.length === 0) continue;
      try {
        const states = await store.dayStates(action, due, false);
        for (const day of due) {
          const state = states.get(day);
          if (state && state.rollup?.rev !== state.rev) await rollUpQuietly(store, action, day);
          this.settled.add(`${action}#${day}`);
        }
      } catch (error) {
        logger.warn('looking for days to roll up failed; the next batch looks again', { cause: causeOf(error) });
      }
    }
  }
}
