import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so that equal records hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The identity of a record's content: 128 bits of SHA-256, hex. */
export function versionIdOf(record: unknown): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex').slice(0, 32);
}
