import type { KnownShape } from '../push-types/known-shape';

/**
 * The identifiers a record holds for the people in it: the phone numbers and user ids under the
 * fields its schema marks `x-identifier` (the schemas are the one list), in a canonical form, so
 * that a person asked for in one form is found in whichever form TCCC wrote it. A field the
 * schema does not know counts when its value reads as a phone number (TCCC's next field may be
 * one). Names, free text and URLs are personal data but find no one: they are erased with the
 * sessions a person is found in (docs/privacy.md).
 */
export const MAX_IDENTIFIER_CHARS = 128;
/** Shorter values (`A1`, `0`) identify no one and would pile up under one key. */
export const MIN_IDENTIFIER_CHARS = 3;

/** Separators people and systems write inside a phone number. */
const PHONE_SEPARATORS = /[\s\-().]/g;
const PHONE_LIKE = /^(\+|00)?\d{5,20}$/;
/** A mainland mobile number written with the country code but no `+` or `00`: 86 1xx xxxx xxxx. */
const BARE_86_MOBILE = /^861[3-9]\d{9}$/;
const PHONE = 'tel:';

/**
 * `tel:<digits>` for what reads as a phone number: China's country code (`+86`, `0086`) and the
 * trunk `0` dropped, so `008613800000001`, `+86 138 0000 0001` and `13800000001` agree, as do
 * `0086075500000002` and `0755-0000-0002`; another country's code is kept as `tel:+<digits>`.
 * Anything else is `id:` as written (trimmed). Undefined for what is too short or too long.
 */
export function canonicalIdentifier(value: string | number): string | undefined {
  const text = String(value).trim();
  if (text.length < MIN_IDENTIFIER_CHARS || text.length > MAX_IDENTIFIER_CHARS) return undefined;
  const compact = text.replace(PHONE_SEPARATORS, '');
  if (!PHONE_LIKE.test(compact)) return `id:${text}`;
  let digits = compact.replace(/^\+|^00/, '');
  const international = compact !== digits;
  if ((international && digits.startsWith('86')) || BARE_86_MOBILE.test(digits)) digits = digits.slice(2);
  else if (international) return `${PHONE}+${digits}`;
  return `${PHONE}${digits.replace(/^0+/, '')}`;
}

export const isPhone = (canonical: string): boolean => canonical.startsWith(PHONE);

/**
 * Lookup items one record may write, at most. Each is a write unit on every push of a new record:
 * without a bound, a 128 KiB body of thousands of phone-like values under fields the schema does
 * not know (or a ServeParticipants list of thousands) would cost thousands. Documented fields
 * come first; TCCC's records hold 1 to 5.
 */
export const MAX_IDENTIFIERS_PER_RECORD = 32;

/**
 * The identifiers of `record`, each canonical form once: those under the documented
 * `x-identifier` fields first, then phone numbers under fields the schema does not know, at most
 * `limit` (a quarantined body, only searched in memory, takes them all).
 */
export function identifiersOf(record: unknown, shape: KnownShape, limit = MAX_IDENTIFIERS_PER_RECORD): string[] {
  const marked = new Set<string>();
  const unknown = new Set<string>();
  const add = (node: unknown, into: Set<string>, phonesOnly: boolean): void => {
    if (typeof node === 'string' || typeof node === 'number') {
      const canonical = canonicalIdentifier(node);
      if (canonical !== undefined && (!phonesOnly || isPhone(canonical))) into.add(canonical);
    } else if (Array.isArray(node)) {
      for (const item of node) add(item, into, phonesOnly);
    } else if (typeof node === 'object' && node !== null) {
      for (const child of Object.values(node)) add(child, into, phonesOnly);
    }
  };
  const walk = (node: unknown, nodeShape: KnownShape): void => {
    if (nodeShape.identifier) {
      add(node, marked, false);
    } else if (Array.isArray(node)) {
      for (const item of node) if (nodeShape.items) walk(item, nodeShape.items);
    } else if (typeof node === 'object' && node !== null && nodeShape.properties) {
      const properties = nodeShape.properties;
      for (const [key, child] of Object.entries(node)) {
        if (Object.hasOwn(properties, key)) walk(child, properties[key] as KnownShape);
        else add(child, unknown, true);
      }
    }
  };
  walk(record, shape);
  return [...new Set([...marked, ...unknown])].slice(0, limit);
}
