import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../handler/aws/dynamodb';
import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { createLookupHandler } from '../../handler/functions/lookup';
import { createPushHandler } from '../../handler/functions/push';
import { Erasure } from '../../handler/privacy/erasure';
import { ATTEMPTS, indexLookups } from '../../handler/privacy/index-lookups';
import { LOOKUP_PREFIX, PK, SK } from '../../handler/privacy/privacy-layout';
import { lookupIdentifiersOf, lookupItemsOf } from '../../handler/privacy/record-lookups';
import { DynamoDbQuarantineStore } from '../../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import { isTombstone } from '../../handler/records/item-layout';
import { StreamPoller } from '../../scripts/stream-poller';
import { scanAll } from '../support/dynamodb';
import { pushEvent, sampleOf } from '../support/events';

/**
 * `npm run privacy-index` (handler/privacy/index-lookups.ts) on DynamoDB Local: records the
 * lookup's consumer never read (stored before it existed, or dead-lettered) get exactly the
 * items the consumer would have written, and a record replaced or erased while it runs ends
 * with the items of what it is now.
 */
const KEY = 'index-test-privacy-hash-key-of-32-chars-at-least';
const tables = JSON.parse(process.env.INDEX_TEST_TABLES as string) as Record<
  'records' | 'quarantine' | 'privacy' | 'reports',
  string
>;
const client = createDynamoDbClient();
const push = createPushHandler({
  store: new DynamoDbRecordStore(client, tables.records),
  quarantine: new DynamoDbQuarantineStore(client, tables.quarantine),
  loadAuth: async () => ({ mode: 'none' }) as never,
});
const consumer = new StreamPoller(
  client,
  tables.records,
  createLookupHandler({ client, privacyTable: tables.privacy, hashKey: async () => KEY }),
  100,
);
const erasure = new Erasure({ client, ...tables }, KEY);

async function send(action: string, record: Record<string, unknown>) {
  const reply = JSON.parse((await push(pushEvent(record, { query: { action, version: '1' } }))).body);
  expect(reply).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
}

const scan = (table: string): Promise<Item[]> => scanAll(client, table);

const byKey = (items: Item[]) => items.map((item) => JSON.stringify(item, Object.keys(item).sort())).sort();
const lookupItems = async () =>
  byKey((await scan(tables.privacy)).filter((item) => item[PK]?.S?.startsWith(LOOKUP_PREFIX)));

/** What the records stored now ask for, computed from each record item directly. */
async function askedFor(): Promise<string[]> {
  const items: Item[] = [];
  for (const record of await scan(tables.records)) {
    if (!isTombstone(record)) items.push(...lookupItemsOf(record, await lookupIdentifiersOf(record), KEY));
  }
  return byKey(items);
}

/** The lookup as if it never ran: every lookup item deleted, the audit entries kept. */
async function forgetLookup(): Promise<void> {
  const items = (await scan(tables.privacy)).filter((item) => item[PK]?.S?.startsWith(LOOKUP_PREFIX));
  for (let start = 0; start < items.length; start += 25) {
    const requests = items
      .slice(start, start + 25)
      .map((item) => ({ DeleteRequest: { Key: { [PK]: item[PK], [SK]: item[SK] } as Item } }));
    await client.send(new BatchWriteItemCommand({ RequestItems: { [tables.privacy]: requests } }));
  }
}

const caller = '008613700001111';
const times = { StartTimestamp: 1_790_100_000, AcceptTimestamp: 1_790_100_030, EndedTimestamp: 1_790_100_300 };
const voice = sampleOf('cdr', { Caller: caller, ...times });

