import type { PushType } from '../push-types/push-registry';
import { sessionFacetsOf } from '../push-types/session-facets';
import { currentRecordKey } from '../records/item-layout';
import type { RecordBody } from '../records/record-store';
import {
  endPartitionKey,
  QUERY_ATTRIBUTE,
  recordHash,
  seatPartitionKey,
  shardOf,
  sortKey,
  utcDayOf,
} from './query-index';

type IndexAttributes = Record<string, string | number>;

/**
 * The query-index attributes of a record's current item (see query-index.ts): every type
 * is in `byEndTime`; session-level types with an agent are in `bySeat` too and carry the
 * facets a query filters on.
 */
export function indexAttributesOf(
  type: PushType,
  placed: { sessionId: string; naturalKey: string; ordering: number; record: RecordBody },
): IndexAttributes {
  const hash = recordHash(placed.sessionId, currentRecordKey(type.action, placed.naturalKey));
  const attributes: IndexAttributes = {
    [QUERY_ATTRIBUTE.endPartition]: endPartitionKey(type.action, utcDayOf(placed.ordering), shardOf(hash)),
    [QUERY_ATTRIBUTE.sort]: sortKey(placed.ordering, hash),
  };
  if (!type.sessionLevel) return attributes;
  const facets = sessionFacetsOf(placed.record);
  if (facets.seat !== null) attributes[QUERY_ATTRIBUTE.seatPartition] = seatPartitionKey(type.action, facets.seat);
  if (facets.status !== null) attributes[QUERY_ATTRIBUTE.status] = facets.status;
  if (facets.skillGroupName !== null) attributes[QUERY_ATTRIBUTE.skillName] = facets.skillGroupName;
  if (facets.skillGroupId !== null) attributes[QUERY_ATTRIBUTE.skillId] = facets.skillGroupId;
  return attributes;
}
