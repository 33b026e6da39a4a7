import { handler as push } from '../handler/functions/push';
import { handler as read } from '../handler/functions/read';
import { rawItems } from './support/dynamodb';
import { pushEvent, readEvent, sampleOf } from './support/events';

/** A push of `body` as TCCC sends `action` (voicemail without `version`). */
const pushAs = (action: string, body: unknown, query: Record<string, string> = { action, version: '1' }) =>
  push(pushEvent(body, { query }));
const envelope = async (reply: Promise<{ body: string }>) => JSON.parse((await reply).body);
const readSession = async (sessionId: string, suffix = '') =>
  JSON.parse((await read(readEvent(sessionId, suffix, '/sessions'))).body);

describe('every push type on one URL, all records of a session under its SessionId', () => {
  it('stores a cdr and its two recordings under one SessionId, each one item, and reads them back', async () => {
    const cdr = sampleOf('cdr');
    const agentSide = sampleOf('record', { SessionId: cdr.SessionId });
    const callerSide = sampleOf('record-caller', { SessionId: cdr.SessionId });

    for (const [action, body] of [
      ['cdr', cdr],
      ['record', agentSide],
      ['record', callerSide],
    ] as const) {
      expect(await envelope(pushAs(action, body))).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
    }

    expect(await rawItems(cdr.SessionId)).toHaveLength(3);
    const session = await readSession(cdr.SessionId);
    expect(session.SessionId).toBe(cdr.SessionId);
    expect(session.items.map((item: { action: string; record: unknown }) => [item.action, item.record])).toEqual(
      expect.arrayContaining([
        ['cdr', cdr],
        ['record', agentSide],
        ['record', callerSide],
      ]),
    );
    expect(session.items).toHaveLength(3);
  });

  it('takes voicemail with and without version=1, two messages of one session apart', async () => {
    const first = sampleOf('voicemail');
    const second = { ...first, Timestamp: (first.Timestamp as number) + 60, RecordURL: `${first.RecordURL}?2` };

    expect((await envelope(pushAs('voicemail', first, { action: 'voicemail' }))).ErrCode).toBe(0);
    expect((await envelope(pushAs('voicemail', second, { action: 'voicemail', version: '1' }))).ErrCode).toBe(0);
    expect(await envelope(pushAs('voicemail', first, { action: 'voicemail' }))).toEqual({
      ErrCode: 0,
      ErrMsg: 'ok: already stored',
    });

    const session = await readSession(first.SessionId);
    expect(session.items.map((item: { record: unknown }) => item.record)).toEqual([first, second]);
    expect(session.items[0].receipt.version).toBeUndefined();
  });

  it('refuses voicemail with an unknown version, and an unknown action, with 1003', async () => {
    const body = sampleOf('voicemail');

    expect((await envelope(pushAs('voicemail', body, { action: 'voicemail', version: '2' }))).ErrCode).toBe(1003);
    expect((await envelope(pushAs('x', body, { action: 'recordings', version: '1' }))).ErrCode).toBe(1003);
    expect(await rawItems(body.SessionId)).toEqual([]);
  });

  it('lists every distinct version of each record under /sessions/{SessionId}/versions', async () => {
    const im = sampleOf('imcdr');
    const later = { ...im, EndedTimestamp: (im.EndedTimestamp as number) + 10, EndStatusString: 'autoFinished' };
    await pushAs('imcdr', im);
    await pushAs('imcdr', later);

    const versions = await readSession(im.SessionId, '/versions');

    expect(versions.items.map((item: { record: unknown }) => item.record)).toEqual([im, later]);
    expect((await readSession(im.SessionId)).items.map((item: { record: unknown }) => item.record)).toEqual([later]);
  });

  it('keeps GET /cdrs/{SessionId} to the video CDR of a session', async () => {
    const video = sampleOf('video-cdr');
    const record = sampleOf('record', { SessionId: video.SessionId });
    await pushAs('record', record);

    expect((await read(readEvent(video.SessionId))).statusCode).toBe(404);
    await pushAs('videoCdr', video);
    expect(JSON.parse((await read(readEvent(video.SessionId))).body).record).toEqual(video);
  });
});
