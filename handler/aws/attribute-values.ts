import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * JSON to DynamoDB attribute values, by JSON type alone. util-dynamodb's marshall tells
 * objects apart by `value.constructor.name`, which a pushed property named `constructor`
 * fools; a record is data, and is converted as such.
 */
export function toAttributeValue(value: unknown): AttributeValue {
  if (value === null) return { NULL: true };
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
      return { N: String(value) };
    case 'boolean':
      return { BOOL: value };
    case 'object':
      if (value instanceof Uint8Array) return { B: value };
      if (Array.isArray(value)) return { L: value.map(toAttributeValue) };
      return { M: toAttributeMap(value as Record<string, unknown>) };
    default:
      throw new TypeError(`a ${typeof value} cannot be stored`);
  }
}

/** An item: every property that is not undefined. */
export function toAttributeMap(object: Record<string, unknown>): Record<string, AttributeValue> {
  const map: Record<string, AttributeValue> = {};
  for (const [key, child] of Object.entries(object)) {
    if (child !== undefined) map[key] = toAttributeValue(child);
  }
  return map;
}