it('writes exactly the items the consumer writes, for records of every type and their older versions, and again nothing new', async () => {
  await send('cdr', voice);
  await send('cdr', { ...voice, EndedTimestamp: times.EndedTimestamp + 60, Callee: '0086075500002222' });
  await send('record', sampleOf('record-caller', { SessionId: voice.SessionId }));
  await send('voicemail', sampleOf('voicemail'));
  await send('imcdr', sampleOf('imcdr'));
  await send('videoCdr', sampleOf('video-cdr'));
  const gone = sampleOf('cdr', { Caller: '008613700002222', ...times });
  await send('cdr', gone);
  await consumer.pollOnce();
  await erasure.erase(await erasure.plan({ kind: 'session', value: gone.SessionId }));
  await consumer.pollOnce();
  const written = await lookupItems();
  expect(written.length).toBeGreaterThan(6);
  expect(written).toEqual(await askedFor());

  // Stored before the lookup existed: the caller cannot be found.
  await forgetLookup();
  expect((await erasure.plan({ kind: 'phone', value: caller })).sessions).toEqual([]);

  const counts = await indexLookups(client, tables, KEY);
  expect(await lookupItems()).toEqual(written);
  const stored = (await scan(tables.records)).filter((item) => !isTombstone(item));
  expect(counts).toEqual({ records: stored.length, written: written.length, corrected: 0, unsettled: 0 });
  expect((await erasure.plan({ kind: 'phone', value: '+86 137 0000 1111' })).sessions.map((s) => s.sessionId)).toEqual([
    voice.SessionId,
  ]);

  // Again: the same puts, the same table.
  expect(await indexLookups(client, tables, KEY)).toEqual(counts);
  expect(await lookupItems()).toEqual(written);
});

it('a record replaced and a session erased between its read and its write end with the items of what they are now', async () => {
  const replaced = sampleOf('cdr', { Caller: '008613700003333', Callee: '0086075500004444', ...times });
  const erased = sampleOf('cdr', { Caller: '008613700005555', ...times });
  await send('cdr', replaced);
  await send('cdr', erased);
  await consumer.pollOnce();
  await forgetLookup();

  // The first write of the index waits until a newer version (another callee) is stored and an
  // erasure has run, and the consumer has applied both: the worst order for the index.
  const indexClient = createDynamoDbClient();
  let meddled = false;
  indexClient.middlewareStack.add(
    (next) => async (args) => {
      if (!meddled && args.input && 'RequestItems' in (args.input as object)) {
        const table = Object.keys((args.input as { RequestItems: object }).RequestItems)[0];
        if (
          table === tables.privacy &&
          (args.input as { RequestItems: Record<string, unknown[]> }).RequestItems[table]?.length
        ) {
          meddled = true;
          await send('cdr', { ...replaced, EndedTimestamp: times.EndedTimestamp + 60, Callee: '0086075500006666' });
          await erasure.erase(await erasure.plan({ kind: 'session', value: erased.SessionId }));
          await consumer.pollOnce();
        }
      }
      return next(args);
    },
    { step: 'initialize' },
  );

  const counts = await indexLookups(indexClient, tables, KEY);
  expect(meddled).toBe(true);
  // The replaced record's current item, and the erased one's: the version item is new, not read.
  expect(counts.corrected).toBe(2);
  expect(counts.unsettled).toBe(0);
  expect(await lookupItems()).toEqual(await askedFor());
  const sessionsOf = async (phone: string) =>
    (await erasure.plan({ kind: 'phone', value: phone })).sessions.map((s) => s.sessionId);
  expect(await sessionsOf('008613700005555')).toEqual([]);
  expect(await sessionsOf('0086075500006666')).toEqual([replaced.SessionId]);
  // The first callee is still in the older version, which the lookup finds.
  expect(await sessionsOf('0086075500004444')).toEqual([replaced.SessionId]);
  indexClient.destroy();
});

it('a record that changes at every look is counted unsettled, with the items of what it was last seen as', async () => {
  const busy = sampleOf('cdr', { Caller: '008613700007777', ...times });
  await send('cdr', busy);
  await consumer.pollOnce();
  await forgetLookup();

  // Before each re-read of the records, another version of that session, with another callee.
  const indexClient = createDynamoDbClient();
  let versions = 0;
  indexClient.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'BatchGetItemCommand') {
        versions++;
        await send('cdr', {
          ...busy,
          EndedTimestamp: times.EndedTimestamp + versions,
          Callee: `00860755000090${String(versions).padStart(2, '0')}`,
        });
      }
      return next(args);
    },
    { step: 'initialize' },
  );
  const counts = await indexLookups(indexClient, tables, KEY);
  indexClient.destroy();
  expect(versions).toBe(ATTEMPTS);
  expect(counts).toMatchObject({ corrected: 1, unsettled: 1 });
  // What the last look saw is what was written; the consumer brings the lookup up to date.
  await consumer.pollOnce();
  expect(await lookupItems()).toEqual(await askedFor());
});
