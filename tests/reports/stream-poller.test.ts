import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { createPushHandler } from '../../handler/functions/push';
import { DynamoDbQuarantineStore } from '../../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import { type GivenUp, StreamPoller } from '../../scripts/stream-poller';
import { pushEvent, sampleOf } from '../support/events';

/**
 * The local stream poller (npm start's stand-in for the event source mapping): one record the
 * consumer cannot apply never stops the records after it. Its own table, so that the stream
 * holds only this test's records.
 */
const client = createDynamoDbClient();
const table = process.env.POLLER_CDR_TABLE_NAME as string;

it('halves a failing batch down to the record at fault, sets it aside, and hands every other record once it applies', async () => {
  const push = createPushHandler({
    store: new DynamoDbRecordStore(client, table),
    quarantine: new DynamoDbQuarantineStore(client, process.env.QUARANTINE_TABLE_NAME as string),
  });
  for (let n = 0; n < 30; n++) {
    const body = sampleOf('cdr', { SessionId: `poison-${n}`, EndedTimestamp: 1_900_000_000 + n });
    expect(JSON.parse((await push(pushEvent(body, { query: { action: 'cdr', version: '1' } }))).body).ErrCode).toBe(0);
  }
  const applied = new Set<string>();
  const sessionOf = (record: DynamoDBStreamEvent['Records'][number]) => record.dynamodb?.Keys?.SessionId?.S as string;
  // The consumer throws on any batch holding poison-17 (as a whole-batch failure would).
  const consumer = async (event: DynamoDBStreamEvent) => {
    if (event.Records.some((record) => sessionOf(record) === 'poison-17')) throw new Error('cannot apply');
    for (const record of event.Records) applied.add(sessionOf(record));
    return { batchItemFailures: [] };
  };
  const givenUp: GivenUp[] = [];
  const poller = new StreamPoller(client, table, consumer, 10, (record) => givenUp.push(record));
  for (let poll = 0; poll < 20 && applied.size < 29; poll++) await poller.pollOnce();
  expect(givenUp.map((record) => (record.keys as { SessionId: { S: string } }).SessionId.S)).toEqual(['poison-17']);
  expect([...applied].sort()).toEqual(
    Array.from({ length: 30 }, (_, n) => `poison-${n}`)
      .filter((id) => id !== 'poison-17')
      .sort(),
  );
  // Nothing comes again once set aside.
  expect(await poller.pollOnce()).toBe(0);
}, 60_000);
