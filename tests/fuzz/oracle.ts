/**
 * The fuzz test's oracle: what the push endpoint must answer for a request, worked out
 * from README.md, issue 7's table of push types, the JSON Schema files and the RFCs,
 * without any of handler/decode/. It has its own table of the five push types, strict
 * UTF-8 decoder (RFC 3629), base64 decoder (RFC 4648), JSON parser (RFC 8259), an
 * interpreter for the few JSON Schema keywords the schemas use, and the README's list of
 * what DynamoDB cannot keep faithfully. Only the receiver's limits are shared with it.
 */
import type { ErrCodeName } from '../../handler/common/errors';
import { MAX_BODY_BYTES, MAX_NATURAL_KEY_BYTES, MAX_NESTING_DEPTH } from '../../handler/common/limits';
import cdrSchema from '../../schemas/cdr.v1.schema.json';
import imcdrSchema from '../../schemas/imcdr.v1.schema.json';
import recordSchema from '../../schemas/record.v1.schema.json';
import videoCdrSchema from '../../schemas/video-cdr.v1.schema.json';
import voicemailSchema from '../../schemas/voicemail.v1.schema.json';

// ---------------------------------------------------------------- the schemas, interpreted

export type JsonType = 'integer' | 'string' | 'object' | 'array' | 'null';

export interface SchemaNode {
  type?: JsonType | JsonType[];
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

export const typesOf = (node: SchemaNode): JsonType[] =>
  node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];

// ---------------------------------------------------------------- the push types

/** One push type as issue 7 describes it: its query, its schema, what identifies and orders its records. */
export interface OraclePushType {
  action: string;
  /** Accepted `version` query values; null: none sent (voicemail). */
  versions: Array<string | null>;
  schema: SchemaNode;
  /** With SessionId, the fields that identify one record of the type. */
  naturalKey: string[];
  /** The field that orders a record's versions. */
  ordering: string;
}

const pushType = (
  action: string,
  versions: Array<string | null>,
  schema: unknown,
  naturalKey: string[],
  ordering: string,
): OraclePushType => ({ action, versions, schema: checked(schema as SchemaNode, action), naturalKey, ordering });

export const PUSH_TYPES: readonly OraclePushType[] = [
  pushType('cdr', ['1'], cdrSchema, ['SdkAppId'], 'EndedTimestamp'),
  pushType('record', ['1'], recordSchema, ['SdkAppId', 'RecordId'], 'Timestamp'),
  pushType('voicemail', [null, '1'], voicemailSchema, ['SdkAppId', 'Timestamp'], 'Timestamp'),
  pushType('imcdr', ['1'], imcdrSchema, ['SdkAppId'], 'EndedTimestamp'),
  pushType('videoCdr', ['1'], videoCdrSchema, ['SdkAppId'], 'EndedTimestamp'),
];

export const ACTIONS = PUSH_TYPES.map((type) => type.action);

export const pushTypeOf = (action: string): OraclePushType => {
  const type = PUSH_TYPES.find((candidate) => candidate.action === action);
  if (!type) throw new Error(`no push type ${action}`);
  return type;
};

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Length as JSON Schema counts it: in code points (a lone surrogate counts as one). */
export const codePoints = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

export const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'string':
      return typeof value === 'string';
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
  }
}

/** First rule of `node` that `value` breaks, or undefined. Own properties only, `__proto__` included. */
export function schemaViolation(value: unknown, node: SchemaNode, pointer = ''): string | undefined {
  const at = pointer || '/';
  const types = typesOf(node);
  if (types.length > 0 && !types.some((type) => hasType(value, type))) return `${at} must be ${types.join(',')}`;
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

export interface Novelties {
  unknownFields: string[];
  unknownValues: string[];
}

/** What README's receipt lists: undocumented properties, and strings or integers outside x-known-values. */
export function novelties(value: unknown, node: SchemaNode): Novelties {
  const found: Novelties = { unknownFields: [], unknownValues: [] };
  const walk = (child: unknown, childNode: SchemaNode, at: string) => {
    const known = childNode['x-known-values'];
    if (known && (typeof child === 'string' || typeof child === 'number') && !Object.hasOwn(known, String(child))) {
      found.unknownValues.push(`${at}=${child}`);
    }
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
  walk(value, node, '');
  return found;
}

// ---------------------------------------------------------------- what DynamoDB cannot keep

/** DynamoDB's smallest magnitude; below it PutItem fails ("Number underflow"). */
export const DYNAMODB_MIN_MAGNITUDE = 1e-130;
/** DynamoDB refuses attribute (and map key) names of 65536 bytes or more. */
export const DYNAMODB_MAX_NAME_BYTES = 65_535;

export const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * README: refused because DynamoDB would mangle them: integers beyond 2^53, nesting
 * deeper than `maxDepth` (the record itself is level 1), empty property names,
 * `__proto__`; plus non-finite numbers and, by the ErrCode table's "holds what DynamoDB
 * cannot keep faithfully", numbers DynamoDB refuses and names it refuses.
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
      if (utf8Length(key) > DYNAMODB_MAX_NAME_BYTES) return `${at} name is longer than DynamoDB allows`;
    }
    const problem = unstorable(child, maxDepth, depth + 1, at);
    if (problem) return problem;
  }
  return undefined;
}

