import { Refusal } from '../common/errors';
import { DAY } from '../common/utc-buckets';
import { SESSION_ACTIONS } from '../push-types/push-registry';
import { parseRange, refuseUnknownParameters } from '../query/instants';
import { isTimeZone } from './local-time';
import type { GroupBy, SummaryRequest } from './summary';

const GROUP_BYS: readonly GroupBy[] = ['hour', 'day', 'seat', 'skillGroup', 'status'];
const KNOWN = ['from', 'to', 'groupBy', 'action', 'tz'] as const;
/** A year and a day, by day at most 367 groups in one reply. */
const MAX_RANGE_DAYS = 366;
/** By hour, a month: at most 745 groups (~130 KB) in one reply, rather than 8,800 (1.4 MB) for a year. */
export const MAX_HOURLY_RANGE_DAYS = 31;

/** The zone as given once Intl knows it, or a 1009 refusal naming `tz`. */
function timeZoneOf(value: string | undefined): string {
  if (value === undefined) return 'UTC';
  if (/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(value) && isTimeZone(value)) return value;
  throw new Refusal('INVALID_PARAMETER', 'query parameter tz must be an IANA time zone such as Asia/Shanghai');
}

/** `GET /reports/summary?from&to&groupBy[&action][&tz]`, checked whole; a bad parameter is refused by name. */
export function parseSummaryRequest(query: Readonly<Record<string, string>>): SummaryRequest {
  refuseUnknownParameters(query, KNOWN);
  const { fromSeconds, toSeconds } = parseRange(query);
  if (toSeconds - fromSeconds > MAX_RANGE_DAYS * DAY) {
    throw new Refusal('INVALID_PARAMETER', `query parameter to must be at most ${MAX_RANGE_DAYS} days after from`);
  }
  const groupBy = query.groupBy as GroupBy | undefined;
  if (groupBy === undefined || !GROUP_BYS.includes(groupBy)) {
    throw new Refusal('INVALID_PARAMETER', `query parameter groupBy must be one of ${GROUP_BYS.join(', ')}`);
  }
  if (groupBy === 'hour' && toSeconds - fromSeconds > MAX_HOURLY_RANGE_DAYS * DAY) {
    throw new Refusal(
      'INVALID_PARAMETER',
      `query parameter groupBy=hour covers at most ${MAX_HOURLY_RANGE_DAYS} days; use groupBy=day for a longer range`,
    );
  }
  const { action } = query;
  if (action !== undefined && !SESSION_ACTIONS.includes(action)) {
    throw new Refusal(
      'INVALID_PARAMETER',
      `query parameter action must be one of ${SESSION_ACTIONS.join(', ')} (the session-level types)`,
    );
  }
  return {
    fromSeconds,
    toSeconds,
    timeZone: timeZoneOf(query.tz),
    groupBy,
    actions: action === undefined ? [...SESSION_ACTIONS] : [action],
  };
}
