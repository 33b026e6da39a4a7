import { Refusal } from '../common/errors';
import { DAY, dayOf, QUARTER } from '../common/utc-buckets';
import type { Contribution } from './contribution';
import { type Groups, groupContributions, mergeGroups } from './grouping';
import { inTurns } from './in-turns';
import type { GroupBy, Summary, SummaryRequest } from './summary-types';

export type { GroupBy, Summary, SummaryRequest };

import type { DayState, ReportStore } from './report-store';
import { VIEW_KEYS } from './rollup';
import { addChunks } from './rollup-rows';
import { timeGroupsOf } from './segments';
import { addContribution, emptyTally, figuresOf, mergeInto, type Tally } from './tally';
import type { View } from './views';

/**
 * Days a summary may count from their sessions rather than a rollup (today, partial days at
 * the range's edges, days not rolled up yet): each is a read of up to a day of contributions,
 * so more than this could outlast the function's timeout. Refused with 1009.
 */
export const MAX_DAYS_FROM_SESSIONS = 31;

/**
 * Groups a summary by seat, skill group or status lists at most: those with the most sessions.
 * A centre's agents and statuses are bounded by nothing TCCC promises; a reply of every one
 * could pass API Gateway's and Lambda's 6 MB (each group with a 256-character key is ~0.5 KB).
 */
export const MAX_GROUPS = 1000;

const isTime = (groupBy: GroupBy): groupBy is 'hour' | 'day' => groupBy === 'hour' || groupBy === 'day';

/** A piece of the range within one UTC day: read from the day's rollup, or from its sessions. */
interface DayPiece {
  readonly dayStart: number;
  readonly start: number;
  readonly end: number;
}

/** What one push type's reads gave: counted sessions (time: at their end; else by key). */
interface Counted {
  /** Time groupings: tallies at an instant (a quarter's start, or a session's end). */
  readonly atoms: Array<readonly [number, Tally]>;
  /** Dimension groupings: tallies per key. */
  readonly groups: Groups;
}

/** The UTC days [from, to) overlaps, each cut to the range. */
function dayPieces(from: number, to: number): DayPiece[] {
  const pieces: DayPiece[] = [];
  for (let day = dayOf(from); day < to; day += DAY) {
    pieces.push({ dayStart: day, start: Math.max(from, day), end: Math.min(to, day + DAY) });
  }
  return pieces;
}

/**
 * A summary from the aggregates: whole UTC days from their rollups when they are current,
 * everything else (partial days, today, days not rolled up yet, days a local group cuts off
 * the quarter-hour grid) from the contributions of those hours; days without a state had no
 * session and are not read at all.
 */
export async function summarize(request: SummaryRequest, store: ReportStore): Promise<Summary> {
  const { fromSeconds: from, toSeconds: to, timeZone, groupBy } = request;
  const timeGroups = isTime(groupBy) ? timeGroupsOf(from, to, timeZone, groupBy) : [];
  const offGrid = new Set(
    timeGroups
      .flatMap(({ intervals }) => intervals.flat())
      .filter((edge) => edge % QUARTER !== 0)
      .map(dayOf),
  );
  const view: View = isTime(groupBy) ? 'quarter' : groupBy;
  const pieces = dayPieces(from, to);

  const counted = await Promise.all(
    request.actions.map(async (action) => {
      const states = await store.dayStates(
        action,
        pieces.map((piece) => piece.dayStart),
        false,
      );
      const present = pieces.filter((piece) => states.has(piece.dayStart));
      const rolled = present.filter((piece) => rollupFits(piece, states.get(piece.dayStart), offGrid));
      const raw = present.filter((piece) => !rolled.includes(piece));
      return { action, states, rolled, raw };
    }),
  );
  const rawDays = counted.reduce((sum, { raw }) => sum + raw.length, 0);
  if (rawDays > MAX_DAYS_FROM_SESSIONS) {
    throw new Refusal(
      'INVALID_PARAMETER',
      `this range needs ${rawDays} days counted from their sessions (at most ${MAX_DAYS_FROM_SESSIONS}): ask for a shorter range, or whole UTC days once they are rolled up`,
    );
  }
  const reads = await Promise.all(
    counted.map(({ action, states, rolled, raw }) => countAction(store, action, view, states, rolled, raw)),
  );

  const groups: Groups = new Map();
  if (isTime(groupBy)) {
    const slots = timeGroups.flatMap(({ key, intervals }) => intervals.map(([start, end]) => ({ start, end, key })));
    slots.sort((a, b) => a.start - b.start);
    for (const { key } of timeGroups) groups.set(key, emptyTally());
    for (const { atoms } of reads) {
      for (const [at, tally] of atoms) {
        const key = slotAt(slots, at);
        if (key !== undefined) mergeInto(groups.get(key) as Tally, tally);
      }
    }
  } else {
    for (const read of reads) mergeGroups(groups, read.groups);
  }
  const totals = emptyTally();
  for (const tally of groups.values()) mergeInto(totals, tally);
  const byKey = ([a]: [string | null, Tally], [b]: [string | null, Tally]) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
  let listed = [...groups];
  const omitted = isTime(groupBy) ? 0 : Math.max(0, listed.length - MAX_GROUPS);
  if (omitted > 0) listed = listed.sort((a, b) => b[1].sessions - a[1].sessions || byKey(a, b)).slice(0, MAX_GROUPS);
  const ordered = listed.sort(byKey);
  return {
    from: new Date(from * 1000).toISOString(),
    to: new Date(to * 1000).toISOString(),
    tz: timeZone,
    groupBy,
    totals: figuresOf(totals),
    groups: ordered.map(([key, tally]) => ({ key, ...figuresOf(tally) })),
    ...(omitted > 0 && { groupsOmitted: omitted }),
  };
}