/** Issue 7: the natural-key fields' values joined by '#', e.g. `1400000214#rec-1`. */
export const naturalKeyOf = (type: OraclePushType, record: Record<string, unknown>): string =>
  type.naturalKey.map((field) => String(record[field])).join('#');

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

const JSON_NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/**
 * RFC 8259's string: unescaped characters from U+0020 but '"' and '\\', and the escapes it lists.
 * One character per repetition: `[^…]+` inside `(…)*` backtracks exponentially on an unterminated string.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: RFC 8259 forbids them raw in a string
const JSON_STRING = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;

/**
 * RFC 8259 JSON text to value, as JSON.parse builds it (a repeated name keeps its first
 * position and its last value; `__proto__` becomes an own property); undefined if the
 * text is not JSON.
 */
export function parseJsonStrict(text: string): { value: unknown } | undefined {
  let index = 0;
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
  // Validated by the RFC's grammar; decoding a valid string token is then the same in any decoder.
  const string = (): string => {
    JSON_STRING.lastIndex = index;
    const match = JSON_STRING.exec(text);
    if (!match) return fail('bad string');
    index += match[0].length;
    return JSON.parse(match[0]);
  };
  const literal = (word: string, value: unknown) => {
    if (text.startsWith(word, index)) {
      index += word.length;
      return value;
    }
    return fail('unexpected token');
  };
  const container = (close: '}' | ']'): unknown => {
    index++;
    const out: Record<string, unknown> | unknown[] = close === '}' ? {} : [];
    skipWhitespace();
    if (text[index] === close) {
      index++;
      return out;
    }
    for (;;) {
      if (Array.isArray(out)) {
        out.push(value());
      } else {
        skipWhitespace();
        if (text[index] !== '"') fail('expected a name');
        const name = string();
        skipWhitespace();
        if (text[index] !== ':') fail('expected :');
        index++;
        Object.defineProperty(out, name, { value: value(), enumerable: true, writable: true, configurable: true });
      }
      skipWhitespace();
      if (text[index] === ',') {
        index++;
        continue;
      }
      if (text[index] === close) {
        index++;
        return out;
      }
      fail(`expected , or ${close}`);
    }
  };
  const value = (): unknown => {
    skipWhitespace();
    const char = text[index];
    if (char === '{') return container('}');
    if (char === '[') return container(']');
    if (char === '"') return string();
    if (char === 't') return literal('true', true);
    if (char === 'f') return literal('false', false);
    if (char === 'n') return literal('null', null);
    JSON_NUMBER.lastIndex = index;
    const match = JSON_NUMBER.exec(text);
    if (!match) return fail('unexpected token');
    index += match[0].length;
    return Number(match[0]);
  };
  try {
    const parsed = value();
    skipWhitespace();
    if (index !== text.length) fail('trailing text');
    return { value: parsed };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return undefined;
    throw error;
  }
}

/** The oracle's own parser must agree with the platform's, or the oracle is wrong. */
function crossCheckWithJsonParse(text: string, parsed: ReturnType<typeof parseJsonStrict>): void {
  let platform: { value: unknown } | undefined;
  try {
    platform = { value: JSON.parse(text) };
  } catch {
    platform = undefined;
  }
  // Compared as JSON texts: isDeepStrictEqual recurses too deeply for the deepest documents.
  if (
    (parsed === undefined) !== (platform === undefined) ||
    (parsed && JSON.stringify(parsed.value) !== JSON.stringify(platform?.value))
  ) {
    throw new Error(
      `fuzz oracle bug: its JSON parser and JSON.parse disagree on ${JSON.stringify(text.slice(0, 300))}`,
    );
  }
}

// ---------------------------------------------------------------- the verdict

/** A request as the oracle sees it: what was sent, not how the test built it. */
export interface PushRequest {
  method: string;
  /** Query parameters in order, repeats allowed; null: no query string. */
  query: ReadonlyArray<readonly [string, string]> | null;
  /** Every Content-Type header sent (any casing), and whether README accepts its value. */
  contentTypes: ReadonlyArray<{ ok: boolean }>;
  body: string;
  isBase64Encoded: boolean;
}

