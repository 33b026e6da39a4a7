import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createPushHandler } from '../../handler/functions/push';
import { countingStore, quarantineStore, rawCurrentItem, rawItems, storedRecord } from '../support/dynamodb';
import { pushEvent, sampleRecord } from '../support/events';

/** A push handler on a store that counts the writes DynamoDB Local carried out. */
function countedReceiver() {
  const { store, counts } = countingStore();
  const handler = createPushHandler({ store, quarantine: quarantineStore() });
  const push = async (record: unknown, pushId?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json;charset=utf8' };
    if (pushId) headers['x-tccc-push-uuid'] = pushId;
    const reply = await handler(pushEvent(record, { headers }));
    return JSON.parse(reply.body) as { ErrCode: number; ErrMsg: string };
  };
  return { push, store, counts };
}

const videoVersions = async (store: ReturnType<typeof countingStore>['store'], sessionId: string) =>
  (await store.versions(sessionId, 'videoCdr')).map((version) => version.record);

describe('DynamoDbRecordStore: one write per new record, exactly once, versions kept', () => {
  it('stores a new record as one item with one write', async () => {
    const { push, counts } = countedReceiver();
    const record = sampleRecord();

    expect(await push(record, 'uuid-1')).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });

    expect(counts.writes).toBe(1);
    const items = await rawItems(record.SessionId);
    expect(items).toHaveLength(1);
    expect(unmarshall(items[0] ?? {})).toMatchObject({
      SessionId: record.SessionId,
      recordKey: `R#videoCdr#${record.SdkAppId}`,
      action: 'videoCdr',
      ordering: record.EndedTimestamp,
      record,
    });
  });

  it('answers a retry with the same push id ErrCode 0 and writes nothing', async () => {
    const { push, counts } = countedReceiver();
    const record = sampleRecord();
    await push(record, 'uuid-1');
    const before = await rawItems(record.SessionId);

    expect(await push(record, 'uuid-1')).toEqual({ ErrCode: 0, ErrMsg: 'ok: already stored' });

    expect(counts.writes).toBe(1);
    expect(await rawItems(record.SessionId)).toEqual(before);
  });

  it('stores concurrent identical pushes once, acknowledging all of them', async () => {
    const { push, counts } = countedReceiver();
    const record = sampleRecord();

    const replies = await Promise.all(Array.from({ length: 8 }, () => push(record, 'same-push')));

    expect(replies.map((reply) => reply.ErrCode)).toEqual(Array(8).fill(0));
    expect(replies.filter((reply) => reply.ErrMsg === 'ok: stored')).toHaveLength(1);
    expect(counts.writes).toBe(1);
    expect(await rawItems(record.SessionId)).toHaveLength(1);
  });

  it('makes a later-ending version current and keeps the earlier one retrievable', async () => {
    const { push, store } = countedReceiver();
    const first = sampleRecord({ EndedTimestamp: 1_700_000_100, EndStatusString: 'seatForward' });
    const updated = { ...first, EndedTimestamp: 1_700_000_200, EndStatusString: 'ok' };

    await push(first, 'a');
    await push(updated, 'b');

    expect(await storedRecord(first.SessionId)).toEqual(updated);
    expect(await videoVersions(store, first.SessionId)).toEqual([first, updated]);
  });

  it('keeps an older version that arrives late without touching the current one', async () => {
    const { push, store, counts } = countedReceiver();
    const newer = sampleRecord({ EndedTimestamp: 1_700_000_200 });
    const older = { ...newer, EndedTimestamp: 1_700_000_100, EndStatusString: 'seatGiveUp' };

    await push(newer, 'n');
    const currentBefore = await rawCurrentItem(newer.SessionId);
    expect(await push(older, 'o')).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });

    expect(await rawCurrentItem(newer.SessionId)).toEqual(currentBefore);
    expect(await videoVersions(store, newer.SessionId)).toEqual([older, newer]);
    expect(counts.writes).toBe(2);
  });

  it('on equal EndedTimestamp makes the later receipt current', async () => {
    const { push } = countedReceiver();
    const first = sampleRecord({ UserRemark: 'first' });
    const second = { ...first, UserRemark: 'second' };

    await push(first);
    await push(second);

    expect(await storedRecord(first.SessionId)).toEqual(second);
  });

  it('answers a re-push of a replaced version "already stored" and keeps the current one', async () => {
    const { push, store } = countedReceiver();
    const first = sampleRecord({ UserRemark: 'first' });
    const second = { ...first, UserRemark: 'second' };
    await push(first);
    await push(second);
    const before = await rawItems(first.SessionId);

    expect(await push(first)).toEqual({ ErrCode: 0, ErrMsg: 'ok: already stored' });

    expect(await storedRecord(first.SessionId)).toEqual(second);
    expect(await rawItems(first.SessionId)).toEqual(before);
    expect(await videoVersions(store, first.SessionId)).toEqual([first, second]);
  });

  it('treats the same record with its keys in another order as the same version', async () => {
    const { push, counts } = countedReceiver();
    const record = sampleRecord();
    const reordered = Object.fromEntries(Object.entries(record).reverse());

    await push(record, 'p1');
    expect(await push(reordered, 'p2')).toEqual({ ErrCode: 0, ErrMsg: 'ok: already stored' });

    expect(counts.writes).toBe(1);
  });

  it('ends concurrent different versions with the latest EndedTimestamp current and all versions kept', async () => {
    const { push, store } = countedReceiver();
    const base = sampleRecord();
    const versions = Array.from({ length: 6 }, (_, index) => ({ ...base, EndedTimestamp: 1_700_000_000 + index }));

    const replies = await Promise.all([...versions].reverse().map((version, index) => push(version, `v${index}`)));

    expect(replies.every((reply) => reply.ErrCode === 0)).toBe(true);
    expect(await storedRecord(base.SessionId)).toEqual(versions[5]);
    expect(await videoVersions(store, base.SessionId)).toEqual(versions);
  });

  it('accepts a storm of 50 different versions with equal EndedTimestamp at once, each kept, one current', async () => {
    const { push, store, counts } = countedReceiver();
    const base = sampleRecord();
    const versions = Array.from({ length: 50 }, (_, index) => ({ ...base, UserRemark: `version ${index}` }));

    const replies = await Promise.all(versions.map((version, index) => push(version, `storm-${index}`)));

    expect(replies.filter((reply) => reply.ErrCode !== 0)).toEqual([]);
    // Even on the rarest path, saving sends nothing but PutItem: all the push function's role allows.
    expect(new Set(counts.commands)).toEqual(new Set(['PutItemCommand']));
    const kept = await videoVersions(store, base.SessionId);
    expect(kept).toHaveLength(50);
    expect(new Set(kept.map((record) => record.UserRemark))).toEqual(new Set(versions.map((v) => v.UserRemark)));
    // The current one is the highest-ranked version: the last in the versions' order.
    expect(await storedRecord(base.SessionId)).toEqual(kept[49]);
  });
});
