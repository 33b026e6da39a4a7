import type { DecodedPush } from './decode/push-types';
import type { Receipt } from './store/cdr-store';

/** The receipt stored beside a decoded push: when and how it came, and what it carries beyond the schema. */
export function receiptOf(
  push: DecodedPush,
  arrival: { receivedAt: string; requestId: string; pushId: string | undefined; replayedAt?: string },
): Receipt {
  const { unknownFields, unknownValues } = push.novelties;
  return {
    receivedAt: arrival.receivedAt,
    action: push.action,
    version: push.version,
    requestId: arrival.requestId,
    ...(arrival.pushId !== undefined && { pushId: arrival.pushId }),
    ...(arrival.replayedAt !== undefined && { replayedAt: arrival.replayedAt }),
    ...(unknownFields.length > 0 && { unknownFields }),
    ...(unknownValues.length > 0 && { unknownValues }),
  };
}