/** A whole day whose rollup counted its current revision, and (time groupings) no local group cuts a quarter of it. */
function rollupFits(piece: DayPiece, state: DayState | undefined, offGrid: ReadonlySet<number>): boolean {
  const whole = piece.start === piece.dayStart && piece.end === piece.dayStart + DAY;
  return whole && state?.rollup !== undefined && state.rollup.rev === state.rev && !offGrid.has(piece.dayStart);
}

/** The key of the slot holding instant `at` (slots sorted and disjoint). */
function slotAt(slots: ReadonlyArray<{ start: number; end: number; key: string }>, at: number): string | undefined {
  let low = 0;
  let high = slots.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const slot = slots[middle] as { start: number; end: number; key: string };
    if (at < slot.start) high = middle - 1;
    else if (at >= slot.end) low = middle + 1;
    else return slot.key;
  }
  return undefined;
}

/** Reads one push type's rollups and contributions, at most READS_AT_ONCE requests at a time. */
const READS_AT_ONCE = 8;
async function countAction(
  store: ReportStore,
  action: string,
  view: View,
  states: ReadonlyMap<number, DayState>,
  rolled: readonly DayPiece[],
  raw: readonly DayPiece[],
): Promise<Counted> {
  const groups: Groups = new Map();
  const atoms: Array<readonly [number, Tally]> = [];
  const sessions: Contribution[] = [];
  // Every rolled-up day's chunks in batched reads: a few requests for a year, rather than a query a day.
  const withRollup = rolled.flatMap((piece) => {
    const rollup = states.get(piece.dayStart)?.rollup;
    return rollup ? [{ piece, dayStart: piece.dayStart, rollup }] : [];
  });
  const chunksByDay = await store.rollupChunksOf(action, view, withRollup);
  const replaced: DayPiece[] = [];
  for (const { piece, rollup } of withRollup) {
    const chunks = chunksByDay.get(piece.dayStart) ?? [];
    // Fewer chunks than the state says: the rollup was replaced while read. Count the day from its sessions.
    if (chunks.length !== rollup.chunks[view]) {
      replaced.push(piece);
      continue;
    }
    const dayGroups: Groups = new Map();
    addChunks(dayGroups, chunks);
    if (view === 'quarter') for (const [key, tally] of dayGroups) atoms.push([Number(key), tally]);
    else mergeGroups(groups, dayGroups);
  }
  const tasks: Array<() => Promise<void>> = [
    ...[...raw, ...replaced].map((piece) => async () => {
      sessions.push(...(await readSessions(store, action, piece)));
    }),
  ];
  await inTurns(tasks, (task) => task(), READS_AT_ONCE);
  if (view === 'quarter') {
    for (const session of sessions) {
      const tally = emptyTally();
      addContribution(tally, session);
      atoms.push([session.end, tally]);
    }
  } else mergeGroups(groups, groupContributions(sessions, VIEW_KEYS[view]));
  return { atoms, groups };
}

async function readSessions(store: ReportStore, action: string, piece: DayPiece): Promise<Contribution[]> {
  const entries = await store.contributions(action, piece.start, piece.end, false);
  return entries.map((entry) => entry.contribution);
}
