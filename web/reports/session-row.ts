// One row of the reports page's sessions table, as text, from a stored record. What dates a
// record and what its facets are come from the shared code (the push registry's ordering
// field, session-facets' defensive reads), never from a copy here. A value the page cannot
// use is shown as what it is, never drawn as a time: Intl throws on NaN and on dates past
// year 275760, which would stop the whole table.
import { pushTypeOf } from '../../handler/push-types/push-registry';
import { sessionFacetsOf, skillGroupKeyOf } from '../../handler/push-types/session-facets';

export interface StoredRecord {
  action: string;
  record: Record<string, unknown>;
  receipt: Record<string, unknown>;
}

export interface SessionRow {
  readonly when: string;
  /** `when` is not a time but the unusable value, marked. */
  readonly badTime: boolean;
  readonly action: string;
  readonly sessionId: string;
  readonly seat: string;
  readonly skillGroup: string;
  readonly status: string;
  readonly waitSeconds: string;
}

const NONE = '–';
const MAX_SHOWN = 40;

/** `value` as the page shows a time it cannot use: marked, as JSON, cut short. */
export function notATime(value: unknown): string {
  const text = value === undefined ? 'missing' : (JSON.stringify(value) ?? String(value));
  return `not a time: ${text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text}`;
}

/** The record's ordering field (its type's, from the registry) formatted, or marked as unusable. */
function whenOf(item: StoredRecord, format: Intl.DateTimeFormat): { when: string; badTime: boolean } {
  const ordering = pushTypeOf(item.action)?.ordering;
  const value = ordering === undefined ? undefined : item.record[ordering];
  const instant = Number.isSafeInteger(value) ? (value as number) * 1000 : Number.NaN;
  if (Number.isNaN(new Date(instant).getTime())) return { when: notATime(value), badTime: true };
  return { when: format.format(instant), badTime: false };
}

export function sessionRowOf(item: StoredRecord, format: Intl.DateTimeFormat): SessionRow {
  const facets = sessionFacetsOf(item.record);
  const { acceptTimestamp: accept, startTimestamp: start } = facets;
  return {
    ...whenOf(item, format),
    action: item.action,
    sessionId: String(item.record.SessionId),
    seat: facets.seat ?? NONE,
    skillGroup: skillGroupKeyOf(facets) ?? NONE,
    status: facets.status ?? NONE,
    waitSeconds: accept !== null && start !== null ? String(accept - start) : NONE,
  };
}
