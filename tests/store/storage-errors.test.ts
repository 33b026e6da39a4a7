import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { Misconfigured, StorageUnavailable } from '../../handler/common/errors';
import { createPushHandler } from '../../handler/functions/push';
import { createReadHandler } from '../../handler/functions/read';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import { quarantineStore, tableName } from '../support/dynamodb';
import { pushEvent, readEvent, sampleRecord } from '../support/events';

/** Real refusals from DynamoDB Local: only an availability fault may tell TCCC to push again. */
describe('storage errors: 503 only for genuine availability faults', () => {
  it('treats a request DynamoDB refuses as our own fault (500), not as unavailability', async () => {
    const store = new DynamoDbRecordStore(createDynamoDbClient(), tableName());

    // DynamoDB refuses an empty key (and keys over 2,048 bytes): the reads check ids first; this is the store alone.
    const refusal = await store.currentRecords('').catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(Error);
    expect(refusal).not.toBeInstanceOf(StorageUnavailable);
    expect((refusal as Error).message).toMatch(/DynamoDB Query failed: ValidationException/);
  });

  it('answers a missing table as a misconfiguration (500 / 2002), not 503', async () => {
    const store = new DynamoDbRecordStore(createDynamoDbClient(), 'no-such-table');
    expect(await store.currentRecords('x').catch((error: unknown) => error)).toBeInstanceOf(Misconfigured);

    const push = createPushHandler({ store, quarantine: quarantineStore() });
    const read = createReadHandler({ store, deployed: true });
    const pushed = await push(pushEvent(sampleRecord()));
    const event = readEvent('x');
    const readReply = await read({
      ...event,
      requestContext: { ...event.requestContext, authorizer: { iam: {} } },
    } as never);

    expect([pushed.statusCode, JSON.parse(pushed.body).ErrCode]).toEqual([500, 2002]);
    expect([readReply.statusCode, JSON.parse(readReply.body).ErrCode]).toEqual([500, 2002]);
  });
});
