import { Refusal } from '../common/errors';
import { PUSH_TYPES, SESSION_ACTIONS } from '../push-types/push-registry';
import { decodeCursor } from './cursor';
import { parseRange, refuseUnknownParameters } from './instants';
import type { SessionFilter } from './session-query';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const MAX_FACET_CHARS = 1024;
const KNOWN = ['from', 'to', 'action', 'seat', 'skillGroup', 'status', 'limit', 'cursor'] as const;
const ACTIONS = PUSH_TYPES.map((type) => type.action);

export interface SessionQuery {
  readonly filter: SessionFilter;
  readonly limit: number;
  readonly position: string | null;
}

function facet(query: Readonly<Record<string, string>>, name: 'seat' | 'skillGroup' | 'status'): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > MAX_FACET_CHARS) {
    throw new Refusal('INVALID_PARAMETER', `query parameter ${name} must be 1 to ${MAX_FACET_CHARS} characters`);
  }
  return value;
}

/**
 * `GET /sessions?from&to[&action[,action...]][&seat][&skillGroup][&status][&limit][&cursor]`, checked
 * whole; a bad parameter is refused by name (1009), its value never echoed.
 */
export function parseSessionQuery(query: Readonly<Record<string, string>>): SessionQuery {
  refuseUnknownParameters(query, KNOWN);
  const range = parseRange(query);
  // One type, or several separated by commas (the reports page's "All session types").
  const named = query.action === undefined ? undefined : [...new Set(query.action.split(','))];
  if (named !== undefined && !named.every((action) => ACTIONS.includes(action))) {
    throw new Refusal(
      'INVALID_PARAMETER',
      `query parameter action must be one or more of ${ACTIONS.join(', ')}, separated by commas`,
    );
  }
  const seat = facet(query, 'seat');
  const skillGroup = facet(query, 'skillGroup');
  const status = facet(query, 'status');
  const byFacet = seat !== undefined || skillGroup !== undefined || status !== undefined;
  // Agents, skill groups and end statuses belong to session-level records only.
  const actions = named ?? (byFacet ? [...SESSION_ACTIONS] : ACTIONS);
  const filter: SessionFilter = {
    actions,
    ...range,
    ...(seat !== undefined && { seat }),
    ...(skillGroup !== undefined && { skillGroup }),
    ...(status !== undefined && { status }),
  };
  let limit = DEFAULT_LIMIT;
  if (query.limit !== undefined) {
    limit = /^\d{1,4}$/.test(query.limit) ? Number(query.limit) : 0;
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new Refusal('INVALID_PARAMETER', `query parameter limit must be an integer from 1 to ${MAX_LIMIT}`);
    }
  }
  const position = query.cursor === undefined ? null : decodeCursor(filter, query.cursor);
  return { filter, limit, position };
}
