/**
 * The fuzz test's oracle: what the push endpoint must answer for a request, worked out
 * from README.md, the JSON Schema file and the RFCs, without any of handler/decode/.
 * It has its own strict UTF-8 decoder (RFC 3629), base64 decoder (RFC 4648), JSON parser
 * (RFC 8259), an interpreter for the few JSON Schema keywords the schema uses, and the
 * README's list of what DynamoDB cannot keep faithfully.
 */
import schemaJson from '../../schemas/video-cdr.v1.schema.json';

// ---------------------------------------------------------------- the schema, interpreted

export interface SchemaNode {
  type?: 'integer' | 'string' | 'object' | 'array';
  required?: string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  'x-known-values'?: Record<string, string>;
}

const VALIDATING_KEYWORDS = new Set([
  'type',
  'required',
  'properties',
  'items',
  'additionalProperties',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
]);
const ANNOTATION = /^(\$schema|\$id|title|description|x-.+)$/;

/** Refuses a schema this small interpreter would misjudge, rather than misjudge it silently. */
function checked(node: SchemaNode, pointer: string): SchemaNode {
  for (const [keyword, value] of Object.entries(node)) {
    if (!VALIDATING_KEYWORDS.has(keyword) && !ANNOTATION.test(keyword)) {
      throw new Error(`the fuzz oracle does not interpret keyword ${keyword} (at ${pointer}); teach it`);
    }
    if (keyword === 'additionalProperties' && value !== true) {
      throw new Error(`the fuzz oracle only knows additionalProperties: true (at ${pointer})`);
    }
  }
  for (const [name, child] of Object.entries(node.properties ?? {})) checked(child, `${pointer}/properties/${name}`);
  if (node.items) checked(node.items, `${pointer}/items`);
  return node;
}

export const SCHEMA: SchemaNode = checked(schemaJson as unknown as SchemaNode, '#');

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Length as JSON Schema counts it: in code points (a lone surrogate counts as one). */
export const codePoints = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

