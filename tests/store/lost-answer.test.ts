// Before the handler's modules load: metrics on, so that what the push counts can be read.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

import { randomUUID } from 'node:crypto';
import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { createPushHandler } from '../../handler/functions/push';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import { quarantineStore, rawItems, tableName } from '../support/dynamodb';
import { captureJsonLines, emfMetrics } from '../support/emf';
import { pushEvent, sampleRecord } from '../support/events';

/**
 * A write that DynamoDB applied but whose answer never came back: the connection was reset after
 * the request went out. That cannot be produced on DynamoDB Local for real, so a middleware below
 * the SDK's retry performs the chosen PutItem and then throws the network error the SDK's HTTP
 * handler throws for a reset; the SDK retries it (ECONNRESET is transient), as it does deployed.
 */
function receiverLosingAnswers() {
  const client = createDynamoDbClient();
  const lose = { next: undefined as undefined | ((key: string) => boolean), attempts: [] as string[] };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as { Item?: { recordKey?: { S?: string } } };
      if (context.commandName !== 'PutItemCommand') return result;
      const key = input.Item?.recordKey?.S ?? '';
      lose.attempts.push(key);
      if (lose.next?.(key)) {
        lose.next = undefined;
        throw Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
      }
      return result;
    },
    // Inside each attempt: below the retry middleware (finalizeRequest), around the HTTP call.
    { step: 'deserialize', name: 'loseTheAnswer' },
  );
  const handler = createPushHandler({
    store: new DynamoDbRecordStore(client, tableName()),
    quarantine: quarantineStore(),
  });
  const push = async (record: Record<string, unknown>) => {
    let reply: Awaited<ReturnType<typeof handler>> | undefined;
    const lines = await captureJsonLines(async () => {
      reply = await handler(pushEvent(record));
    });
    const counted = emfMetrics(lines)
      .filter((metric) => Object.keys(metric.dimensions).join() === 'service')
      .map((metric) => metric.name);
    return { ...(JSON.parse(reply?.body ?? '{}') as { ErrCode: number; ErrMsg: string }), counted };
  };
  return { push, lose };
}

describe('a push whose first write was applied but whose answer was lost to the SDK’s retry', () => {
  it('is answered and counted as stored, once; TCCC’s own retry of it is the duplicate', async () => {
    const { push, lose } = receiverLosingAnswers();
    const record = sampleRecord({ SessionId: `lost-answer-${randomUUID()}` });
    lose.next = (key) => key.startsWith('R#');

    expect(await push(record)).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored', counted: ['PushAccepted'] });
    // The first attempt wrote, the SDK's retry found it there.
    expect(lose.attempts.filter((key) => key.startsWith('R#'))).toHaveLength(2);
    expect(await rawItems(record.SessionId)).toHaveLength(1);

    // Another request (TCCC retries when an answer does not reach it): that one is the duplicate.
    expect(await push(record)).toEqual({ ErrCode: 0, ErrMsg: 'ok: already stored', counted: ['PushDuplicate'] });
    expect(await rawItems(record.SessionId)).toHaveLength(1);
  });

  it('is a new version, not a duplicate, when the lost answer was its version item’s', async () => {
    const { push, lose } = receiverLosingAnswers();
    const first = sampleRecord({ SessionId: `lost-answer-${randomUUID()}` });
    const newer = { ...first, EndedTimestamp: (first.EndedTimestamp as number) + 60 };
    expect((await push(first)).ErrMsg).toBe('ok: stored');

    lose.next = (key) => key.startsWith('V#');
    expect(await push(newer)).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored', counted: ['PushAccepted'] });
    const keys = (await rawItems(first.SessionId)).map((item) => item.recordKey?.S?.slice(0, 2));
    // The newer version current, both kept as version items.
    expect(keys).toEqual(['R#', 'V#', 'V#']);

    expect(await push(newer)).toEqual({ ErrCode: 0, ErrMsg: 'ok: already stored', counted: ['PushDuplicate'] });
  });
});
