import { decodeJsonObject } from '../../handler/decode/json-body';
import { toHttpRequest } from '../../handler/http/http-request';
import { httpApiEvent } from '../support/events';

const decode = (headers: Record<string, string>, body: string, isBase64Encoded = false) =>
  decodeJsonObject(toHttpRequest(httpApiEvent({ headers, body, isBase64Encoded })));

describe('decodeJsonObject', () => {
  it.each([
    'application/json;charset=utf8',
    'application/json; charset=utf-8',
    'Application/JSON;Charset=UTF8',
    'application/json',
  ])('accepts Content-Type %s', async (contentType) => {
    await expect(decode({ 'content-type': contentType }, '{"a":1}')).resolves.toEqual({ a: 1 });
  });

  it.each(['text/plain', 'application/json;charset=latin1', 'json', ''])(
    'refuses Content-Type "%s"',
    async (contentType) => {
      await expect(decode({ 'content-type': contentType }, '{}')).rejects.toThrow(
        expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' }),
      );
    },
  );

  it('refuses a missing Content-Type', async () => {
    await expect(decode({}, '{}')).rejects.toThrow(expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' }));
  });

  it('decodes base64 and strips a UTF-8 byte order mark', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"名":"璐璐"}')]).toString('base64');

    await expect(decode({ 'content-type': 'application/json' }, body, true)).resolves.toEqual({ 名: '璐璐' });
  });

  it.each([
    ['not base64', '@@@@', true, /not valid base64/],
    ['empty', '', false, /empty/],
    ['truncated JSON', '{"a":', false, /not valid JSON/],
  ])('refuses a body that is %s', async (_title, body, isBase64Encoded, message) => {
    await expect(decode({ 'content-type': 'application/json' }, body, isBase64Encoded)).rejects.toThrow(
      expect.objectContaining({ code: 'MALFORMED_BODY', message: expect.stringMatching(message) }),
    );
  });

  it('measures the size in bytes, not characters', async () => {
    const body = JSON.stringify({ ClientData: '璐'.repeat(50_000) }); // 150 KB of UTF-8 in 50 K characters

    await expect(decode({ 'content-type': 'application/json' }, body)).rejects.toThrow(
      expect.objectContaining({ code: 'BODY_TOO_LARGE' }),
    );
  });
});
