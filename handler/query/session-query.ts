import type { StoredRecord } from '../records/record-store';

/** Which current records a query wants: end time in [fromSeconds, toSeconds), all given facets equal. */
export interface SessionFilter {
  readonly actions: readonly string[];
  readonly fromSeconds: number;
  readonly toSeconds: number;
  /** SeatUser.UserId. */
  readonly seat?: string;
  /** QueuedSkillGroupName; when all digits, QueuedSkillGroupId too. */
  readonly skillGroup?: string;
  /** EndStatusString. */
  readonly status?: string;
}

export interface SessionPage {
  /** Newest end time first. */
  readonly items: StoredRecord[];
  /**
   * Where the next page starts: every matching record above this position in the
   * answer's order has been looked at. Null when the range is done.
   */
  readonly position: string | null;
}

/** Current records by end time: the `GET /sessions` access pattern (query-index.ts). */
export interface SessionQueryStore {
  page(filter: SessionFilter, position: string | null, limit: number): Promise<SessionPage>;
}

/** Whether a stored record still matches the filter: what the index said is checked on the record itself. */
export function matchesFilter(
  filter: SessionFilter,
  record: {
    action: string;
    endSeconds: number;
    seat: string | null;
    skillName: string | null;
    skillId: number | null;
    status: string | null;
  },
): boolean {
  if (!filter.actions.includes(record.action)) return false;
  if (record.endSeconds < filter.fromSeconds || record.endSeconds >= filter.toSeconds) return false;
  if (filter.seat !== undefined && record.seat !== filter.seat) return false;
  if (filter.status !== undefined && record.status !== filter.status) return false;
  if (filter.skillGroup !== undefined) {
    const byName = record.skillName === filter.skillGroup;
    const id = skillGroupIdOf(filter.skillGroup);
    const byId = id !== undefined && record.skillId === id;
    if (!byName && !byId) return false;
  }
  return true;
}

/** A `skillGroup` filter given as digits also names a skill group id (QueuedSkillGroupId). */
export function skillGroupIdOf(skillGroup: string): number | undefined {
  const id = Number(skillGroup);
  return /^\d+$/.test(skillGroup) && Number.isSafeInteger(id) ? id : undefined;
}