/** First rule of `node` that `value` breaks, or undefined. Own properties only, `__proto__` included. */
export function schemaViolation(value: unknown, node: SchemaNode = SCHEMA, pointer = ''): string | undefined {
  const at = pointer || '/';
  switch (node.type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return `${at} must be integer`;
      break;
    case 'string':
      if (typeof value !== 'string') return `${at} must be string`;
      break;
    case 'object':
      if (!isPlainObject(value)) return `${at} must be object`;
      break;
    case 'array':
      if (!Array.isArray(value)) return `${at} must be array`;
      break;
    case undefined:
      break;
  }
  if (typeof value === 'number') {
    if (node.minimum !== undefined && !(value >= node.minimum)) return `${at} must be >= ${node.minimum}`;
    if (node.maximum !== undefined && !(value <= node.maximum)) return `${at} must be <= ${node.maximum}`;
  }
  if (typeof value === 'string') {
    const length = codePoints(value);
    if (node.minLength !== undefined && length < node.minLength) return `${at} is shorter than ${node.minLength}`;
    if (node.maxLength !== undefined && length > node.maxLength) return `${at} is longer than ${node.maxLength}`;
  }
  if (isPlainObject(value)) {
    for (const name of node.required ?? []) if (!Object.hasOwn(value, name)) return `${pointer}/${name} is required`;
    const properties = node.properties ?? {};
    for (const [key, child] of Object.entries(value)) {
      const childNode = Object.hasOwn(properties, key) ? properties[key] : undefined;
      const problem = childNode && schemaViolation(child, childNode, `${pointer}/${escapePointer(key)}`);
      if (problem) return problem;
    }
  }
  if (Array.isArray(value) && node.items) {
    for (const [index, item] of value.entries()) {
      const problem = schemaViolation(item, node.items, `${pointer}/${index}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

export const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** What README's receipt lists: undocumented properties, and strings outside x-known-values. */
export function novelties(value: unknown, node: SchemaNode = SCHEMA, pointer = '') {
  const found = { unknownFields: [] as string[], unknownValues: [] as string[] };
  const walk = (child: unknown, childNode: SchemaNode, at: string) => {
    const known = childNode['x-known-values'];
    if (known && typeof child === 'string' && !Object.hasOwn(known, child)) found.unknownValues.push(`${at}=${child}`);
    if (childNode.properties && isPlainObject(child)) {
      for (const [key, grandchild] of Object.entries(child)) {
        const pointerOfKey = `${at}/${escapePointer(key)}`;
        const grandchildNode = Object.hasOwn(childNode.properties, key) ? childNode.properties[key] : undefined;
        if (grandchildNode) walk(grandchild, grandchildNode, pointerOfKey);
        else found.unknownFields.push(pointerOfKey);
      }
    }
    if (childNode.items && Array.isArray(child)) {
      for (const [index, item] of child.entries()) walk(item, childNode.items, `${at}/${index}`);
    }
  };
  walk(value, node, pointer);
  return found;
}

// ---------------------------------------------------------------- what DynamoDB cannot keep

/** DynamoDB's smallest magnitude; below it PutItem fails ("Number underflow"). */
export const DYNAMODB_MIN_MAGNITUDE = 1e-130;
/** DynamoDB refuses attribute (and map key) names of 65536 bytes or more. */
export const DYNAMODB_MAX_NAME_BYTES = 65_535;
const RESERVED_TOP_LEVEL = ['receipt', 'recordKey'];

export const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * README: refused because DynamoDB would mangle them: integers beyond 2^53, nesting
 * deeper than `maxDepth` (the record itself is level 1), empty property names, `__proto__`,
 * top-level receipt/recordKey; plus non-finite numbers and, by the ErrCode table's "holds
 * what DynamoDB cannot keep faithfully", numbers DynamoDB refuses and names it refuses.
 */
export function unstorable(value: unknown, maxDepth: number, depth = 1, pointer = ''): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `${pointer} is not finite`;
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) return `${pointer} is an integer beyond 2^53`;
    if (value !== 0 && Math.abs(value) < DYNAMODB_MIN_MAGNITUDE) return `${pointer} is below DynamoDB's range`;
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > maxDepth) return `${pointer} is nested deeper than ${maxDepth}`;
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value);
  for (const [key, child] of entries) {
    const at = `${pointer}/${escapePointer(key)}`;
    if (!Array.isArray(value)) {
      if (key === '') return `${at} has an empty name`;
      if (key === '__proto__') return `${at} is named __proto__`;
      if (depth === 1 && RESERVED_TOP_LEVEL.includes(key)) return `${at} is a name reserved by the receiver`;
      if (utf8Length(key) > DYNAMODB_MAX_NAME_BYTES) return `${at} name is longer than DynamoDB allows`;
    }
    const problem = unstorable(child, maxDepth, depth + 1, at);
    if (problem) return problem;
  }
  return undefined;
}

// ---------------------------------------------------------------- bytes: base64, UTF-8

/** The whitespace a MIME-wrapped base64 body may carry; the generators use no other. */
export const stripBase64Whitespace = (text: string): string => text.replace(/[ \t\r\n]/g, '');
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** RFC 4648 base64, padded, standard alphabet, line breaks and spaces ignored; undefined if invalid. */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  const compact = stripBase64Whitespace(text);
  // Validated by the RFC's grammar; decoding valid base64 is then the same in any decoder.
  return BASE64.test(compact) ? Buffer.from(compact, 'base64') : undefined;
}

/** RFC 3629 UTF-8, no overlongs, no surrogates, nothing past U+10FFFF; undefined if invalid. */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  for (let index = 0; index < bytes.length; ) {
    const lead = bytes[index] as number;
    if (lead < 0x80) {
      index++;
      continue;
    }
    let needed: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) needed = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      needed = 2;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      needed = 3;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else {
      return undefined;
    }
    for (let k = 1; k <= needed; k++) {
      const next = bytes[index + k];
      if (next === undefined) return undefined;
      if (next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return undefined;
    }
    index += needed + 1;
  }
  // Validated above; decoding valid UTF-8 is then the same in any decoder.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

