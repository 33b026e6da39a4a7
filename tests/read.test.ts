import { handler as push } from '../handler/push';
import { handler as read } from '../handler/read';
import { pushEvent, readEvent, sampleRecord } from './support/events';

describe('read endpoint: GET /cdrs/{SessionId}', () => {
  it('returns the stored record, nested fields included, unchanged, with its receipt', async () => {
    const record = sampleRecord();
    await push(pushEvent(record, { headers: { 'content-type': 'application/json', 'x-tccc-push-uuid': 'r-1' } }));

    const reply = await read(readEvent(record.SessionId));

    expect(reply.statusCode).toBe(200);
    const body = JSON.parse(reply.body);
    expect(body.record).toEqual(record);
    expect(body.receipt).toMatchObject({ pushId: 'r-1', action: 'videoCdr', version: '1' });
    expect(body.receipt.versionId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('lists every version under /versions', async () => {
    const first = sampleRecord({ EndedTimestamp: 1_700_000_001 });
    const second = { ...first, EndedTimestamp: 1_700_000_002 };
    await push(pushEvent(first));
    await push(pushEvent(second));

    const reply = await read(readEvent(first.SessionId, '/versions'));

    expect(JSON.parse(reply.body).versions.map((version: { record: unknown }) => version.record)).toEqual([
      first,
      second,
    ]);
  });

  it('answers 404 with an envelope for an unknown SessionId', async () => {
    for (const suffix of ['', '/versions']) {
      const reply = await read(readEvent('no-such-session', suffix));

      expect(reply.statusCode).toBe(404);
      expect(JSON.parse(reply.body)).toEqual({ ErrCode: 1007, ErrMsg: 'no record for SessionId no-such-session' });
    }
  });
});
