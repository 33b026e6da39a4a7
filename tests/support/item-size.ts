import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * An item's size as DynamoDB counts it against the 400 KB limit and for capacity: each
 * attribute's name in UTF-8 plus its value (a string in UTF-8, a number as about one byte per
 * two digits plus one, a map or list 3 bytes plus one per element plus its elements).
 */
export function itemBytes(item: Record<string, AttributeValue>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name) + valueBytes(value);
  return bytes;
}

function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.M !== undefined) return 3 + Object.values(value.M).length + itemBytes(value.M);
  if (value.L !== undefined) return 3 + value.L.length + value.L.reduce((sum, element) => sum + valueBytes(element), 0);
  throw new Error(`itemBytes: an attribute type this code does not write: ${Object.keys(value).join(',')}`);
}