/** What an accepted push must leave in the table. */
export interface Accepted {
  type: OraclePushType;
  /** The `version` query parameter, when one was sent. */
  version: string | undefined;
  /** What JSON.parse gives for the body. */
  record: Record<string, unknown>;
  sessionId: string;
  naturalKey: string;
  ordering: number;
  novelties: Novelties;
}

export interface Verdict {
  code: ErrCodeName;
  why: string;
  accepted?: Accepted;
}

/** With the u flag only an unpaired surrogate is a code point of category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

const JSON_TYPE = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** The body's text, or why it has none: size cap, base64, UTF-8, in README's order. */
function bodyText(request: PushRequest): string | Verdict {
  if (request.isBase64Encoded) {
    const bytes = decodeBase64Strict(request.body);
    // Undecodable base64 has no exact size: its would-be size (the generators keep those far from the cap).
    const size = bytes?.length ?? Math.floor((stripBase64Whitespace(request.body).length * 3) / 4);
    if (size > MAX_BODY_BYTES) return { code: 'BODY_TOO_LARGE', why: `${size} bytes` };
    if (bytes === undefined) return { code: 'MALFORMED_BODY', why: 'invalid base64' };
    const decoded = decodeUtf8Strict(bytes);
    return decoded ?? { code: 'MALFORMED_BODY', why: 'invalid UTF-8' };
  }
  // API Gateway decoded the bytes already: the text is what was sent, if it is the decoding of any bytes at all.
  const size = utf8Length(request.body);
  if (size > MAX_BODY_BYTES) return { code: 'BODY_TOO_LARGE', why: `${size} bytes` };
  if (LONE_SURROGATE.test(request.body)) return { code: 'MALFORMED_BODY', why: 'a lone surrogate: not UTF-8' };
  return request.body;
}

/** README's checks, in README's order: method, action/version, content type, size, base64/UTF-8/JSON, schema, storability. */
export function verdictFor(request: PushRequest): Verdict {
  if (request.method !== 'POST') return { code: 'METHOD_NOT_ALLOWED', why: `method ${request.method}` };

  // A repeated parameter reaches the handler joined with commas (HTTP API), or as several values (REST API).
  const values = (name: string) => (request.query ?? []).filter(([key]) => key === name).map(([, value]) => value);
  const [actions, versions] = [values('action'), values('version')];
  const type = actions.length === 1 ? PUSH_TYPES.find((candidate) => candidate.action === actions[0]) : undefined;
  const version = versions.length === 0 ? null : versions.length === 1 ? versions[0] : versions.join(',');
  if (!type || version === undefined || !type.versions.includes(version)) {
    return { code: 'UNKNOWN_PUSH_TYPE', why: `action ${JSON.stringify(actions)}, version ${JSON.stringify(versions)}` };
  }

  if (request.contentTypes.length !== 1) {
    return { code: 'UNSUPPORTED_MEDIA_TYPE', why: `${request.contentTypes.length} Content-Type headers` };
  }
  if (!request.contentTypes[0]?.ok) return { code: 'UNSUPPORTED_MEDIA_TYPE', why: 'Content-Type not accepted' };

  const body = bodyText(request);
  if (typeof body !== 'string') return body;
  // RFC 8259 §8.1: a parser MAY ignore a byte order mark; the receiver does.
  const text = body.startsWith('\ufeff') ? body.slice(1) : body;
  const parsed = parseJsonStrict(text);
  crossCheckWithJsonParse(text, parsed);
  if (parsed === undefined) return { code: 'MALFORMED_BODY', why: 'invalid JSON' };
  if (!isPlainObject(parsed.value)) return { code: 'MALFORMED_BODY', why: `JSON ${JSON_TYPE(parsed.value)}` };

  const record = parsed.value;
  const violation = schemaViolation(record, type.schema);
  if (violation) return { code: 'SCHEMA_VIOLATION', why: violation };
  const problem = unstorable(record, MAX_NESTING_DEPTH);
  if (problem) return { code: 'SCHEMA_VIOLATION', why: `unstorable: ${problem}` };
  const naturalKey = naturalKeyOf(type, record);
  if (utf8Length(naturalKey) > MAX_NATURAL_KEY_BYTES) {
    return { code: 'SCHEMA_VIOLATION', why: `natural key of ${utf8Length(naturalKey)} bytes` };
  }
  return {
    code: 'OK',
    why: 'valid',
    accepted: {
      type,
      version: version ?? undefined,
      record: JSON.parse(text),
      sessionId: record.SessionId as string,
      naturalKey,
      ordering: record[type.ordering] as number,
      novelties: novelties(record, type.schema),
    },
  };
}
