import { mediaTypeOf } from '../../handler/http/content-type';

describe('mediaTypeOf: the one Content-Type parser', () => {
  it.each([
    ['application/json;charset=utf8', { type: 'application/json', charset: 'utf8' }],
    ['Application/JSON; Charset="UTF-8"', { type: 'application/json', charset: 'utf-8' }],
    ['application/x-www-form-urlencoded', { type: 'application/x-www-form-urlencoded', charset: undefined }],
  ])('parses %s', (header, expected) => {
    expect(mediaTypeOf(header)).toEqual(expected);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['not a media type', 'json'],
  ])('has no media type when the header is %s', (_title, header) => {
    expect(mediaTypeOf(header)).toBeUndefined();
  });
});
