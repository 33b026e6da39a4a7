import type { RecordBody } from './record-body';

/**
 * What queries and reports look at in a session-level record (cdr, imcdr, videoCdr), read
 * defensively: the schema may leave any of these out, and a value of another type counts
 * as absent rather than failing a push or a report.
 */
export interface SessionFacets {
  /** SeatUser.UserId; null when there is no agent (absent or empty). */
  readonly seat: string | null;
  readonly skillGroupName: string | null;
  readonly skillGroupId: number | null;
  /** EndStatusString. */
  readonly status: string | null;
  readonly startTimestamp: number | null;
  /** AcceptTimestamp when > 0: the session was answered. */
  readonly acceptTimestamp: number | null;
  readonly endedTimestamp: number | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
const integer = (value: unknown): number | null => (Number.isSafeInteger(value) ? (value as number) : null);

export function sessionFacetsOf(record: RecordBody): SessionFacets {
  const seatUser = record.SeatUser;
  const accept = integer(record.AcceptTimestamp);
  return {
    seat: typeof seatUser === 'object' && seatUser !== null ? text((seatUser as RecordBody).UserId) : null,
    skillGroupName: text(record.QueuedSkillGroupName),
    skillGroupId: integer(record.QueuedSkillGroupId),
    status: text(record.EndStatusString),
    startTimestamp: integer(record.StartTimestamp),
    acceptTimestamp: accept !== null && accept > 0 ? accept : null,
    endedTimestamp: integer(record.EndedTimestamp),
  };
}

/** The skill group as reports key it: the name, or else the id; null when neither. */
export function skillGroupKeyOf(facets: SessionFacets): string | null {
  return facets.skillGroupName ?? (facets.skillGroupId === null ? null : String(facets.skillGroupId));
}
