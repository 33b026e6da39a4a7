import { Refusal } from '../../handler/common/errors';
import { decodePush } from '../../handler/decode/decode-push';
import { toHttpRequest } from '../../handler/http/http-request';
import { pushEvent, sampleRecord } from '../support/events';

async function refusalOf(body: unknown): Promise<Refusal> {
  try {
    await decodePush(toHttpRequest(pushEvent(body)));
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('decodePush: the video CDR schema', () => {
  it('accepts a record with only the required fields', async () => {
    const record = {
      SdkAppId: 1400000214,
      SessionId: 's-1',
      StartTimestamp: 1,
      EndedTimestamp: 2,
      EndStatusString: 'ok',
    };

    const push = await decodePush(toHttpRequest(pushEvent(record)));

    expect(push.record).toEqual(record);
    expect(push.novelties).toEqual({ unknownFields: [], unknownValues: [] });
  });

  it('accepts a Duration that disagrees with the timestamps, as in the original sample', async () => {
    const record = sampleRecord({ AcceptTimestamp: 0, StartTimestamp: 100, EndedTimestamp: 115, Duration: 15 });

    expect((await decodePush(toHttpRequest(pushEvent(record)))).record).toEqual(record);
  });

  it('names every offending field and rule at once', async () => {
    const refusal = await refusalOf(sampleRecord({ SessionId: '', SdkAppId: 1.5, SeatUser: { Phone: 123 } }));

    expect(refusal.code).toBe('SCHEMA_VIOLATION');
    expect(refusal.message).toContain('/SessionId must NOT have fewer than 1 characters');
    expect(refusal.message).toContain('/SdkAppId must be integer');
    expect(refusal.message).toContain('/SeatUser/Phone must be string');
  });

  it('refuses a SdkAppId beyond the safe integer range', async () => {
    expect((await refusalOf(sampleRecord({ SdkAppId: 2 ** 53 }))).message).toContain(
      '/SdkAppId must be <= 9007199254740991',
    );
  });

  it('refuses an over-long SessionId', async () => {
    expect((await refusalOf(sampleRecord({ SessionId: 's'.repeat(257) }))).message).toContain(
      '/SessionId must NOT have more than 256 characters',
    );
  });

  it('refuses a SeatUser that is not an object and a list that is not an array', async () => {
    expect((await refusalOf(sampleRecord({ SeatUser: 'agent' }))).message).toContain('/SeatUser must be object');
    expect((await refusalOf(sampleRecord({ SeatUser: { SkillGroupNameList: 'lulu' } }))).message).toContain(
      '/SeatUser/SkillGroupNameList must be array',
    );
  });

  it('refuses a JSON value that is not an object', async () => {
    for (const body of [[], 'text', 42, null]) {
      expect(await refusalOf(body)).toMatchObject({
        code: 'MALFORMED_BODY',
        message: expect.stringMatching(/expected an object/),
      });
    }
  });

  it('caps the list of problems so ErrMsg stays readable', async () => {
    const record: Record<string, unknown> = {};
    for (const field of [
      'SdkAppId',
      'StartTimestamp',
      'EndedTimestamp',
      'AcceptTimestamp',
      'Duration',
      'QueuedSkillGroupId',
    ]) {
      record[field] = 'x';
    }
    Object.assign(record, {
      SessionId: 1,
      EndStatusString: 2,
      UserId: 3,
      UserNickName: 4,
      UserRemark: 5,
      ClientData: 6,
    });

    expect((await refusalOf(record)).message).toMatch(/; and 2 more$/);
  });

  it('refuses what DynamoDB cannot hold faithfully: empty names, deep nesting, __proto__', async () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 40; level++) deep = { Nested: deep };
    const record = JSON.stringify(sampleRecord({ Extra: { '': 1 }, Deep: deep })).replace(
      /}$/,
      ',"Sneaky":{"__proto__":{"polluted":true}}}',
    );

    const refusal = await (async () => {
      try {
        await decodePush(toHttpRequest({ ...pushEvent({}), body: record }));
      } catch (error) {
        return error as Refusal;
      }
      throw new Error('expected a refusal');
    })();

    expect(refusal.message).toContain('/Extra/ property name is empty');
    expect(refusal.message).toContain('is nested deeper than 31 levels');
    expect(refusal.message).toContain('/Sneaky/__proto__ property name __proto__ is not accepted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
