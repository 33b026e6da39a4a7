/** A place in a JSON value, as the keys and indexes leading to it; turned into text only when reported. */
export type JsonPath = ReadonlyArray<string | number>;

/** RFC 6901: `["SeatUser", "a/b"]` is `/SeatUser/a~1b`; the empty path is `/`. */
export function toPointer(path: JsonPath): string {
  if (path.length === 0) return '/';
  return path.map((key) => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
