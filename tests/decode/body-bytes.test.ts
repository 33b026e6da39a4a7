import fc from 'fast-check';
import { bodyBytes, bodyHead } from '../../handler/http/body-bytes';
import { toHttpRequest } from '../../handler/http/http-request';
import { httpApiEvent, restApiEvent } from '../support/events';

const request = (body: string, isBase64Encoded: boolean) => toHttpRequest(httpApiEvent({ body, isBase64Encoded }));

/** Base64 as MIME writes it: lines of 76 characters, CRLF between them. */
const mimeBase64 = (bytes: Buffer) => (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

describe('bodyBytes: the body as the bytes the client sent', () => {
  it('decodes base64 with or without line breaks to the same bytes, invalid UTF-8 included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const expected = Buffer.from(bytes);
        expect(bodyBytes(request(expected.toString('base64'), true))).toEqual(expected);
        expect(bodyBytes(request(mimeBase64(expected), true))).toEqual(expected);
      }),
    );
  });

  it('takes a text body as its UTF-8 bytes, from either API Gateway flavour', () => {
    const text = '{"UserRemark":"璐璐 😀"}';

    expect(bodyBytes(request(text, false))).toEqual(Buffer.from(text, 'utf8'));
    expect(bodyBytes(toHttpRequest(restApiEvent({ body: text })))).toEqual(Buffer.from(text, 'utf8'));
  });

  it('counts the limit in decoded bytes: line breaks do not count, bytes over it do', () => {
    const exactly = Buffer.alloc(1000, 0x61);

    expect(bodyBytes(request(mimeBase64(exactly), true), 1000)).toHaveLength(1000);
    expect(() => bodyBytes(request(mimeBase64(Buffer.alloc(1001)), true), 1000)).toThrow(
      expect.objectContaining({ code: 'BODY_TOO_LARGE', message: 'body is 1001 bytes; the limit is 1000 bytes' }),
    );
    expect(() => bodyBytes(request('é'.repeat(501), false), 1000)).toThrow(
      expect.objectContaining({ code: 'BODY_TOO_LARGE', message: 'body is 1002 bytes; the limit is 1000 bytes' }),
    );
  });

  it.each([
    ['not base64', '{"a":1}', true, 'body is marked base64-encoded but is not valid base64'],
    ['base64 of the wrong length', 'eyJhIjoxfQ', true, 'body is marked base64-encoded but is not valid base64'],
    ['text with a lone surrogate', '{"a":"\ud800"}', false, 'body is not valid UTF-8'],
  ])('refuses a body that is %s', (_title, body, isBase64Encoded, message) => {
    expect(() => bodyBytes(request(body, isBase64Encoded))).toThrow(
      expect.objectContaining({ code: 'MALFORMED_BODY', message }),
    );
  });
});

describe('bodyHead: what a refused body is kept as', () => {
  it('keeps a base64 body with line breaks whole: its decoded bytes, its decoded size, not truncated', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), (bytes) => {
        const head = bodyHead(request(mimeBase64(Buffer.from(bytes)), true), 4000);
        expect(head).toEqual({ bytes: Buffer.from(bytes), size: bytes.length });
      }),
    );
  });

  it('keeps the first bytes of a larger body and the size of the whole', () => {
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, index) => index % 251));

    expect(bodyHead(request(mimeBase64(bytes), true), 1000)).toEqual({ bytes: bytes.subarray(0, 1000), size: 5000 });
    expect(bodyHead(request('😀'.repeat(300), false), 1001)).toEqual({
      bytes: Buffer.from('😀'.repeat(300)).subarray(0, 1001),
      size: 1200,
    });
    // A character cut at the edge keeps its own first byte, not a replacement character's.
    expect(bodyHead(request(`${'a'.repeat(999)}😀`, false), 1000).bytes.at(-1)).toBe(0xf0);
  });

  it('keeps a body that is not valid base64 as the text it is', () => {
    expect(bodyHead(request('{"a":1} not base64', true))).toEqual({
      bytes: Buffer.from('{"a":1} not base64'),
      size: 18,
    });
  });
});
