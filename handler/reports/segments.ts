import { DAY, HOUR } from '../common/utc-buckets';
import { offsetAt, type TimeGrouping, wallKey } from './local-time';

/**
 * The local hours or days of a zone over a range, as UTC intervals: a summary counts each
 * group from the rolled-up quarter-hours and the sessions those intervals hold.
 */
export interface TimeGroup {
  readonly key: string;
  /** Disjoint [start, end) intervals (two when a clock goes back over the hour). */
  readonly intervals: Array<[number, number]>;
}

/** Spans of [from, to) over which the zone's offset stays the same. */
function offsetSpans(
  from: number,
  to: number,
  timeZone: string,
): Array<{ start: number; end: number; offset: number }> {
  const spans: Array<{ start: number; end: number; offset: number }> = [];
  let t = from;
  while (t < to) {
    const offset = offsetAt(t, timeZone);
    // Offsets change a few times a year at most: one look a day, then a search for the second it changed.
    const stepEnd = Math.min(to, t + DAY);
    if (offsetAt(stepEnd - 1, timeZone) === offset) {
      const last = spans[spans.length - 1];
      if (last && last.end === t && last.offset === offset) last.end = stepEnd;
      else spans.push({ start: t, end: stepEnd, offset });
      t = stepEnd;
      continue;
    }
    let low = t + 1;
    let high = stepEnd - 1;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (offsetAt(middle, timeZone) === offset) low = middle + 1;
      else high = middle;
    }
    spans.push({ start: t, end: low, offset });
    t = low;
  }
  return spans;
}

/** [from, to) cut into local hours or days of `timeZone`, every bucket of the range, in key order. */
export function timeGroupsOf(from: number, to: number, timeZone: string, grouping: TimeGrouping): TimeGroup[] {
  const size = grouping === 'day' ? DAY : HOUR;
  const groups = new Map<string, Array<[number, number]>>();
  for (const span of offsetSpans(from, to, timeZone)) {
    let t = span.start;
    while (t < span.end) {
      const wall = t + span.offset;
      const end = Math.min(span.end, (Math.floor(wall / size) + 1) * size - span.offset);
      const key = wallKey(wall, grouping);
      const intervals = groups.get(key) ?? [];
      const last = intervals[intervals.length - 1];
      if (last && last[1] === t) last[1] = end;
      else intervals.push([t, end]);
      groups.set(key, intervals);
      t = end;
    }
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, intervals]) => ({ key, intervals }));
}
