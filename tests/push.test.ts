import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { ERR_CODES, type ErrCodeName } from '../handler/common/errors';
import { MAX_BODY_BYTES } from '../handler/common/limits';
import { handler } from '../handler/functions/push';
import { rawCurrentItem, rawItems } from './support/dynamodb';
import { httpApiEvent, pushEvent, restApiEvent, samplePrintedText, sampleRecord } from './support/events';

function envelopeOf(reply: APIGatewayProxyResult) {
  expect(reply.headers?.['content-type']).toBe('application/json');
  return JSON.parse(reply.body) as { ErrCode: number; ErrMsg: string };
}

function expectRefusal(reply: APIGatewayProxyResult, name: ErrCodeName, errMsg?: RegExp) {
  const envelope = envelopeOf(reply);
  expect({ status: reply.statusCode, ErrCode: envelope.ErrCode }).toEqual({
    status: ERR_CODES[name].status,
    ErrCode: ERR_CODES[name].errCode,
  });
  if (errMsg) expect(envelope.ErrMsg).toMatch(errMsg);
}

/** Through the real handler into DynamoDB Local, and read back from the table itself. */
describe('push endpoint, through the real handler into DynamoDB Local', () => {
  it('stores the original sample (repaired) with every field intact and its receipt', async () => {
    const record = sampleRecord();
    const event = pushEvent(record, {
      headers: { 'content-type': 'application/json;charset=utf8', 'x-tccc-push-uuid': 'push-1' },
    });

    const reply = await handler(event);

    expect(reply.statusCode).toBe(200);
    expect(envelopeOf(reply)).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
    const item = await rawCurrentItem(record.SessionId);
    expect(item?.record?.M?.SeatUser?.M?.SkillGroupNameList?.L).toEqual([{ S: 'lulu' }]);
    expect(item?.record?.M?.SdkAppId).toEqual({ N: '1400000214' });
    const { recordKey, receipt, record: stored } = unmarshall(item ?? {});
    expect(stored).toEqual(record);
    expect(recordKey).toBe('R#videoCdr#1400000214');
    expect(receipt).toMatchObject({
      action: 'videoCdr',
      version: '1',
      pushId: 'push-1',
      requestId: event.requestContext.requestId,
    });
    expect(Date.parse(receipt.receivedAt)).not.toBeNaN();
  });

  it('refuses the original sample as printed (invalid JSON) with a clear envelope, storing nothing', async () => {
    const reply = await handler(httpApiEvent({ body: samplePrintedText() }));

    expectRefusal(reply, 'MALFORMED_BODY', /not valid JSON/);
  });

  it.each(['ok', 'seatGiveUp', 'seatForward', 'ringingGiveUp', 'noSeatOnline', 'notWorkTime', 'error'])(
    'stores a record that ended with EndStatusString %s, unflagged',
    async (status) => {
      const record = sampleRecord({ EndStatusString: status });

      const reply = await handler(pushEvent(record));

      expect(envelopeOf(reply).ErrCode).toBe(0);
      const { receipt } = unmarshall((await rawCurrentItem(record.SessionId)) ?? {});
      expect(receipt.unknownValues).toBeUndefined();
    },
  );

  it('keeps and flags fields and EndStatusString values TCCC adds later', async () => {
    const record = sampleRecord({
      EndStatusString: 'aiAgentFinished',
      Satisfaction: { Label: 'good', Id: 1 },
      SeatUser: { ...sampleRecord().SeatUser, Team: 'night' },
    });

    const reply = await handler(pushEvent(record));

    expect(envelopeOf(reply).ErrCode).toBe(0);
    const { receipt, record: stored } = unmarshall((await rawCurrentItem(record.SessionId)) ?? {});
    expect(stored).toEqual(record);
    expect(receipt.unknownFields).toEqual(['/SeatUser/Team', '/Satisfaction']);
    expect(receipt.unknownValues).toEqual(['/EndStatusString=aiAgentFinished']);
  });

  it('stores a REST API (payload v1) event with a base64 body and mixed-case headers', async () => {
    const record = sampleRecord();
    const event = restApiEvent({
      headers: { 'Content-Type': 'application/json; charset=UTF-8', 'X-Tccc-Push-Uuid': 'rest-push' },
      body: Buffer.from(JSON.stringify(record)).toString('base64'),
      isBase64Encoded: true,
    });

    const reply = await handler(event);

    expect(envelopeOf(reply).ErrCode).toBe(0);
    const { receipt, record: stored } = unmarshall((await rawCurrentItem(record.SessionId)) ?? {});
    expect(stored).toEqual(record);
    expect(receipt.pushId).toBe('rest-push');
  });

  it('stores an HTTP API event with a base64 body', async () => {
    const record = sampleRecord();
    const body = Buffer.from(JSON.stringify(record)).toString('base64');

    const reply = await handler(httpApiEvent({ body, isBase64Encoded: true }));

    expect(envelopeOf(reply).ErrCode).toBe(0);
    expect(await rawCurrentItem(record.SessionId)).toBeDefined();
  });

  it('stores fields named like the receiver’s own attributes as pushed, beside the receipt', async () => {
    const record = sampleRecord({ receipt: 'forged', recordKey: 'R#forged', action: 'cdr' });

    expect(envelopeOf(await handler(pushEvent(record))).ErrCode).toBe(0);

    const item = unmarshall((await rawCurrentItem(record.SessionId)) ?? {});
    expect(item.record).toEqual(record);
    expect(item).toMatchObject({ recordKey: `R#videoCdr#${record.SdkAppId}`, action: 'videoCdr' });
    expect(item.receipt.action).toBe('videoCdr');
  });

  it('answers a re-push of the same record ErrCode 0 and leaves one intact item', async () => {
    const record = sampleRecord();
    await handler(pushEvent(record));
    const before = await rawItems(record.SessionId);

    const reply = await handler(pushEvent(record));

    expect(envelopeOf(reply)).toEqual({ ErrCode: 0, ErrMsg: 'ok: already stored' });
    expect(await rawItems(record.SessionId)).toEqual(before);
  });

  describe('refuses bad requests with a specific envelope and stores nothing', () => {
    type Attempt = () => { sessionId: string; event: Parameters<typeof handler>[0] };
    /** The sample record with `overrides`, pushed as `spec` says. */
    const pushOf =
      (overrides: Record<string, unknown> = {}, spec: Parameters<typeof pushEvent>[1] = {}): Attempt =>
      () => {
        const record = sampleRecord(overrides);
        return { sessionId: record.SessionId, event: pushEvent(record, spec) };
      };
    const cases: Array<[string, Attempt, ErrCodeName, RegExp]> = [
      ['a wrong type', pushOf({ SdkAppId: '1400000214' }), 'SCHEMA_VIOLATION', /\/SdkAppId must be integer/],
      [
        'a wrong type deep inside SeatUser',
        pushOf({ SeatUser: { SkillGroupNameList: ['a', 7] } }),
        'SCHEMA_VIOLATION',
        /\/SeatUser\/SkillGroupNameList\/1 must be string/,
      ],
      [
        'a missing required key',
        () => {
          const { EndedTimestamp: _dropped, ...record } = sampleRecord();
          return { sessionId: record.SessionId, event: pushEvent(record) };
        },
        'SCHEMA_VIOLATION',
        /\/EndedTimestamp is required/,
      ],
      ['a negative timestamp', pushOf({ StartTimestamp: -1 }), 'SCHEMA_VIOLATION', /\/StartTimestamp must be >= 0/],
      [
        'an integer beyond 2^53 in an undocumented field',
        () => {
          const record = sampleRecord();
          const body = JSON.stringify(record).replace(/}$/, ',"Big":123456789012345678901}');
          return { sessionId: record.SessionId, event: httpApiEvent({ body }) };
        },
        'SCHEMA_VIOLATION',
        /\/Big integer is beyond 2\^53/,
      ],
      [
        'an unknown action',
        pushOf({}, { query: { action: 'specifiedSeat', version: '1' } }),
        'UNKNOWN_PUSH_TYPE',
        /action is not one of cdr, record, voicemail, imcdr, videoCdr$/,
      ],
      [
        'an unknown version',
        pushOf({}, { query: { action: 'videoCdr', version: '2' } }),
        'UNKNOWN_PUSH_TYPE',
        /version is not accepted for action=videoCdr; expected 1$/,
      ],
      ['no query string', pushOf({}, { query: null }), 'UNKNOWN_PUSH_TYPE', /action is missing/],
      ['a GET', pushOf({}, { method: 'GET' }), 'METHOD_NOT_ALLOWED', /method GET/],
      [
        'a form content type',
        pushOf({}, { headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
        'UNSUPPORTED_MEDIA_TYPE',
        /expected application\/json;charset=utf8/,
      ],
      [
        'a charset other than UTF-8',
        pushOf({}, { headers: { 'content-type': 'application/json;charset=gbk' } }),
        'UNSUPPORTED_MEDIA_TYPE',
        /charset=gbk/,
      ],
      [
        'a body over the cap',
        pushOf({ ClientData: 'x'.repeat(MAX_BODY_BYTES) }),
        'BODY_TOO_LARGE',
        new RegExp(`limit is ${MAX_BODY_BYTES} bytes`),
      ],
      [
        'a base64 body over the cap',
        () => {
          const record = sampleRecord({ ClientData: 'x'.repeat(MAX_BODY_BYTES) });
          const body = Buffer.from(JSON.stringify(record)).toString('base64');
          return { sessionId: record.SessionId, event: httpApiEvent({ body, isBase64Encoded: true }) };
        },
        'BODY_TOO_LARGE',
        /limit/,
      ],
      [
        'invalid UTF-8',
        () => {
          const record = sampleRecord();
          const bytes = Buffer.concat([
            Buffer.from(JSON.stringify(record).slice(0, -1)),
            Buffer.from([0xc3, 0x28, 0x7d]),
          ]);
          return {
            sessionId: record.SessionId,
            event: httpApiEvent({ body: bytes.toString('base64'), isBase64Encoded: true }),
          };
        },
        'MALFORMED_BODY',
        /not valid UTF-8/,
      ],
    ];

    it.each(cases)('%s', async (_title, make, name, errMsg) => {
      const { sessionId, event } = make();

      const reply = await handler(event);

      expectRefusal(reply, name, errMsg);
      expect(await rawItems(sessionId)).toEqual([]);
    });
  });

  it('answers an event it cannot read at all with INTERNAL_ERROR rather than throwing', async () => {
    const reply = await handler({} as never);

    expectRefusal(reply, 'INTERNAL_ERROR');
  });
});

describe('receipts stay bounded, so a valid push always fits in its item', () => {
  it('stores a cdr with 16,000 undocumented fields, listing the first 100 of them and how many more', async () => {
    const { sampleOf } = await import('./support/events');
    const record = sampleOf('cdr', { ServeParticipants: Array.from({ length: 16_000 }, () => ({ a: 0 })) });

    const reply = await handler(pushEvent(record, { query: { action: 'cdr', version: '1' } }));

    expect(envelopeOf(reply)).toEqual({ ErrCode: 0, ErrMsg: 'ok: stored' });
    const { receipt, record: stored } = unmarshall((await rawCurrentItem(record.SessionId, 'cdr')) ?? {});
    expect(stored).toEqual(record);
    expect(receipt.unknownFields).toHaveLength(100);
    expect(receipt.unknownFields[0]).toBe('/ServeParticipants/0/a');
    expect(receipt.unknownFieldsOmitted).toBe(15_900);
  });
});
