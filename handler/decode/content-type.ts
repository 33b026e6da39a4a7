import { parse } from 'content-type';

/** A request's media type and charset, both lower-cased (they are case-insensitive). */
export interface MediaType {
  readonly type: string;
  readonly charset: string | undefined;
}

/**
 * The one parser of a Content-Type header (RFC 9110 section 8.3): `undefined` when the header
 * is absent or cannot be parsed. Callers say which they expected; the header is client text,
 * so a refusal quotes it only escaped and bounded (escape.ts `quoted`).
 */
export function mediaTypeOf(header: string | undefined): MediaType | undefined {
  if (header === undefined) return undefined;
  try {
    const { type, parameters } = parse(header);
    return { type, charset: parameters.charset?.toLowerCase() };
  } catch {
    return undefined;
  }
}
