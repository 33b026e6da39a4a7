import { createHash } from 'node:crypto';

/**
 * The key a report groups a dimension value under (an agent, a skill group, a status).
 * Real TCCC values are short (an agent's id is an e-mail or a phone number, a skill group a
 * name of a few words), but a push may carry any string: a report key is bounded so that
 * no aggregate item grows with the length of a pushed value (handler/reports/README.md).
 * A value of up to MAX_KEY_CHARS is its own key; a longer one is keyed by its first
 * LABEL_CHARS characters and a digest of the whole, so two long values never share a key.
 * Accepting the push is not affected: only its report key is shortened.
 */
export const MAX_KEY_CHARS = 256;
const LABEL_CHARS = 200;
const DIGEST_HEX = 16;

export function reportKeyOf(value: string | null): string | null {
  if (value === null || value.length <= MAX_KEY_CHARS) return value;
  const digest = createHash('sha256').update(value).digest('hex').slice(0, DIGEST_HEX);
  // Not cut inside a surrogate pair: the label stays valid UTF-16 (and valid UTF-8 when stored).
  const cut = /[\uD800-\uDBFF]/.test(value.charAt(LABEL_CHARS - 1)) ? LABEL_CHARS - 1 : LABEL_CHARS;
  return `${value.slice(0, cut)}…~${digest}`;
}
