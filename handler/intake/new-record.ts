/** What the store keeps of a decoded push: the record placed by the registry, and its receipt. */

import { MAX_RECEIPT_NOVELTIES, MAX_RECEIPT_POINTER_CHARS } from '../common/limits';
import type { DecodedPush } from '../decode/decode-push';
import { PUSH_TYPES } from '../push-types/push-registry';
import { indexAttributesOf } from '../query/index-attributes';
import type { NewRecord, Receipt } from '../records/record-store';
import { expiresAtOf, type RetentionPolicy, retentionPolicyOf } from '../records/retention';

/** At most MAX_RECEIPT_POINTER_CHARS, never cutting a surrogate pair in two (DynamoDB keeps valid text only). */
function shortened(pointer: string): string {
  if (pointer.length <= MAX_RECEIPT_POINTER_CHARS) return pointer;
  const cut = pointer.slice(0, MAX_RECEIPT_POINTER_CHARS);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/**
 * A list of novelties fit for the receipt: at most MAX_RECEIPT_NOVELTIES pointers of at most
 * MAX_RECEIPT_POINTER_CHARS, and how many were left out. Unbounded, 16,000 pointers from a
 * 128 KiB body would push the item past DynamoDB's 400 KB and lose the push to 503s.
 */
function bounded(name: 'unknownFields' | 'unknownValues', pointers: readonly string[]): Partial<Receipt> {
  if (pointers.length === 0) return {};
  const kept = pointers.slice(0, MAX_RECEIPT_NOVELTIES).map(shortened);
  const omitted = pointers.length - kept.length;
  return { [name]: kept, ...(omitted > 0 && { [`${name}Omitted`]: omitted }) };
}

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
    ...bounded('unknownFields', unknownFields),
    ...bounded('unknownValues', unknownValues),
  };
}

let configured: RetentionPolicy | undefined;
/** This process's retention settings (RETENTION_DAYS...), read once from its environment. */
export function configuredRetention(): RetentionPolicy {
  configured ??= retentionPolicyOf(
    process.env,
    PUSH_TYPES.map((type) => type.action),
  );
  return configured;
}

/**
 * Where the store keeps a decoded push: the registry's key and ordering, the receipt beside it,
 * and when its retention ends, counted from its receipt (a replay keeps the original one).
 */
export function newRecordOf(
  push: DecodedPush,
  receipt: Receipt,
  retention: RetentionPolicy = configuredRetention(),
): NewRecord {
  const expiresAt = expiresAtOf(retention, push.type.action, receipt.receivedAt);
  return {
    sessionId: push.sessionId,
    action: push.type.action,
    naturalKey: push.naturalKey,
    ordering: push.ordering,
    record: push.record,
    receipt,
    indexAttributes: indexAttributesOf(push.type, push),
    ...(expiresAt !== undefined && { expiresAt }),
  };
}
