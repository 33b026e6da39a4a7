import type { PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import type { NewRecord } from '../../handler/records/record-store';
import { tableName } from '../support/dynamodb';
import { sampleRecord } from '../support/events';

/** May return a promise the put waits for. */
type Hook = (input: PutItemCommandInput) => unknown;

/** A store whose PutItems wait for `before` to let them go, and tell `after` they were done. */
function gatedStore(before: Hook, after: Hook = () => undefined) {
  const client = createDynamoDbClient();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PutItemCommand') return next(args);
      const input = args.input as PutItemCommandInput;
      await before(input);
      try {
        return await next(args);
      } finally {
        await after(input);
      }
    },
    { step: 'initialize', name: 'gate' },
  );
  return new DynamoDbRecordStore(client, tableName());
}

const isReplace = (input: PutItemCommandInput) => input.ConditionExpression?.includes(':seen') ?? false;
const isVersionPut = (input: PutItemCommandInput) => String(input.Item?.recordKey?.S).startsWith('V#');

function newRecord(record: ReturnType<typeof sampleRecord>, requestId: string): NewRecord {
  return {
    sessionId: record.SessionId,
    action: 'videoCdr',
    naturalKey: String(record.SdkAppId),
    ordering: record.EndedTimestamp,
    record,
    receipt: { receivedAt: new Date().toISOString(), action: 'videoCdr', version: '1', requestId },
  };
}

describe('DynamoDbRecordStore: two pushes of one new version at once', () => {
  it('answers "stored" to the push that kept the version, even when the other one made it current', async () => {
    const first = sampleRecord({ EndedTimestamp: 1_700_000_100 });
    const later = { ...first, EndedTimestamp: 1_700_000_200 };
    await gatedStore(() => undefined).save(newRecord(first, 'first'));

    // A keeps the new version first; B, which finds it kept, makes it current before A gets to.
    let keptByA!: () => void;
    const aKept = new Promise<void>((resolve) => (keptByA = resolve));
    let bDone!: () => void;
    const bFinished = new Promise<void>((resolve) => (bDone = resolve));
    const a = gatedStore(
      (input) => (isReplace(input) ? bFinished : undefined),
      (input) => (isVersionPut(input) ? keptByA() : undefined),
    );
    const b = gatedStore((input) => (isVersionPut(input) ? aKept : undefined));
    const savingA = a.save(newRecord(later, 'a'));
    const savingB = b.save(newRecord(later, 'b')).finally(bDone);

    const outcomes = await Promise.all([savingA, savingB]);

    expect(outcomes).toEqual(['stored', 'duplicate']);
    expect((await a.currentRecords(first.SessionId)).map((stored) => stored.receipt.requestId)).toEqual(['a']);
  });
});
