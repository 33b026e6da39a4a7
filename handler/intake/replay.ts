import { Refusal } from '../common/errors';
import { decodePush } from '../decode/decode-push';
import type { HttpRequest } from '../http/http-request';
import type { RecordStore, SaveOutcome } from '../records/record-store';
import { newRecordOf, receiptOf } from './new-record';

/** How a push first arrived: its receipt keeps these, whenever it is stored. */
export interface Arrival {
  readonly receivedAt: string;
  readonly requestId: string;
  readonly pushId: string | undefined;
  readonly replayedAt?: string;
}

/**
 * Runs a push received earlier through today's decoding, validation and store: for the
 * quarantine's replays and the layout migration. Storing an already stored record is a
 * harmless duplicate. Returns what happened, or why it is still refused.
 */
export async function replayPush(
  request: HttpRequest,
  arrival: Arrival,
  store: RecordStore,
): Promise<{ outcome: SaveOutcome } | { refused: string }> {
  try {
    const push = await decodePush(request);
    return { outcome: await store.save(newRecordOf(push, receiptOf(push, arrival))) };
  } catch (error) {
    if (error instanceof Refusal) return { refused: `${error.code}: ${error.message}` };
    throw error;
  }
}
