import { parse } from 'content-type';

/** RFC 9110 section 8.3.1: `type "/" subtype`, both tokens. */
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** A request's media type and charset, both lower-cased (they are case-insensitive). */
export interface MediaType {
  readonly type: string;
  readonly charset: string | undefined;
}

/**
 * The one parser of a Content-Type header (RFC 9110 section 8.3): `undefined` when the header
 * is absent or holds no `type/subtype`. Callers say which they expected; the header is client text,
 * so a refusal quotes it only escaped and bounded (escape.ts `quoted`).
 */
export function mediaTypeOf(header: string | undefined): MediaType | undefined {
  if (header === undefined) return undefined;
  // content-type@2 parses leniently and never throws: the type's shape is checked here.
  const { type, parameters } = parse(header);
  if (!MEDIA_TYPE.test(type)) return undefined;
  return { type, charset: parameters.charset?.toLowerCase() };
}
