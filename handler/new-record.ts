/** What the store keeps of a decoded push: the record placed by the registry, and its receipt. */
import type { DecodedPush } from './decode/decode-push';
import { indexAttributesOf } from './store/index-attributes';
import type { NewRecord, Receipt } from './store/record-store';

/** The receipt stored beside a decoded push: when and how it came, and what it carries beyond the schema. */
export function receiptOf(
  push: DecodedPush,
  arrival: { receivedAt: string; requestId: string; pushId: string | undefined; replayedAt?: string },
): Receipt {
  const { unknownFields, unknownValues } = push.novelties;
  return {
    receivedAt: arrival.receivedAt,
    action: push.type.action,
    ...(push.version !== undefined && { version: push.version }),
    requestId: arrival.requestId,
    ...(arrival.pushId !== undefined && { pushId: arrival.pushId }),
    ...(arrival.replayedAt !== undefined && { replayedAt: arrival.replayedAt }),
    ...(unknownFields.length > 0 && { unknownFields }),
    ...(unknownValues.length > 0 && { unknownValues }),
  };
}

/** Where the store keeps a decoded push: the registry's key and ordering, the receipt beside it. */
export function newRecordOf(push: DecodedPush, receipt: Receipt): NewRecord {
  return {
    sessionId: push.sessionId,
    action: push.type.action,
    naturalKey: push.naturalKey,
    ordering: push.ordering,
    record: push.record,
    receipt,
    indexAttributes: indexAttributesOf(push.type, push),
  };
}
