import { canonicalIdentifier, identifiersOf } from './identifiers';

/** Longest quoted string looked at in a body that is not JSON: a SessionId or an identifier, not free text. */
const MAX_QUOTED = 256;

/**
 * Who and which session a quarantined body names. A refused push may be anything (that may be
 * why it was refused), so every value counts, under any field: from its JSON when it parses,
 * else from its digit runs and quoted strings.
 */
export function quarantinedNames(body: Uint8Array): { identifiers: Set<string>; sessionId?: string } {
  const text = Buffer.from(body).toString('utf8');
  const identifiers = new Set<string>();
  const add = (value: string | number) => {
    const canonical = canonicalIdentifier(value);
    if (canonical) identifiers.add(canonical);
  };
  try {
    const json = JSON.parse(text) as unknown;
    // Every value, under any field: the whole body read as one identifier field.
    for (const canonical of identifiersOf(json, { identifier: true }, Number.POSITIVE_INFINITY))
      identifiers.add(canonical);
    const id = (json as { SessionId?: unknown } | null)?.SessionId;
    return { identifiers, ...(typeof id === 'string' && { sessionId: id }) };
  } catch {
    for (const run of text.match(/\+?\d[\d\s\-().]{4,}\d/g) ?? []) add(run);
    for (const [, quoted] of text.matchAll(new RegExp(`"([^"\\\\]{1,${MAX_QUOTED}})"`, 'g'))) add(quoted as string);
    const sessionId = new RegExp(`"SessionId"\\s*:\\s*"([^"\\\\]{1,${MAX_QUOTED}})"`).exec(text)?.[1];
    return { identifiers, ...(sessionId !== undefined && { sessionId }) };
  }
}
