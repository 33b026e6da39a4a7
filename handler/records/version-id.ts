import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted, so that equal records hash equally whatever their key order.
 * Every push hashes its record: plain loops, no intermediate arrays. The output must never
 * change, or stored versionIds would stop matching their records' re-pushes.
 */
function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i === 0 ? '' : ','}${canonicalJson(value[i])}`;
    return `${out}]`;
  }
  const keys = Object.keys(value).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    out += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`;
  }
  return `${out}}`;
}

/** The identity of a record's content: 128 bits of SHA-256, hex. */
export function versionIdOf(record: unknown): string {
  return hash('sha256', canonicalJson(record), 'hex').slice(0, 32);
}
