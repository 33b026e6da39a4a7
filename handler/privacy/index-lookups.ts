import type { DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { batchGet, batchWrite, type Item, scanPages } from '../aws/dynamodb';
import { isTombstone, RECORD_KEY_ATTRIBUTE, SESSION_ID_ATTRIBUTE } from '../records/item-layout';
import { deleteLookup, lookupItemId } from './privacy-layout';
import { lookupIdentifiersOf, lookupItemsOf } from './record-lookups';

export interface IndexLookupCounts {
  /** Record items read (current items and older versions; tombstones are passed over). */
  records: number;
  /** Lookup items written: each a put, whether or not the consumer had written it already. */
  written: number;
  /** Records replaced, erased or re-stamped while this ran, whose items were written again to match. */
  corrected: number;
  /** Records still changing after ATTEMPTS looks: run the command again. */
  unsettled: number;
}

/** Looks at a record that changed while its items were written, before leaving it to its own stream events. */
export const ATTEMPTS = 3;

const recordId = (item: Item) => `${item[SESSION_ID_ATTRIBUTE]?.S}\u0000${item[RECORD_KEY_ATTRIBUTE]?.S}`;

/** The lookup items a record item asks for, by key (none for a tombstone or an item gone). */
async function lookupsOf(item: Item | undefined, key: string): Promise<Map<string, Item>> {
  if (!item || isTombstone(item)) return new Map();
  const items = lookupItemsOf(item, await lookupIdentifiersOf(item), key);
  return new Map(items.map((lookup) => [lookupItemId(lookup), lookup]));
}

/** The writes that turn a record's lookup items from `written` into `wanted`: none when they agree. */
function corrections(written: Map<string, Item>, wanted: Map<string, Item>): WriteRequest[] {
  const requests: WriteRequest[] = [];
  for (const [id, item] of wanted) {
    if (JSON.stringify(written.get(id)) !== JSON.stringify(item)) requests.push({ PutRequest: { Item: item } });
  }
  for (const [id, item] of written) {
    if (!wanted.has(id)) requests.push(deleteLookup(item));
  }
  return requests;
}

/** A record of the page, what its items were last written as, and the key to read it again by. */
interface Pending {
  readonly key: Item;
  written: Map<string, Item>;
}

/**
 * `npm run privacy-index`: writes the lookup items (record-lookups.ts) of every stored record
 * item, for the records the lookup's consumer never read: stored before the lookup existed, or
 * in a batch that went to its dead-letter queue. It writes what the consumer would have; running
 * it again changes nothing.
 *
 * Safe while pushes and erasures go on: after writing a page's items it reads those records again
 * (strongly consistent), and one replaced, erased or re-stamped meanwhile gets the items of what
 * it is now and loses the ones it no longer has, until what was written is what the record asks
 * for. From then on its stream events, which the consumer applies after, keep it in step.
 */
export async function indexLookups(
  client: DynamoDBClient,
  tables: { records: string; privacy: string },
  key: string,
): Promise<IndexLookupCounts> {
  const counts: IndexLookupCounts = { records: 0, written: 0, corrected: 0, unsettled: 0 };
  for await (const page of scanPages(client, { TableName: tables.records, ConsistentRead: true })) {
    let pending = new Map<string, Pending>();
    let requests: WriteRequest[] = [];
    for (const item of page) {
      if (isTombstone(item)) continue;
      counts.records++;
      const lookups = await lookupsOf(item, key);
      if (lookups.size === 0) continue;
      const recordKey = {
        [SESSION_ID_ATTRIBUTE]: item[SESSION_ID_ATTRIBUTE],
        [RECORD_KEY_ATTRIBUTE]: item[RECORD_KEY_ATTRIBUTE],
      } as Item;
      pending.set(recordId(item), { key: recordKey, written: lookups });
      requests.push(...[...lookups.values()].map((lookup) => ({ PutRequest: { Item: lookup } })));
      counts.written += lookups.size;
    }
    for (let attempt = 0; ; attempt++) {
      await batchWrite(client, tables.privacy, requests);
      if (pending.size === 0) break;
      if (attempt === ATTEMPTS) {
        counts.unsettled += pending.size;
        break;
      }
      const keys = [...pending.values()].map((record) => record.key);
      const now = new Map(
        (await batchGet(client, tables.records, keys, { consistent: true })).map((item) => [recordId(item), item]),
      );
      const changed = new Map<string, Pending>();
      requests = [];
      for (const [id, record] of pending) {
        const wanted = await lookupsOf(now.get(id), key);
        const fixes = corrections(record.written, wanted);
        if (fixes.length === 0) continue;
        if (attempt === 0) counts.corrected++;
        requests.push(...fixes);
        changed.set(id, { key: record.key, written: wanted });
      }
      pending = changed;
    }
  }
  return counts;
}