// ---------------------------------------------------------------- JSON, strictly

class JsonSyntaxError extends Error {}

/**
 * RFC 8259 JSON text to value, as JSON.parse builds it (a repeated name keeps its first
 * position and its last value; `__proto__` becomes an own property); undefined if the
 * text is not JSON. `depth` is the deepest container nesting, the outermost being 1.
 */
export function parseJsonStrict(text: string): { value: unknown; depth: number } | undefined {
  let index = 0;
  let deepest = 0;
  const fail = (why: string): never => {
    throw new JsonSyntaxError(`${why} at ${index}`);
  };
  const skipWhitespace = () => {
    for (;;) {
      const code = text.charCodeAt(index);
      if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) index++;
      else return;
    }
  };
  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const HEX4 = /^[0-9a-fA-F]{4}$/;
  const ESCAPES: Record<string, string> = {
    '"': '"',
    '\\': '\\',
    '/': '/',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
  };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: RFC 8259 forbids them raw in a string
  const SPECIAL_IN_STRING = /["\\\u0000-\u001f]/g;
  const string = (): string => {
    index++; // the opening quote
    let out = '';
    for (;;) {
      SPECIAL_IN_STRING.lastIndex = index;
      const found = SPECIAL_IN_STRING.exec(text);
      if (!found) return fail('unterminated string');
      out += text.slice(index, found.index);
      index = found.index;
      const char = text[index] as string;
      if (char === '"') {
        index++;
        return out;
      }
      if (char !== '\\') return fail('control character in string');
      const escaped = text[index + 1] ?? '';
      if (escaped === 'u') {
        const hex = text.slice(index + 2, index + 6);
        if (!HEX4.test(hex)) fail('bad \\u escape');
        out += String.fromCharCode(Number.parseInt(hex, 16));
        index += 6;
      } else {
        const decoded = Object.hasOwn(ESCAPES, escaped) ? ESCAPES[escaped] : undefined;
        if (decoded === undefined) return fail('bad escape');
        out += decoded;
        index += 2;
      }
    }
  };
  const literal = (word: string, value: unknown) => {
    if (text.startsWith(word, index)) {
      index += word.length;
      return value;
    }
    return fail('unexpected token');
  };
  const value = (depth: number): unknown => {
    skipWhitespace();
    const char = text[index];
    if (char === '{' || char === '[') {
      deepest = Math.max(deepest, depth + 1);
      const close = char === '{' ? '}' : ']';
      index++;
      const container: Record<string, unknown> | unknown[] = char === '{' ? {} : [];
      skipWhitespace();
      if (text[index] === close) {
        index++;
        return container;
      }
      for (;;) {
        if (Array.isArray(container)) {
          container.push(value(depth + 1));
        } else {
          skipWhitespace();
          if (text[index] !== '"') fail('expected a name');
          const name = string();
          skipWhitespace();
          if (text[index] !== ':') fail('expected :');
          index++;
          Object.defineProperty(container, name, {
            value: value(depth + 1),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        skipWhitespace();
        if (text[index] === ',') {
          index++;
          continue;
        }
        if (text[index] === close) {
          index++;
          return container;
        }
        fail(`expected , or ${close}`);
      }
    }
    if (char === '"') return string();
    if (char === 't') return literal('true', true);
    if (char === 'f') return literal('false', false);
    if (char === 'n') return literal('null', null);
    NUMBER.lastIndex = index;
    const match = NUMBER.exec(text);
    if (!match) return fail('unexpected token');
    index += match[0].length;
    return Number(match[0]);
  };
  try {
    const parsed = value(0);
    skipWhitespace();
    if (index !== text.length) fail('trailing text');
    return { value: parsed, depth: deepest };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return undefined;
    throw error;
  }
}
