import { Refusal } from '../common/errors';
import { MAX_DATED_SECONDS } from './query-index';

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const UNIX_SECONDS = /^\d{1,12}$/;

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * A range bound as `from`/`to` take it: an ISO 8601 date-time with an offset (`Z` or
 * `+08:00`) or Unix seconds. Answers the first whole second at or after it: record end
 * times are whole seconds, so [from, to) on them is [ceil(from), ceil(to)). Never echoes the value.
 */
function parseInstant(name: string, value: string | undefined): number {
  if (value === undefined || value === '')
    throw new Refusal('INVALID_PARAMETER', `query parameter ${name} is required`);
  let milliseconds: number;
  if (UNIX_SECONDS.test(value)) milliseconds = Number(value) * 1000;
  else {
    const match = ISO_DATE_TIME.exec(value);
    const [, year, month, day, hour, minute, second = '0', , , offsetHours = '0', offsetMinutes = '0'] = match ?? [];
    const valid =
      match !== null &&
      Number(month) >= 1 &&
      Number(month) <= 12 &&
      Number(day) >= 1 &&
      Number(day) <= daysInMonth(Number(year), Number(month)) &&
      Number(hour) <= 23 &&
      Number(minute) <= 59 &&
      Number(second) <= 59 &&
      Number(offsetHours) <= 23 &&
      Number(offsetMinutes) <= 59;
    if (!valid) {
      throw new Refusal(
        'INVALID_PARAMETER',
        `query parameter ${name} must be an ISO 8601 date-time with an offset (2026-11-27T08:00:00+08:00) or Unix seconds`,
      );
    }
    milliseconds = Date.parse(value);
  }
  const seconds = Math.ceil(milliseconds / 1000);
  if (!(seconds >= 0 && seconds <= MAX_DATED_SECONDS + 1)) {
    throw new Refusal('INVALID_PARAMETER', `query parameter ${name} must lie between 1970 and the end of 9999`);
  }
  return seconds;
}

/** [from, to) in whole seconds, `from` before `to`. */
export function parseRange(query: Readonly<Record<string, string>>): { fromSeconds: number; toSeconds: number } {
  const fromSeconds = parseInstant('from', query.from);
  const toSeconds = parseInstant('to', query.to);
  if (toSeconds <= fromSeconds) throw new Refusal('INVALID_PARAMETER', 'query parameter to must be later than from');
  return { fromSeconds, toSeconds };
}

/** Refuses parameters the route does not know (a misspelt filter would otherwise be ignored silently). */
export function refuseUnknownParameters(query: Readonly<Record<string, string>>, known: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (!known.includes(name)) {
      const shown = /^[\w-]{1,32}$/.test(name) ? name : '(unprintable)';
      throw new Refusal('INVALID_PARAMETER', `query parameter ${shown} is not known; expected ${known.join(', ')}`);
    }
  }
}
