/**
 * Hour and day buckets local to an IANA time zone, with the runtime's own Intl (full ICU
 * in Node.js): `2026-11-27T14:00` and `2026-11-27`. Intl is asked only for the zone's
 * offset, and only where it may change; the buckets themselves are arithmetic on the
 * local wall clock. Imports nothing: the reports page (web/reports/) bundles it too.
 */
export type TimeGrouping = 'hour' | 'day';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether Intl knows the zone (ICU would rename Asia/Kolkata Asia/Calcutta, so the name is kept as given). */
export function isTimeZone(value: string): boolean {
  try {
    formatterOf(value);
    return true;
  } catch {
    return false;
  }
}

/** Local wall-clock time minus UTC at an instant, in seconds (+28800 in Shanghai). */
export function offsetAt(seconds: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(seconds * 1000)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const wall = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  wall.setUTCFullYear(year);
  return wall.getTime() / 1000 - seconds;
}

/** The bucket key of a local wall-clock time (Unix seconds as if the zone were UTC). */
export function wallKey(wallSeconds: number, grouping: TimeGrouping): string {
  const iso = new Date(wallSeconds * 1000).toISOString();
  return grouping === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 13)}:00`;
}
