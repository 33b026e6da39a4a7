import { type Item, readItem } from '../aws/dynamodb';
import type { RecordBody } from '../push-types/record-body';
import type { StoredRecord } from './record-store';

/** A record item as stored (item-layout.ts): what every reader of the record table reads back. */
export interface StoredItem {
  readonly action: string;
  readonly ordering: number;
  readonly record: RecordBody;
  readonly receipt: StoredRecord['receipt'];
}

/** The one way a stored record item is read back: its record, receipt, type and ordering. */
export function readStoredItem(item: Item): StoredItem {
  const { action, ordering, record, receipt } = readItem<StoredItem>(item);
  return { action, ordering, record, receipt };
}
