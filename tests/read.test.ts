import { handler as push } from '../handler/functions/push';
import { handler as read } from '../handler/functions/read';
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
      expect(JSON.parse(reply.body)).toEqual({
        ErrCode: 1007,
        ErrMsg: 'nothing stored for SessionId "no-such-session"',
      });
    }
  });
});

describe('read routes: by route template, ids checked, nothing a client sets trusted', () => {
  it('answers GET /cdrs/versions with the record whose SessionId is "versions", not a versions list', async () => {
    const record = sampleRecord({ SessionId: 'versions' });
    await push(pushEvent(record));

    const reply = await read(readEvent('versions'));

    expect(reply.statusCode).toBe(200);
    expect(JSON.parse(reply.body).record).toEqual(record);
  });

  it('refuses a 10 KB SessionId with 400 / 1009 naming the parameter, not 503', async () => {
    const reply = await read(readEvent('s'.repeat(10_000)));

    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(reply.body)).toEqual({
      ErrCode: 1009,
      ErrMsg: 'path parameter SessionId must be 1 to 256 characters',
    });
  });

  it('escapes and bounds the SessionId it echoes', async () => {
    const reply = await read(readEvent(`\u001b]0;owned\u0007\u202e${'x'.repeat(200)}`));

    const { ErrMsg } = JSON.parse(reply.body);
    expect(ErrMsg).not.toMatch(/[\p{Cc}\u202e]/u);
    expect(ErrMsg).toContain('\\u{1b}]0;owned\\u{7}\\u{202e}');
    expect(ErrMsg.length).toBeLessThan(120);
  });

  it('answers a route it does not serve with 404, whatever the path says', async () => {
    const event = readEvent('x');
    const reply = await read({ ...event, routeKey: 'GET /cdrs/{SessionId}/other' });

    expect(reply.statusCode).toBe(404);
    expect(JSON.parse(reply.body).ErrMsg).toBe('no such route');
  });

  it('ignores an IAM authorizer context when not deployed: serverless-offline fills it from a client header', async () => {
    const { createReadHandler } = await import('../handler/functions/read');
    const { loadAuthConfig } = await import('../handler/auth/auth-config');
    const { countingStore } = await import('./support/dynamodb');
    const guarded = createReadHandler({
      store: countingStore().store,
      loadAuth: () => loadAuthConfig({ TCCC_AUTH: 'basic', TCCC_BASIC_USERNAME: 'u', TCCC_BASIC_PASSWORD: 'p' }),
      deployed: false,
    });
    const event = readEvent('anything');
    const forged = { ...event, requestContext: { ...event.requestContext, authorizer: { iam: {} } } };

    const reply = await guarded(forged as never);

    expect(reply.statusCode).toBe(401);
  });
});
