import { causeOf } from '../common/errors';
import { logger } from '../common/observability';
import { DAY, dayOf } from '../common/utc-buckets';
import { inTurns } from './in-turns';
import type { ReportStore } from './report-store';
import { rollUpDay } from './rollup';
import type { ContributionChange } from './stream-changes';

/** A UTC day is rolled up once it ended this long ago: TCCC's retries of its last sessions are in. */
export const CLOSE_AFTER_SECONDS = 3_600;
/** How many closed days back a consumer looks for one not rolled up yet (a quiet weekend, say). */
const RECENT_DAYS = 7;

export const isClosed = (dayStart: number, now: number) => dayStart + DAY + CLOSE_AFTER_SECONDS <= now;

/**
 * Rollups are a saving, not a source of truth (a reader falls back to the contributions): a
 * failure is logged, not thrown. Answers whether the try ended (rolled up, or found nothing to do).
 */
async function rollUpQuietly(store: ReportStore, action: string, dayStart: number): Promise<boolean> {
  try {
    await rollUpDay(store, action, dayStart);
    return true;
  } catch (error) {
    logger.warn('rolling up a day failed; summaries count it from its sessions until the next try', {
      action,
      day: new Date(dayStart * 1000).toISOString().slice(0, 10),
      cause: causeOf(error),
    });
    return false;
  }
}

/**
 * The UTC days a batch of changes touched. Each day's revision is bumped once per batch,
 * after its contributions changed (which is what makes its rollup stale, so that summaries
 * count that day from its sessions until it is rolled up again).
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

  get all(): ReadonlyArray<{ action: string; dayStart: number }> {
    return [...this.days.values()];
  }

  async bump(store: ReportStore): Promise<void> {
    await inTurns(this.all, ({ action, dayStart }) => store.bumpDay(action, dayStart));
  }
}

/** A day looked at is looked at again no sooner than this: a backfill touching a closed day in every batch rolls it up once. */
export const RECHECK_SECONDS = 600;
/** Rollups per batch at most: the batch's own work comes first. */
const ROLLUPS_PER_BATCH = 4;

/**
 * Which closed days to roll up: the last RECENT_DAYS closed days of every type (so a day is
 * rolled up by the first batch after it closes, even if no later record touches it) and the
 * closed days batches touched (a late record, a correction, a backfill). Each is looked at
 * (one batched read per type) at most every RECHECK_SECONDS per container, and rolled up when
 * its rollup is missing or older than its revision.
 */
export class RollupSchedule {
  private readonly lastLook = new Map<string, number>();
  private readonly touched = new Map<string, { action: string; dayStart: number }>();

  noteTouched(days: TouchedDays, now: number): void {
    for (const day of days.all) {
      if (isClosed(day.dayStart, now)) this.touched.set(`${day.action}#${day.dayStart}`, day);
    }
  }

  async run(store: ReportStore, actions: readonly string[], now: number): Promise<void> {
    const lastClosed = dayOf(now - DAY - CLOSE_AFTER_SECONDS);
    const candidates = new Map(this.touched);
    for (const action of actions) {
      for (let n = 0; n < RECENT_DAYS; n++) {
        const dayStart = lastClosed - n * DAY;
        candidates.set(`${action}#${dayStart}`, { action, dayStart });
      }
    }
    const due = [...candidates].filter(
      ([key]) => now - (this.lastLook.get(key) ?? Number.NEGATIVE_INFINITY) >= RECHECK_SECONDS,
    );
    let budget = ROLLUPS_PER_BATCH;
    for (const action of new Set(due.map(([, day]) => day.action))) {
      const days = due.filter(([, day]) => day.action === action);
      try {
        const states = await store.dayStates(
          action,
          days.map(([, day]) => day.dayStart),
          false,
        );
        for (const [key, { dayStart }] of days) {
          const state = states.get(dayStart);
          const stale = state !== undefined && state.rollup?.rev !== state.rev;
          if (stale && budget === 0) continue; // the next batch's turn
          this.lastLook.set(key, now);
          if (stale) {
            budget--;
            // A failed rollup keeps its day on the list, looked at again after RECHECK_SECONDS:
            // a day past the recent ones would otherwise wait for its next change.
            if (!(await rollUpQuietly(store, action, dayStart))) continue;
          }
          this.touched.delete(key);
        }
      } catch (error) {
        logger.warn('looking for days to roll up failed; the next batch looks again', { cause: causeOf(error) });
      }
    }
  }
}
