import { sessionFacetsOf, skillGroupKeyOf } from '../push-types/session-facets';
import type { RecordBody } from '../records/record-store';
import type { Contribution } from './contribution-type';
import { reportKeyOf } from './dimension-key';

export type { Contribution };

export function contributionOf(record: RecordBody, end: number): Contribution {
  const facets = sessionFacetsOf(record);
  const accept = facets.acceptTimestamp;
  return {
    end,
    seat: reportKeyOf(facets.seat),
    skillGroup: reportKeyOf(skillGroupKeyOf(facets)),
    status: reportKeyOf(facets.status),
    answered: accept !== null,
    wait: accept !== null && facets.startTimestamp !== null ? accept - facets.startTimestamp : null,
    handle: accept !== null ? end - accept : null,
  };
}
