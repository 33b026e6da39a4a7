import { unmarshall } from '@aws-sdk/util-dynamodb';
import { handler as push } from '../../handler/functions/push';
import { rawItems } from '../support/dynamodb';
import { pushEvent, sampleOf } from '../support/events';

const pushCdr = (body: unknown) => push(pushEvent(body, { query: { action: 'cdr', version: '1' } }));

describe('query-index attributes: on the current item only', () => {
  it('puts the index keys on a new record, moves them with a newer version, and never puts them on a version item', async () => {
    const first = sampleOf('cdr', { EndedTimestamp: 1_962_403_200 + 100 });
    expect(JSON.parse((await pushCdr(first)).body).ErrCode).toBe(0);
    const [item] = (await rawItems(first.SessionId)).map((raw) => unmarshall(raw));
    expect(item).toMatchObject({
      qEnd: expect.stringMatching(/^cdr#2032-03-09#[0-3]$/),
      qSort: expect.stringMatching(/^0000001962403300#[0-9a-f]{32}$/),
      qSeat: 'cdr#agent1@example.com',
      qStatus: 'ok',
      qSkillName: 'sales',
      qSkillId: 1001,
    });

    const newer = { ...first, EndedTimestamp: 1_962_403_200 + 90_000, SeatUser: { UserId: 'agent9@example.com' } };
    await pushCdr(newer);
    const items = (await rawItems(first.SessionId)).map((raw) => unmarshall(raw));
    const current = items.filter((stored) => stored.recordKey.startsWith('R#'));
    const versions = items.filter((stored) => stored.recordKey.startsWith('V#'));
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({
      qEnd: expect.stringMatching(/^cdr#2032-03-10#[0-3]$/),
      qSort: expect.stringMatching(/^0000001962493200#/),
      qSeat: 'cdr#agent9@example.com',
    });
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) {
      expect(Object.keys(version).filter((name) => name.startsWith('q'))).toEqual([]);
    }
  });

  it('keys a record without an agent in byEndTime only, and a recording without facets', async () => {
    const { SeatUser: _seat, ...unattended } = sampleOf('cdr', { AcceptTimestamp: 0, EndStatusString: 'noSeatOnline' });
    await pushCdr(unattended);
    const [cdr] = (await rawItems(unattended.SessionId as string)).map((raw) => unmarshall(raw));
    expect(cdr?.qSeat).toBeUndefined();
    expect(cdr).toMatchObject({ qEnd: expect.any(String), qStatus: 'noSeatOnline' });

    const recording = sampleOf('record');
    await push(pushEvent(recording, { query: { action: 'record', version: '1' } }));
    const [stored] = (await rawItems(recording.SessionId)).map((raw) => unmarshall(raw));
    expect(
      Object.keys(stored ?? {})
        .filter((name) => name.startsWith('q'))
        .sort(),
    ).toEqual(['qEnd', 'qSort']);
  });
});
