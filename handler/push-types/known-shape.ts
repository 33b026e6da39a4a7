import { toPointer } from './json-pointer';
/**
 * The documented shape of a record, generated from its JSON Schema (see
 * scripts/codegen.mjs): which properties each object has, which values a string is
 * known to take, which fields are personal data. Used to make what TCCC adds after the
 * schema visible (never to refuse it), and to keep personal data out of the logs.
 */
export interface KnownShape {
  properties?: Record<string, KnownShape>;
  items?: KnownShape;
  knownValues?: readonly string[];
  /** Personal data (x-personal-data): never written to a log. */
  personal?: boolean;
  /**
   * A personal field whose value finds its person (x-identifier): a phone number or a user id,
   * which erasure is asked by (handler/privacy/identifiers.ts).
   */
  identifier?: boolean;
}

export const REDACTED = '[redacted]';

/**
 * A copy of `value` fit for a log line: every field the schema marks as personal data
 * replaced, and so is every field it does not know (TCCC's next field may be a phone number).
 */
export function redactPersonalData(value: unknown, shape: KnownShape): unknown {
  if (shape.personal) return REDACTED;
  if (Array.isArray(value))
    return shape.items ? value.map((item) => redactPersonalData(item, shape.items as KnownShape)) : value;
  if (typeof value !== 'object' || value === null || !shape.properties) return value;
  const properties = shape.properties;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => {
      const childShape = Object.hasOwn(properties, key) ? properties[key] : undefined;
      return [key, childShape ? redactPersonalData(child, childShape) : REDACTED];
    }),
  );
}

export interface Novelties {
  /** JSON Pointers of properties the schema does not document, e.g. `/SeatUser/Team`. */
  unknownFields: string[];
  /** Documented strings or integers holding a value outside the known ones, e.g. `/EndStatusString=aiFinished`. */
  unknownValues: string[];
}

/** Walks a value that already passed the schema, so the types are the documented ones. */
export function findNovelties(value: unknown, shape: KnownShape): Novelties {
  const found: Novelties = { unknownFields: [], unknownValues: [] };
  const path: Array<string | number> = [];
  const walk = (node: unknown, nodeShape: KnownShape): void => {
    // Integer enums (the voice CDR's Direction, CallType) list their values as JSON object keys, i.e. strings.
    const scalar = typeof node === 'string' || typeof node === 'number' ? String(node) : undefined;
    if (nodeShape.knownValues && scalar !== undefined && !nodeShape.knownValues.includes(scalar)) {
      found.unknownValues.push(`${toPointer(path)}=${scalar}`);
    }
    if (nodeShape.items && Array.isArray(node)) {
      for (const [index, item] of node.entries()) {
        path.push(index);
        walk(item, nodeShape.items);
        path.pop();
      }
    }
    const properties = nodeShape.properties;
    if (properties && typeof node === 'object' && node !== null && !Array.isArray(node)) {
      for (const [key, child] of Object.entries(node)) {
        const childShape = Object.hasOwn(properties, key) ? properties[key] : undefined;
        path.push(key);
        if (childShape) walk(child, childShape);
        else found.unknownFields.push(toPointer(path));
        path.pop();
      }
    }
  };
  walk(value, shape);
  return found;
}
