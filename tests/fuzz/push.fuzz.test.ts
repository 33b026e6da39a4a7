/**
 * Property-based fuzzing of the push endpoint (fast-check): well over 10,000 generated
 * requests, valid and invalid, through the REAL handler into DynamoDB Local. For each
 * one, the oracle in ./oracle.ts (README, schema file and RFCs; none of handler/decode/)
 * predicts the envelope, and the test checks the reply, that nothing invalid was stored,
 * and that every valid push was stored exactly as sent.
 *
 * Replay a failure with the seed and path fast-check prints:
 *   FUZZ_SEED=<seed> FUZZ_PATH=<path> npx jest tests/fuzz
 */
process.env.TCCC_AUTH = 'none'; // before the handler is imported: this test is about decoding, not credentials
// Powertools then logs through the global console (silenced below) instead of its own stdout stream.
process.env.POWERTOOLS_DEV = 'true';
// Tables of its own (tests/support/global-setup.mjs): thousands of pushes, quarantined ones among them.
process.env.CDR_TABLE_NAME = process.env.FUZZ_CDR_TABLE_NAME;
process.env.QUARANTINE_TABLE_NAME = process.env.FUZZ_QUARANTINE_TABLE_NAME;

import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import fc from 'fast-check';
import { ERR_CODES, type ErrCodeName } from '../../handler/errors';
import { MAX_BODY_BYTES, MAX_NESTING_DEPTH } from '../../handler/limits';
import { handler } from '../../handler/push';
import { rawItems } from '../support/dynamodb';
import { httpApiEvent, restApiEvent } from '../support/events';
import {
  codePoints,
  decodeBase64Strict,
  decodeUtf8Strict,
  isPlainObject,
  novelties,
  parseJsonStrict,
  SCHEMA,
  type SchemaNode,
  schemaViolation,
  stripBase64Whitespace,
  unstorable,
  utf8Length,
} from './oracle';

type PushEvent = Parameters<typeof handler>[0];

// ================================================================ the request model
// Plain data, so that fast-check can shrink and print it. SessionIds are rendered
// unique per request (a `sid` node), so requests never see each other's records.

/** A JSON document as text will spell it: raw number spellings, repeated names, `__proto__`. */
type J =
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'lit'; text: string }
  | { k: 'bool'; v: boolean }
  | { k: 'null' }
  | { k: 'arr'; items: J[] }
  | { k: 'obj'; entries: Array<[string, J]> }
  /** `depth` nested containers around `leaf`: bit i of `kinds` makes level i an array, else {"d": …}. */
  | { k: 'deep'; depth: number; kinds: number; leaf: J }
  /** A unique string: prefix, '#', a fresh id; `total` forces its length in code points. */
  | { k: 'sid'; prefix: string; total?: number };

interface Style {
  /** 0: compact; otherwise the seed of the whitespace put between tokens. */
  ws: number;
  /** How strings are spelled: as is, non-ASCII as \u escapes, or everything but [A-Za-z0-9] escaped. */
  escape: 'none' | 'nonAscii' | 'all';
}

type Damage =
  | { kind: 'insertText'; at: number; text: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'insertBytes'; at: number; bytes: number[] }
  | {
      kind: 'base64';
      at: number;
      how: 'dropPadding' | 'badChar' | 'urlAlphabet' | 'extraPadding' | 'cut';
      char: string;
    };

type Body =
  | { kind: 'none' }
  /** Literal text, sent as is or as the base64 of its UTF-8. */
  | { kind: 'text'; text: string; base64: boolean }
  /** A literal base64 body (maybe not valid base64). */
  | { kind: 'raw64'; text: string }
  /** Arbitrary bytes, base64-encoded. */
  | { kind: 'bytes'; bytes: number[] }
  | {
      kind: 'doc';
      doc: J;
      style: Style;
      bom: boolean;
      /** null: the JSON text is the body; otherwise the base64 of its UTF-8, laid out so. */
      base64: 'plain' | 'wrapped' | 'spaced' | null;
      damage: Damage | null;
    };

/** A Content-Type value with what README says of it: only application/json, charset utf8/utf-8 or none. */
interface ContentType {
  value: string;
  ok: boolean;
}

interface RequestCase {
  format: 'v1' | 'v2';
  method: string;
  /** Query parameters in order, repeats allowed; null: no query string. */
  query: Array<[string, string]> | null;
  /** null: a REST API event with `headers: null`. */
  headers: Array<[string, string]> | null;
  contentTypes: ContentType[];
  body: Body;
}

// ================================================================ rendering

function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 8;
  };
}

const WHITESPACE = ['', ' ', '\n', '\t', '\r\n', '  ', ' \n  '];
const RUN = randomUUID().slice(0, 8);
let sequence = 0;
const freshId = () => `${RUN}.${(sequence++).toString(36)}`;

const ESCAPED = { nonAscii: /["\\]|[^\u0020-\u007e]/g, all: /[^A-Za-z0-9]/g };

function spellString(text: string, spelling: Style['escape']): string {
  if (spelling === 'none') return JSON.stringify(text);
  const spelled = text.replace(ESCAPED[spelling], (char) =>
    char === '"' || char === '\\' ? `\\${char}` : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${spelled}"`;
}

function sidValue(node: Extract<J, { k: 'sid' }>): string {
  const tail = `#${freshId()}`;
  if (node.total === undefined) return `${node.prefix}${tail}`;
  if (node.total === 0) return '';
  const room = Math.max(0, node.total - codePoints(tail));
  const prefix = [...node.prefix].slice(0, room);
  while (prefix.length < room) prefix.push(prefix.length % 2 === 0 ? '会' : 'x');
  return prefix.join('') + tail;
}

/** The JSON text of `doc`; every SessionId-like string it spelled is pushed onto `sids`. */
function renderJson(doc: J, style: Style, sids: string[]): string {
  const random = seededRandom(style.ws);
  const space = () => (style.ws === 0 ? '' : (WHITESPACE[random() % WHITESPACE.length] as string));
  const out: string[] = [];
  const walk = (node: J): void => {
    out.push(space());
    switch (node.k) {
      case 'str':
        out.push(spellString(node.v, style.escape));
        break;
      case 'sid': {
        const value = sidValue(node);
        sids.push(value);
        out.push(spellString(value, style.escape));
        break;
      }
      case 'num':
        out.push(JSON.stringify(node.v));
        break;
      case 'lit':
        out.push(node.text);
        break;
      case 'bool':
        out.push(String(node.v));
        break;
      case 'null':
        out.push('null');
        break;
      case 'arr':
        out.push('[');
        node.items.forEach((item, index) => {
          if (index > 0) out.push(',');
          walk(item);
        });
        out.push(space(), ']');
        break;
      case 'deep': {
        const isArray = (level: number) => (node.kinds >> (level % 30)) & 1;
        for (let level = 0; level < node.depth; level++) out.push(isArray(level) ? '[' : '{"d":');
        walk(node.leaf);
        for (let level = node.depth - 1; level >= 0; level--) out.push(isArray(level) ? ']' : '}');
        break;
      }
      case 'obj':
        out.push('{');
        node.entries.forEach(([key, value], index) => {
          if (index > 0) out.push(',');
          out.push(space(), spellString(key, style.escape), space(), ':');
          walk(value);
        });
        out.push(space(), '}');
        break;
    }
    out.push(space());
  };
  walk(doc);
  return out.join('');
}

function wrapBase64(text: string, layout: 'plain' | 'wrapped' | 'spaced'): string {
  if (layout === 'plain') return text;
  const width = layout === 'wrapped' ? 76 : 13;
  const separator = layout === 'wrapped' ? '\r\n' : ' ';
  const lines: string[] = [];
  for (let index = 0; index < text.length; index += width) lines.push(text.slice(index, index + width));
  return lines.join(separator);
}

function damageBase64(text: string, damage: Extract<Damage, { kind: 'base64' }>): string {
  const at = damage.at % (text.length + 1);
  switch (damage.how) {
    case 'dropPadding':
      return text.replace(/=+$/, '');
    case 'badChar':
      return text.slice(0, at) + damage.char + text.slice(at);
    case 'urlAlphabet':
      return text.replace(/\+/g, '-').replace(/\//g, '_');
    case 'extraPadding':
      return `${text}=`;
    case 'cut':
      return text.slice(0, at);
  }
}

interface Rendered {
  event: PushEvent;
  requestId: string;
  /** What the body field carries and how. */
  body: string;
  isBase64Encoded: boolean;
  /** Every SessionId-like string the request spelled (unique: nothing may be stored under it unless valid). */
  sids: string[];
}

function renderBody(body: Body, sids: string[]): { body: string | undefined; isBase64Encoded: boolean } {
  switch (body.kind) {
    case 'none':
      return { body: undefined, isBase64Encoded: false };
    case 'text':
      return body.base64
        ? { body: Buffer.from(body.text, 'utf8').toString('base64'), isBase64Encoded: true }
        : { body: body.text, isBase64Encoded: false };
    case 'raw64':
      return { body: body.text, isBase64Encoded: true };
    case 'bytes':
      return { body: Buffer.from(body.bytes).toString('base64'), isBase64Encoded: true };
    case 'doc': {
      let text = (body.bom ? '\ufeff' : '') + renderJson(body.doc, body.style, sids);
      const damage = body.damage;
      if (damage?.kind === 'insertText') {
        const at = damage.at % (text.length + 1);
        text = text.slice(0, at) + damage.text + text.slice(at);
      } else if (damage?.kind === 'truncate') {
        text = text.slice(0, damage.at % text.length);
      }
      let layout = body.base64 ?? (damage?.kind === 'insertBytes' || damage?.kind === 'base64' ? 'plain' : null);
      if (layout === null) return { body: text, isBase64Encoded: false };
      let bytes = Buffer.from(text, 'utf8');
      // Line breaks only well under the cap: API Gateway never sends them, and the size of a
      // wrapped body near the cap is a question of its own (see the size-cap property).
      if (bytes.length > 100_000) layout = 'plain';
      if (damage?.kind === 'insertBytes') {
        const at = damage.at % (bytes.length + 1);
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(damage.bytes), bytes.subarray(at)]);
      }
      let encoded = bytes.toString('base64');
      if (damage?.kind === 'base64') encoded = damageBase64(encoded, damage);
      return { body: wrapBase64(encoded, layout), isBase64Encoded: true };
    }
  }
}

function renderRequest(request: RequestCase): Rendered {
  const sids: string[] = [];
  const { body, isBase64Encoded } = renderBody(request.body, sids);
  const grouped = new Map<string, string[]>();
  for (const [name, value] of request.query ?? []) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  const headers = Object.fromEntries(request.headers ?? []);
  let event: PushEvent;
  if (request.format === 'v2') {
    // HTTP API joins a repeated query parameter with commas.
    const query = request.query && Object.fromEntries([...grouped].map(([name, values]) => [name, values.join(',')]));
    event = httpApiEvent({ method: request.method, query, headers, body, isBase64Encoded });
  } else {
    // REST API: the last value of each parameter, and all of them in the multi-value map.
    const query =
      request.query && Object.fromEntries([...grouped].map(([name, values]) => [name, values.at(-1) ?? '']));
    const rest = restApiEvent({ method: request.method, query, headers, body, isBase64Encoded });
    rest.multiValueQueryStringParameters = request.query && Object.fromEntries(grouped);
    if (request.headers === null) Object.assign(rest, { headers: null, multiValueHeaders: null });
    event = rest;
  }
  return { event, requestId: event.requestContext.requestId, body: body ?? '', isBase64Encoded, sids };
}

// ================================================================ the oracle's verdict

interface Verdict {
  code: ErrCodeName;
  why: string;
  /** For an accepted push: what JSON.parse gives for the body. */
  record?: Record<string, unknown>;
}

/** With the u flag only an unpaired surrogate is a code point of category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

const JSON_TYPE = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** README's checks, in README's order: method, action/version, content type, size, base64/UTF-8/JSON, schema, storability. */
function verdictFor(request: RequestCase, rendered: Rendered): Verdict {
  if (request.method !== 'POST') return { code: 'METHOD_NOT_ALLOWED', why: `method ${request.method}` };

  const values = (name: string) => (request.query ?? []).filter(([key]) => key === name).map(([, value]) => value);
  const [actions, versions] = [values('action'), values('version')];
  if (actions.length !== 1 || actions[0] !== 'videoCdr' || versions.length !== 1 || versions[0] !== '1') {
    return { code: 'UNKNOWN_PUSH_TYPE', why: `action ${JSON.stringify(actions)}, version ${JSON.stringify(versions)}` };
  }

  const contentTypes = (request.headers ?? []).filter(([name]) => name.toLowerCase() === 'content-type');
  if (contentTypes.length !== 1)
    return { code: 'UNSUPPORTED_MEDIA_TYPE', why: `${contentTypes.length} Content-Type headers` };
  if (!request.contentTypes.every((contentType) => contentType.ok)) {
    return { code: 'UNSUPPORTED_MEDIA_TYPE', why: `Content-Type ${JSON.stringify(contentTypes[0]?.[1])}` };
  }

  let text: string;
  if (rendered.isBase64Encoded) {
    const bytes = decodeBase64Strict(rendered.body);
    // Undecodable base64 has no exact size: its would-be size (the generators keep those far from the cap).
    const size = bytes?.length ?? Math.floor((stripBase64Whitespace(rendered.body).length * 3) / 4);
    if (size > MAX_BODY_BYTES) return { code: 'BODY_TOO_LARGE', why: `${size} bytes` };
    if (bytes === undefined) return { code: 'MALFORMED_BODY', why: 'invalid base64' };
    const decoded = decodeUtf8Strict(bytes);
    if (decoded === undefined) return { code: 'MALFORMED_BODY', why: 'invalid UTF-8' };
    text = decoded;
  } else {
    // API Gateway decoded the bytes already: the text is what was sent, if it is the decoding of any bytes at all.
    const size = utf8Length(rendered.body);
    if (size > MAX_BODY_BYTES) return { code: 'BODY_TOO_LARGE', why: `${size} bytes` };
    if (LONE_SURROGATE.test(rendered.body)) return { code: 'MALFORMED_BODY', why: 'a lone surrogate: not UTF-8' };
    text = rendered.body;
  }
  // RFC 8259 §8.1: a parser MAY ignore a byte order mark; the receiver does.
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const parsed = parseJsonStrict(text);
  crossCheckWithJsonParse(text, parsed);
  if (parsed === undefined) return { code: 'MALFORMED_BODY', why: 'invalid JSON' };
  if (!isPlainObject(parsed.value)) return { code: 'MALFORMED_BODY', why: `JSON ${JSON_TYPE(parsed.value)}` };

  const violation = schemaViolation(parsed.value);
  if (violation) return { code: 'SCHEMA_VIOLATION', why: violation };
  const problem = unstorable(parsed.value, MAX_NESTING_DEPTH);
  if (problem) return { code: 'SCHEMA_VIOLATION', why: `unstorable: ${problem}` };
  return { code: 'OK', why: 'valid', record: JSON.parse(text) };
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

// ================================================================ checking one request

const tally = new Map<number, number>();
let requestsSent = 0;

function describeRequest(request: RequestCase, rendered: Rendered): string {
  const excerpt =
    rendered.body.length > 600 ? `${rendered.body.slice(0, 600)}… (${rendered.body.length} chars)` : rendered.body;
  return [
    `  ${request.format} ${request.method} query=${JSON.stringify(request.query)}`,
    `  headers=${JSON.stringify(request.headers)}`,
    `  isBase64Encoded=${rendered.isBase64Encoded} body=${JSON.stringify(excerpt)}`,
  ].join('\n');
}

function envelopeOf(reply: APIGatewayProxyResult): { ErrCode: number; ErrMsg: string } | string {
  if (reply.headers?.['content-type'] !== 'application/json')
    return `content-type ${String(reply.headers?.['content-type'])}`;
  let envelope: unknown;
  try {
    envelope = JSON.parse(reply.body);
  } catch {
    return 'body is not JSON';
  }
  if (!isPlainObject(envelope) || Object.keys(envelope).sort().join() !== 'ErrCode,ErrMsg')
    return 'not {ErrCode, ErrMsg}';
  if (typeof envelope.ErrCode !== 'number' || typeof envelope.ErrMsg !== 'string')
    return 'ErrCode/ErrMsg of wrong types';
  return { ErrCode: envelope.ErrCode, ErrMsg: envelope.ErrMsg };
}

/** JSON has no negative zero worth keeping: -0 is stored as the number 0. */
const normalized = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

async function checkRequest(request: RequestCase): Promise<void> {
  const rendered = renderRequest(request);
  const verdict = verdictFor(request, rendered);
  const fail = (what: string): never => {
    throw new Error(`${what}\n  oracle: ${verdict.code} (${verdict.why})\n${describeRequest(request, rendered)}`);
  };
  requestsSent++;
  tally.set(ERR_CODES[verdict.code].errCode, (tally.get(ERR_CODES[verdict.code].errCode) ?? 0) + 1);

  let reply: APIGatewayProxyResult;
  try {
    reply = await handler(rendered.event);
  } catch (error) {
    return fail(`the handler threw: ${(error as Error)?.stack ?? String(error)}`);
  }
  const envelope = envelopeOf(reply);
  if (typeof envelope === 'string') return fail(`not a valid envelope (${envelope}): ${JSON.stringify(reply)}`);
  const { errCode, status } = ERR_CODES[verdict.code];
  if (envelope.ErrCode !== errCode || reply.statusCode !== status) {
    return fail(
      `expected ErrCode ${errCode}/HTTP ${status}, got ${envelope.ErrCode}/HTTP ${reply.statusCode} ${envelope.ErrMsg}`,
    );
  }

  const sessionId = verdict.record?.SessionId;
  const untouched = new Set(rendered.sids.filter((sid) => sid !== '' && sid !== sessionId));
  await Promise.all(
    [...untouched].map(async (sid) => {
      const items = await rawItems(sid);
      if (items.length > 0) fail(`refused, yet ${items.length} item(s) stored under SessionId ${JSON.stringify(sid)}`);
    }),
  );
  if (verdict.record && typeof sessionId === 'string')
    await checkStored(verdict.record, sessionId, request, rendered, fail);
}

async function checkStored(
  record: Record<string, unknown>,
  sessionId: string,
  request: RequestCase,
  rendered: Rendered,
  fail: (what: string) => never,
): Promise<void> {
  const items = (await rawItems(sessionId)).map((item) => unmarshall(item));
  const current = items.find((item) => item.recordKey === 'CURRENT');
  const versions = items.filter((item) => String(item.recordKey).startsWith('VERSION#'));
  if (!current || versions.length !== 1 || items.length !== 2) {
    fail(`accepted, but stored ${items.length} items: ${items.map((item) => item.recordKey).join(', ')}`);
  }
  const expected = normalized(record);
  for (const item of [current, ...versions]) {
    const { recordKey, receipt, ...stored } = item as Record<string, unknown>;
    if (!isDeepStrictEqual(stored, expected)) {
      fail(`${String(recordKey)} differs from what was sent:\n  stored ${JSON.stringify(stored).slice(0, 800)}`);
    }
    const { unknownFields, unknownValues } = novelties(record);
    const pushIds = (request.headers ?? []).filter(([name]) => name.toLowerCase() === 'x-tccc-push-uuid');
    const expectedReceipt = {
      action: 'videoCdr',
      version: '1',
      requestId: rendered.requestId,
      pushId: pushIds.length === 1 ? pushIds[0]?.[1] : undefined,
      unknownFields: unknownFields.length > 0 ? unknownFields.sort() : undefined,
      unknownValues: unknownValues.length > 0 ? unknownValues.sort() : undefined,
    };
    const r = (receipt ?? {}) as Record<string, unknown>;
    const actualReceipt = {
      action: r.action,
      version: r.version,
      requestId: r.requestId,
      pushId: r.pushId,
      unknownFields: Array.isArray(r.unknownFields) ? [...r.unknownFields].sort() : r.unknownFields,
      unknownValues: Array.isArray(r.unknownValues) ? [...r.unknownValues].sort() : r.unknownValues,
    };
    if (!isDeepStrictEqual(actualReceipt, expectedReceipt) || Number.isNaN(Date.parse(String(r.receivedAt)))) {
      fail(`${String(recordKey)} receipt ${JSON.stringify(receipt)} is not ${JSON.stringify(expectedReceipt)}`);
    }
  }
}

/** A batch of requests at once (the handler is async; DynamoDB Local takes a few ms per write). */
async function checkBatch(batch: RequestCase[]): Promise<void> {
  const outcomes = await Promise.allSettled(batch.map(checkRequest));
  const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
  if (failures.length > 0) throw (failures[0] as PromiseRejectedResult).reason;
}

// ================================================================ generators: JSON values

const str = (v: string): J => ({ k: 'str', v });
const num = (v: number): J => ({ k: 'num', v });
const lit = (text: string): J => ({ k: 'lit', text });
const obj = (entries: Array<[string, J]>): J => ({ k: 'obj', entries });
const arr = (items: J[]): J => ({ k: 'arr', items });

const SPECIAL_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  'a\udfffb',
  '\ud83d',
  '💩',
  '👩‍👩‍👧‍👦',
  '漢字かな한글',
  'é',
  'e\u0301',
  '\u2028\u2029',
  '\ufeff',
  '\uffff',
  '"\\/\b\f\n\r\t',
  '{"SessionId":1}',
  '__proto__',
  'constructor',
  'null',
  '1e400',
  'ok',
  '~0~1/',
];

/** Strings of every kind: CJK, emoji, combining marks, control characters, lone surrogates. */
const textArb = (maxLength: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 2, arbitrary: fc.string({ maxLength }) },
    { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.constantFrom('漢', '字', '😀', '👍🏽', '\ud800', '\udc00', 'é', '\u0301', '~', '/', ' '), {
          maxLength,
        })
        .map((parts) => parts.join('')),
    },
  );

const clip = (text: string, min: number, max: number) => {
  const chars = [...text].slice(0, max);
  while (chars.length < min) chars.push('x');
  return chars.join('');
};

const TOP_LEVEL_NAMES = new Set(Object.keys(SCHEMA.properties ?? {}));
const SPECIAL_NAMES = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'prototype',
  '__defineGetter__',
  'name',
  'length',
  '0',
  '1',
  '01',
  '-1',
  'M',
  'S',
  'N',
  'L',
  'BOOL',
  'NULL',
  'SS',
  'Satisfaction',
  'Team',
  '~',
  '/',
  'a/b~c',
  '🙂',
  '会话',
  'sessionid',
  'Receipt',
  'RecordKey',
  ' ',
];

/** Names of undocumented properties: never '', '__proto__' or a receiver-reserved name. */
const extraNameArb = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_NAMES) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }) },
  )
  .filter((name) => name !== '__proto__' && name !== 'receipt' && name !== 'recordKey' && !TOP_LEVEL_NAMES.has(name));

const isStorableNumber = (value: number) =>
  Number.isFinite(value) &&
  !(Number.isInteger(value) && !Number.isSafeInteger(value)) &&
  !(value !== 0 && Math.abs(value) < 1e-130);

/** Numbers DynamoDB keeps exactly, in every spelling JSON allows. */
const storableNumberArb = fc.oneof(
  fc.integer().map(num),
  fc.maxSafeInteger().map(num),
  fc.double().filter(isStorableNumber).map(num),
  fc
    .constantFrom(
      '-0',
      '0.0',
      '1E2',
      '1e+2',
      '2.50',
      '1e-130',
      '-1e-130',
      '2.5e-130',
      '9007199254740991',
      '-9007199254740991',
      '1e-400',
    )
    .map(lit),
);

/** Numbers the README says must be refused (integers beyond 2^53, out of range), and DynamoDB's limits. */
const unstorableNumberArb = fc.oneof(
  fc
    .constantFrom(
      '12345678901234567890',
      '-12345678901234567890',
      '9007199254740992',
      '9007199254740993',
      '-9007199254740992',
      '1e16',
      '2e53',
      '123456789012345678901234567890',
      '1e400',
      '-1e400',
      '1E400',
      '1.7976931348623157e308',
      '1e-131',
      '-2.5e-200',
      '5e-324',
      '9.99e-131',
    )
    .map(lit),
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .filter((value) => !isStorableNumber(value))
    .map(num),
);

const leafArb = (storable: boolean): fc.Arbitrary<J> =>
  fc.oneof(
    { weight: 3, arbitrary: textArb(12).map(str) },
    { weight: 3, arbitrary: storable ? storableNumberArb : fc.oneof(storableNumberArb, unstorableNumberArb) },
    { weight: 1, arbitrary: fc.boolean().map((v): J => ({ k: 'bool', v })) },
    { weight: 1, arbitrary: fc.constant<J>({ k: 'null' }) },
  );

function jsonMemo(storable: boolean): fc.Memo<J> {
  const names = storable ? extraNameArb : fc.oneof(extraNameArb, fc.constantFrom('', '__proto__'));
  const memo: fc.Memo<J> = fc.memo((depth) =>
    depth <= 1
      ? leafArb(storable)
      : fc.oneof(
          { weight: 3, arbitrary: leafArb(storable) },
          { weight: 1, arbitrary: fc.array(memo(depth - 1), { maxLength: 4 }).map(arr) },
          { weight: 1, arbitrary: fc.array(fc.tuple(names, memo(depth - 1)), { maxLength: 4 }).map(obj) },
        ),
  );
  return memo;
}

/** Arbitrary JSON values for undocumented fields; `storable` keeps them within DynamoDB's limits. */
const JSON_VALUES = { storable: jsonMemo(true), any: jsonMemo(false) };
const jsonArb = (storable: boolean) => (storable ? JSON_VALUES.storable : JSON_VALUES.any);

// ================================================================ generators: records from the schema

const REALISTIC: Record<string, fc.Arbitrary<number>> = {
  SdkAppId: fc.integer({ min: 1_400_000_000, max: 1_600_000_000 }),
  StartTimestamp: fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }),
  AcceptTimestamp: fc.integer({ min: 0, max: 2_000_000_000 }),
  EndedTimestamp: fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }),
  Duration: fc.integer({ min: 0, max: 100_000 }),
};

/** Another JSON spelling of the same integer: 1400000214.0, 1.400000214e9, 100E0. */
const spellingsOf = (value: number): string[] => {
  const spellings = [`${value}.0`, `${value}e0`, `${value}E+0`];
  if (value > 0 && value % 1000 === 0) spellings.push(`${value / 1000}e3`);
  const exponent = String(value).length - 1;
  if (value > 0 && String(value).length <= 15)
    spellings.push(`${String(value)[0]}.${String(value).slice(1) || '0'}e${exponent}`);
  return spellings;
};

function integerArb(name: string, node: SchemaNode): fc.Arbitrary<J> {
  const min = node.minimum ?? Number.MIN_SAFE_INTEGER;
  const max = node.maximum ?? Number.MAX_SAFE_INTEGER;
  const value = fc.oneof(
    { weight: 4, arbitrary: REALISTIC[name] ?? fc.integer({ min: 0, max: 1_000_000 }) },
    { weight: 1, arbitrary: fc.maxSafeNat() },
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
  );
  return fc
    .tuple(
      value.filter((v) => v >= min && v <= max),
      fc.nat(),
      fc.boolean(),
    )
    .map(([v, pick, respell]) => {
      const spellings = spellingsOf(v);
      return respell && pick % 5 === 0 ? lit(spellings[pick % spellings.length] as string) : num(v);
    });
}

const KNOWN_VALUES = (node: SchemaNode) => Object.keys(node['x-known-values'] ?? {});

function stringArb(pointer: string, node: SchemaNode): fc.Arbitrary<J> {
  const min = node.minLength ?? 0;
  const max = node.maxLength ?? 10_000;
  if (pointer === '/SessionId') {
    return fc
      .tuple(textArb(40), fc.constantFrom(undefined, undefined, undefined, 256))
      .map(([prefix, total]) => ({ k: 'sid', prefix: clip(prefix, 0, 200), ...(total && { total }) }));
  }
  const known = KNOWN_VALUES(node);
  const text = textArb(Math.min(max, 30)).map((v) => str(clip(v, min, max)));
  return known.length > 0 ? fc.oneof(fc.constantFrom(...known).map(str), text) : text;
}

/** A value that conforms to `node` (and that DynamoDB keeps): the valid records' building block. */
function conformingArb(pointer: string, node: SchemaNode): fc.Arbitrary<J> {
  const name = pointer.split('/').at(-1) ?? '';
  switch (node.type) {
    case 'integer':
      return integerArb(name, node);
    case 'string':
      return stringArb(pointer, node);
    case 'array':
      return fc
        .array(node.items ? conformingArb(`${pointer}/0`, node.items) : jsonArb(true)(3), { maxLength: 5 })
        .map(arr);
    case 'object':
      return objectArb(pointer, node);
    default:
      return jsonArb(true)(3);
  }
}

function objectArb(pointer: string, node: SchemaNode): fc.Arbitrary<J> {
  const required = new Set(node.required ?? []);
  const documented = Object.entries(node.properties ?? {}).map(([name, child]) => {
    const value = conformingArb(`${pointer}/${name}`, child);
    return required.has(name)
      ? value.map((v): Array<[string, J]> => [[name, v]])
      : fc.option(value, { freq: 3 }).map((v): Array<[string, J]> => (v === null ? [] : [[name, v]]));
  });
  const extras = fc.array(fc.tuple(extraNameArb, jsonArb(true)(3)), { maxLength: 3 });
  return fc
    .tuple(fc.tuple(...documented), extras, fc.array(fc.nat(), { maxLength: 24 }))
    .map(([fields, extra, order]) => {
      // Undocumented names may repeat each other: JSON.parse keeps the last, and so must the store.
      const entries = [...fields.flat(), ...extra];
      const keyed = entries.map((entry, index) => ({ entry, key: order[index] ?? index }));
      return obj(keyed.sort((a, b) => a.key - b.key).map(({ entry }) => entry));
    });
}

const validRecordArb = objectArb('', SCHEMA);

// ---------------------------------------------------------------- edits of a record

type Edit = (doc: J) => J;

/** Where JSON.parse takes a name's value from: its last occurrence. */
const lastIndexOf = (entries: Array<[string, J]>, name: string) => entries.map(([key]) => key).lastIndexOf(name);

/** The object under `path` (created as {} where missing or not an object), edited by `edit`. */
function atObject(doc: J, path: string[], edit: (entries: Array<[string, J]>) => Array<[string, J]>): J {
  const entries = doc.k === 'obj' ? doc.entries : [];
  if (path.length === 0) return obj(edit(entries));
  const [head, ...rest] = path as [string, ...string[]];
  const index = lastIndexOf(entries, head);
  const child = index >= 0 ? (entries[index] as [string, J])[1] : obj([]);
  const edited = atObject(child.k === 'obj' ? child : obj([]), rest, edit);
  return obj(
    index >= 0 ? entries.map((entry, i) => (i === index ? [head, edited] : entry)) : [...entries, [head, edited]],
  );
}

const setEntry = (key: string, value: J, where: 'replace' | 'first' | 'last') => (entries: Array<[string, J]>) => {
  if (where === 'first') return [[key, value] as [string, J], ...entries];
  if (where === 'last') return [...entries, [key, value] as [string, J]];
  const index = lastIndexOf(entries, key);
  return index >= 0
    ? entries.map((entry, i): [string, J] => (i === index ? [key, value] : entry))
    : [...entries, [key, value] as [string, J]];
};

/** Where an injected property goes: top level, SeatUser, or inside an undocumented object or array. */
const placeArb = fc.constantFrom<'top' | 'seat' | 'nested' | 'inArray'>('top', 'seat', 'nested', 'inArray');
const whereArb = fc.constantFrom<'replace' | 'first' | 'last'>('replace', 'first', 'last');

function inject(
  place: 'top' | 'seat' | 'nested' | 'inArray',
  key: string,
  value: J,
  where: 'replace' | 'first' | 'last',
): Edit {
  switch (place) {
    case 'top':
      return (doc) => atObject(doc, [], setEntry(key, value, where));
    case 'seat':
      return (doc) => atObject(doc, ['SeatUser'], setEntry(key, value, where));
    case 'nested':
      return (doc) => atObject(doc, ['Extension', 'Inner'], setEntry(key, value, where));
    case 'inArray':
      return (doc) => atObject(doc, [], setEntry('ExtensionList', arr([num(1), obj([[key, value]])]), 'last'));
  }
}

/** Every documented place a wrong type can go, from the schema: top level, SeatUser's fields, list items. */
function schemaPaths(node: SchemaNode, path: string[] = []): Array<{ path: string[]; node: SchemaNode }> {
  const found: Array<{ path: string[]; node: SchemaNode }> = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    found.push({ path: [...path, name], node: child }, ...schemaPaths(child, [...path, name]));
  }
  if (node.items) found.push({ path: [...path, '*'], node: node.items }, ...schemaPaths(node.items, [...path, '*']));
  return found;
}
const SCHEMA_PATHS = schemaPaths(SCHEMA);

/** Values that break `node`: other JSON types, and out-of-range numbers and lengths. */
function wrongValueArb(path: string[], node: SchemaNode): fc.Arbitrary<J> {
  const others = fc.oneof(
    jsonArb(false)(2),
    fc.constantFrom<J>(
      { k: 'null' },
      { k: 'bool', v: true },
      str(''),
      str('1400000214'),
      num(1.5),
      num(-1),
      arr([]),
      obj([]),
    ),
  );
  if (path.join('/') === 'SessionId') {
    return fc.oneof(
      others.filter((v) => v.k !== 'str'),
      fc.integer({ min: 257, max: 400 }).map((total): J => ({ k: 'sid', prefix: '漢😀', total })),
      fc.constant<J>({ k: 'sid', prefix: '', total: 0 }),
    );
  }
  const specific: fc.Arbitrary<J>[] = [];
  if (node.type === 'integer')
    specific.push(unstorableNumberArb, fc.constantFrom('-1', '0.5', '1.000001', '-0.0001', '1e-7').map(lit));
  if (node.maxLength !== undefined) {
    const max = node.maxLength;
    specific.push(fc.integer({ min: max + 1, max: max + 30 }).map((length) => str('é'.repeat(length))));
  }
  if (node.minLength) specific.push(fc.constant(str('')));
  return specific.length > 0 ? fc.oneof(others, ...specific) : others;
}

/** Puts `value` at a documented path (a list path gets it as an item) or removes the field there. */
function atPath(path: string[], value: J | null, at: number): Edit {
  const last = path.at(-1) as string;
  const parent = path.slice(0, -1);
  if (last === '*') {
    const listPath = parent;
    return (doc) =>
      atObject(doc, listPath.slice(0, -1), (entries) => {
        const name = listPath.at(-1) as string;
        const list = entries[lastIndexOf(entries, name)]?.[1];
        const items = list?.k === 'arr' ? [...list.items] : [];
        if (value) items.splice(at % (items.length + 1), 0, value);
        return setEntry(name, arr(items), 'replace')(entries);
      });
  }
  return (doc) =>
    atObject(doc, parent, (entries) =>
      value ? setEntry(last, value, 'replace')(entries) : entries.filter(([key]) => key !== last),
    );
}

const wrongTypeEditArb: fc.Arbitrary<Edit> = fc
  .constantFrom(...SCHEMA_PATHS)
  .chain(({ path, node }) =>
    fc.tuple(fc.option(wrongValueArb(path, node), { freq: 8 }), fc.nat()).map(([value, at]) => atPath(path, value, at)),
  );

/** Deep nesting around the 32-level limit (and far beyond it). */
const deepEditArb: fc.Arbitrary<Edit> = fc
  .tuple(
    fc.oneof(
      { weight: 5, arbitrary: fc.integer({ min: 26, max: 36 }) },
      { weight: 1, arbitrary: fc.integer({ min: 37, max: 2000 }) },
    ),
    fc.oneof(leafArb(true), fc.constantFrom(arr([]), obj([]))),
    fc.nat(),
    placeArb,
  )
  .map(([depth, leaf, kinds, place]) => inject(place, 'Deep', { k: 'deep', depth, kinds, leaf }, 'last'));

/** `__proto__`, `constructor` and friends as names, in every place. */
const trickyNameEditArb: fc.Arbitrary<Edit> = fc
  .tuple(
    fc.constantFrom(
      '__proto__',
      'constructor',
      'constructor',
      'toString',
      'valueOf',
      '',
      'receipt',
      'recordKey',
      'hasOwnProperty',
    ),
    fc.oneof(
      jsonArb(true)(3),
      fc.constantFrom<J>(
        obj([['name', str('Object')]]),
        obj([['name', str('String')]]),
        obj([['name', str('Set')]]),
        num(0),
        str(''),
      ),
    ),
    placeArb,
    whereArb,
  )
  .map(([name, value, place, where]) => inject(place, name, value, where));

/** A repeated name: JSON.parse keeps the last value, which decides validity. */
const duplicateEditArb: fc.Arbitrary<Edit> = fc
  .tuple(fc.constantFrom(...SCHEMA_PATHS.filter(({ path }) => !path.includes('*'))), fc.boolean(), fc.nat())
  .chain(([{ path, node }, wrong, at]) =>
    (wrong ? wrongValueArb(path, node) : conformingArb(`/${path.join('/')}`, node)).map((value) => {
      const parent = path.slice(0, -1);
      const name = path.at(-1) as string;
      return (doc: J) =>
        atObject(doc, parent, (entries) => {
          const copy = [...entries];
          copy.splice(at % (copy.length + 1), 0, [name, value]);
          return copy;
        });
    }),
  );

const numberEditArb: fc.Arbitrary<Edit> = fc
  .tuple(
    fc.oneof(unstorableNumberArb, storableNumberArb),
    placeArb,
    fc.constantFrom('Big', 'SdkAppId', 'Duration', 'Score'),
  )
  .map(([value, place, name]) => inject(place, name, value, 'replace'));

/** Property names around DynamoDB's 65,535-byte limit. */
const longNameEditArb: fc.Arbitrary<Edit> = fc
  .tuple(fc.constantFrom('~', '/', '漢', 'a'), fc.constantFrom(-1, 0, 1, -5000, 2), placeArb)
  .map(([unit, delta, place]) => {
    const bytes = 65_535 + delta;
    const unitBytes = utf8Length(unit);
    const name = unit.repeat(Math.floor(bytes / unitBytes)) + 'x'.repeat(bytes % unitBytes);
    return inject(place === 'inArray' ? 'top' : place, name, num(1), 'last');
  });

/** A string long enough to bring the body near, or over, the 128 KiB cap. */
const bigStringEditArb = (minBytes: number, maxBytes: number): fc.Arbitrary<Edit> =>
  fc
    .tuple(
      fc.constantFrom('x', '漢', '😀', 'é', '\\'),
      fc.integer({ min: minBytes, max: maxBytes }),
      fc.constantFrom('ClientData', 'UserRemark', 'Blob'),
    )
    .map(([unit, bytes, name]) =>
      inject('top', name, str(unit.repeat(Math.ceil(bytes / utf8Length(unit)))), 'replace'),
    );

const edited = (base: fc.Arbitrary<J>, edits: fc.Arbitrary<Edit>, max = 3) =>
  fc
    .tuple(base, fc.array(edits, { minLength: 1, maxLength: max }))
    .map(([doc, list]) => list.reduce((d, edit) => edit(d), doc));

// ================================================================ generators: requests

const styleArb: fc.Arbitrary<Style> = fc.record({
  ws: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat() }),
  escape: fc.constantFrom<Style['escape']>('none', 'none', 'none', 'nonAscii', 'all'),
});

const CONTENT_TYPE_NAMES = ['content-type', 'Content-Type', 'CONTENT-TYPE', 'Content-type', 'cOnTeNt-TyPe'];
const GOOD_TYPES = ['application/json', 'Application/JSON', 'APPLICATION/JSON', 'application/Json'];
const BAD_TYPES = [
  'text/json',
  'text/plain',
  'text/html',
  'application/jsonp',
  'application/json-seq',
  'application/json5',
  'application/problem+json',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'multipart/form-data',
  '*/*',
  'application/*',
  'application',
  'json',
  '',
  'application/ json',
  'application /json',
  'application/json,application/json',
];
const GOOD_CHARSETS = [
  'charset=utf8',
  'charset=utf-8',
  'charset=UTF-8',
  'Charset=Utf8',
  'CHARSET=UTF8',
  'charset="utf-8"',
  'charset="UTF8"',
  'charset=utf-8 ',
];
const BAD_CHARSETS = [
  'charset=gbk',
  'charset=GB2312',
  'charset=utf-16',
  'charset=UTF-16LE',
  'charset=iso-8859-1',
  'charset=latin1',
  'charset=us-ascii',
  'charset=utf_8',
  'charset=utf-8x',
  'charset=utf 8',
  'charset=',
  'charset=""',
  'charset="utf-16"',
];
const NEUTRAL_PARAMETERS = ['foo=bar', 'boundary=something', 'q=0.5', 'version=1', 'x="a;b"'];

/** A Content-Type value, labelled by construction: its type, at most one charset, other parameters. */
const contentTypeArb = (mode: 'good' | 'any'): fc.Arbitrary<ContentType> =>
  fc
    .tuple(
      fc.constantFrom('', '', ' ', '\t'),
      mode === 'good'
        ? fc.constantFrom(...GOOD_TYPES)
        : fc.oneof(fc.constantFrom(...GOOD_TYPES), fc.constantFrom(...BAD_TYPES)),
      fc.option(
        mode === 'good' ? fc.constantFrom(...GOOD_CHARSETS) : fc.constantFrom(...GOOD_CHARSETS, ...BAD_CHARSETS),
        { freq: 3 },
      ),
      fc.array(fc.constantFrom(...NEUTRAL_PARAMETERS), { maxLength: 2 }),
      fc.array(fc.constantFrom(';', '; ', ' ;', ' ; ', ';\t'), { minLength: 3, maxLength: 3 }),
      fc.constantFrom('', '', ' ', ';', '; '),
      fc.nat(),
    )
    .map(([lead, type, charset, others, separators, trail, position]) => {
      const parameters = [...others];
      if (charset !== null) parameters.splice(position % (parameters.length + 1), 0, charset);
      const value = lead + type + parameters.map((p, i) => `${separators[i] ?? ';'}${p}`).join('') + trail;
      return { value, ok: GOOD_TYPES.includes(type) && (charset === null || GOOD_CHARSETS.includes(charset)) };
    });

const OTHER_HEADERS: Array<[string, string]> = [
  ['accept', '*/*'],
  ['user-agent', 'TCCC-Push/1.0'],
  ['authorization', 'Basic dXNlcjpwYXNz'],
  ['content-length', '1234'],
  ['constructor', 'x'],
  ['Content_Type', 'text/plain'],
  ['Content-Type-Options', 'nosniff'],
  ['x-forwarded-for', '203.0.113.7'],
];

interface HeaderSet {
  headers: Array<[string, string]> | null;
  contentTypes: ContentType[];
}

/** Headers: one good Content-Type (`good`), or any mix: none, one of any kind, two, null headers. */
const headersArb = (mode: 'good' | 'any'): fc.Arbitrary<HeaderSet> =>
  fc
    .tuple(
      mode === 'good'
        ? fc.constant(1)
        : fc.oneof(
            { weight: 8, arbitrary: fc.constant(1) },
            { weight: 1, arbitrary: fc.constant(0) },
            { weight: 1, arbitrary: fc.constant(2) },
          ),
      fc.shuffledSubarray([...CONTENT_TYPE_NAMES], { minLength: 2, maxLength: 2 }),
      fc.array(contentTypeArb(mode), { minLength: 2, maxLength: 2 }),
      fc.option(
        fc.tuple(
          fc.constantFrom('x-tccc-push-uuid', 'X-TCCC-PUSH-UUID', 'X-Tccc-Push-Uuid'),
          fc.oneof(fc.uuid(), textArb(20)),
        ),
        { freq: 2 },
      ),
      fc.subarray(OTHER_HEADERS, { maxLength: 3 }),
      mode === 'any' ? fc.boolean() : fc.constant(false),
    )
    .map(([count, names, types, pushId, others, nullHeaders]): HeaderSet => {
      // Two Content-Types: both bare types, so that they are surely ambiguous.
      const chosen =
        count === 2
          ? types.map((t) => ({ value: t.value.split(';')[0]?.trim() ?? '', ok: false }))
          : types.slice(0, count);
      if (nullHeaders && count === 0) return { headers: null, contentTypes: [] };
      const headers: Array<[string, string]> = chosen.map((type, i) => [names[i] as string, type.value]);
      if (pushId) headers.push(pushId);
      headers.push(...others);
      return { headers, contentTypes: chosen };
    });

const GOOD_QUERY: Array<[string, string]> = [
  ['action', 'videoCdr'],
  ['version', '1'],
];
const extraParamArb = fc.tuple(
  fc.constantFrom('sign', 'ts', 'Action', 'VERSION', 'foo', '__proto__', 'constructor'),
  fc.string({ maxLength: 8 }),
);

const queryArb = (mode: 'good' | 'any'): fc.Arbitrary<Array<[string, string]> | null> => {
  const good = fc
    .tuple(fc.boolean(), fc.array(extraParamArb, { maxLength: 2 }))
    .map(([reversed, extras]) => [...(reversed ? [...GOOD_QUERY].reverse() : GOOD_QUERY), ...extras]);
  if (mode === 'good') return good;
  const actions = [
    'videoCdr',
    'VideoCdr',
    'videocdr',
    'videoCDR',
    'cdr',
    'chatCdr',
    'record',
    '',
    ' videoCdr',
    'videoCdr ',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
  ];
  const versions = ['1', '2', '0', '01', '1.0', ' 1', '', 'v1', '__proto__', 'constructor', 'valueOf'];
  return fc.oneof(
    { weight: 2, arbitrary: good },
    { weight: 1, arbitrary: fc.constant(null) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.option(fc.oneof(fc.constantFrom(...actions), fc.string({ maxLength: 10 }))),
          fc.option(fc.oneof(fc.constantFrom(...versions), fc.string({ maxLength: 4 }))),
          fc.constantFrom(0, 0, 0, 1, 2),
          fc.array(extraParamArb, { maxLength: 2 }),
        )
        .map(([action, version, repeat, extras]) => {
          const query: Array<[string, string]> = [];
          if (action !== null) query.push(['action', action]);
          if (version !== null) query.push(['version', version]);
          if (repeat === 1) query.push(['action', 'videoCdr']);
          if (repeat === 2) query.push(['version', '1']);
          return [...query, ...extras];
        }),
    },
  );
};

const methodArb = (mode: 'good' | 'any') =>
  mode === 'good'
    ? fc.constant('POST')
    : fc.oneof(
        { weight: 3, arbitrary: fc.constant('POST') },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            'GET',
            'PUT',
            'PATCH',
            'DELETE',
            'HEAD',
            'OPTIONS',
            'TRACE',
            'CONNECT',
            'get',
            'POSTX',
            'FOO',
          ),
        },
      );

const base64LayoutArb = fc.constantFrom<'plain' | 'wrapped' | 'spaced' | null>(
  null,
  null,
  null,
  'plain',
  'plain',
  'wrapped',
  'spaced',
);

const docBodyArb = (
  doc: fc.Arbitrary<J>,
  damage: fc.Arbitrary<Damage | null> = fc.constant(null),
): fc.Arbitrary<Body> =>
  fc.record({
    kind: fc.constant<'doc'>('doc'),
    doc,
    style: styleArb,
    bom: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    base64: base64LayoutArb,
    damage,
  });

const requestArb = (parts: { mode: 'good' | 'any'; body: fc.Arbitrary<Body> }): fc.Arbitrary<RequestCase> =>
  fc
    .record({
      format: fc.constantFrom<'v1' | 'v2'>('v1', 'v2'),
      method: methodArb(parts.mode),
      query: queryArb(parts.mode),
      headerSet: headersArb(parts.mode),
      body: parts.body,
    })
    .map(({ headerSet, ...rest }) => ({
      ...rest,
      headers: rest.format === 'v2' && headerSet.headers === null ? [] : headerSet.headers,
      contentTypes: headerSet.contentTypes,
    }));

// ---------------------------------------------------------------- bodies by family

/** Valid records, including the odd-but-valid: constructor names, repeated names, respelled numbers, deep-ish nesting. */
const validDocArb = fc.oneof(
  { weight: 6, arbitrary: validRecordArb },
  {
    weight: 3,
    arbitrary: edited(
      validRecordArb,
      fc.oneof(
        trickyNameEditArb,
        duplicateEditArb,
        numberEditArb,
        deepEditArb,
        longNameEditArb,
        bigStringEditArb(10_000, 50_000),
      ),
      2,
    ),
  },
);

/** Records broken in one or more ways, at every depth. */
const invalidDocArb = edited(
  validRecordArb,
  fc.oneof(
    { weight: 5, arbitrary: wrongTypeEditArb },
    { weight: 2, arbitrary: deepEditArb },
    { weight: 2, arbitrary: trickyNameEditArb },
    { weight: 2, arbitrary: duplicateEditArb },
    { weight: 2, arbitrary: numberEditArb },
    { weight: 1, arbitrary: longNameEditArb },
  ),
);

const INVALID_UTF8 = [
  [0x80],
  [0xbf],
  [0xc0, 0xaf],
  [0xc1, 0xbf],
  [0xc3],
  [0xe0, 0x80, 0xaf],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80],
  [0xf0, 0x9f, 0x98],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf5, 0x80, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfe],
  [0xff],
];

const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({
    kind: fc.constant<'insertText'>('insertText'),
    at: fc.nat(),
    text: fc.oneof(
      fc.constantFrom(
        ',',
        '}',
        '{',
        ']',
        '[',
        '"',
        "'",
        '\\',
        'x',
        'NaN',
        '/* */',
        '\u0000',
        '\n',
        '01',
        'undefined',
        '\ufeff',
        ':',
        ' ',
        '\\u12',
        '\ud800',
        '\udfff',
      ),
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 3 }),
    ),
  }),
  fc.record({ kind: fc.constant<'truncate'>('truncate'), at: fc.nat() }),
  fc.record({ kind: fc.constant<'insertBytes'>('insertBytes'), at: fc.nat(), bytes: fc.constantFrom(...INVALID_UTF8) }),
  fc.record({
    kind: fc.constant<'base64'>('base64'),
    at: fc.nat(),
    how: fc.constantFrom<'dropPadding' | 'badChar' | 'urlAlphabet' | 'extraPadding' | 'cut'>(
      'dropPadding',
      'badChar',
      'urlAlphabet',
      'extraPadding',
      'cut',
    ),
    char: fc.constantFrom('!', '-', '_', '.', '*', 'é', '='),
  }),
);

/** Bodies that are not a JSON object: damaged JSON, bad bytes, bad base64, other JSON values, nothing. */
const malformedBodyArb: fc.Arbitrary<Body> = fc.oneof(
  { weight: 6, arbitrary: docBodyArb(fc.oneof(validRecordArb, invalidDocArb), damageArb) },
  { weight: 2, arbitrary: docBodyArb(jsonArb(false)(3).filter((doc) => doc.k !== 'obj')) },
  { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant<'text'>('text'),
      text: fc.oneof(
        fc.constantFrom(
          '',
          ' ',
          '\n',
          'null',
          '[]',
          '{}',
          '{',
          '"x"',
          '0',
          'true',
          '{"a":1,}',
          "{'a':1}",
          '{a:1}',
          '\ufeff\ufeff{}',
          '{"a":1}{}',
          '{"a":NaN}',
        ),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
      ),
      base64: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant<'bytes'>('bytes'), bytes: fc.array(fc.nat(255), { maxLength: 64 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant<'raw64'>('raw64'),
      text: fc.oneof(
        fc.constantFrom('', '=', '==', 'e30', 'e30=', 'e30==', 'e3 0=', 'A===', '====', 'ey J9', '!!!!', 'e30\n'),
        fc.base64String({ maxLength: 40 }),
      ),
    }),
  },
);

/** Bodies over the cap: of a valid record, of junk, as text or as base64. */
const hugeBodyArb: fc.Arbitrary<Body> = fc.oneof(
  docBodyArb(edited(validRecordArb, bigStringEditArb(MAX_BODY_BYTES + 1, 2 * MAX_BODY_BYTES), 1)),
  fc
    .tuple(
      fc.constantFrom('x', '{', '漢', '😀'),
      fc.integer({ min: MAX_BODY_BYTES + 1, max: 2 * MAX_BODY_BYTES }),
      fc.boolean(),
    )
    .map(
      ([unit, bytes, base64]): Body => ({
        kind: 'text',
        text: unit.repeat(Math.ceil(bytes / utf8Length(unit))),
        base64,
      }),
    ),
  fc
    .integer({ min: Math.ceil(MAX_BODY_BYTES * 1.4), max: 3 * MAX_BODY_BYTES })
    .map((length): Body => ({ kind: 'raw64', text: '!'.repeat(length) })),
);

/** Bodies at the cap exactly: a valid record of MAX_BODY_BYTES + delta bytes. */
const boundaryBodyArb: fc.Arbitrary<Body> = fc
  .tuple(validRecordArb, fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', '漢', '😀'), fc.boolean())
  .map(([doc, delta, unit, base64]): Body => {
    const target = MAX_BODY_BYTES + delta;
    const withFiller = (filler: string) => atObject(doc, [], setEntry('ClientData', str(filler), 'replace'));
    // The SessionId's rendered length is fixed for a given prefix: measure with a stand-in of the same length.
    const probe = renderJson(withFiller(''), { ws: 0, escape: 'none' }, []);
    const room = target - utf8Length(probe);
    const unitBytes = utf8Length(unit);
    const filler = unit.repeat(Math.max(0, Math.floor(room / unitBytes))) + 'x'.repeat(Math.max(0, room % unitBytes));
    return {
      kind: 'doc',
      doc: withFiller(filler),
      style: { ws: 0, escape: 'none' },
      bom: false,
      base64: base64 ? 'plain' : null,
      damage: null,
    };
  });

// ================================================================ the properties

const replay = process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED), path: process.env.FUZZ_PATH } : {};
/** FUZZ_SCALE=10 for a longer hunt; below 1 for a quick look (then the 10,000 floor is not checked). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
/** Requests sent at once: DynamoDB Local answers a few ms later, and the handler is async. */
const BATCH = 8;
const TIMEOUT_MS = 600_000;

/** Per property, shrinking included: a passing run takes a fraction of it; a failing one stops shrinking there. */
const TIME_LIMIT_MS = 120_000;

/** About `requests` requests, in batches of BATCH. */
async function fuzz(cases: fc.Arbitrary<RequestCase>, requests: number): Promise<void> {
  await fc.assert(fc.asyncProperty(fc.array(cases, { minLength: BATCH, maxLength: BATCH }), checkBatch), {
    numRuns: Math.max(1, Math.ceil((requests * SCALE) / BATCH)),
    plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS, { failOnInterrupt: true })],
    ...replay,
  });
}

describe('push endpoint, fuzzed through the real handler into DynamoDB Local', () => {
  beforeAll(() => {
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
      jest.spyOn(console, method).mockImplementation(() => {});
  });

  afterAll(() => {
    jest.restoreAllMocks();
    const byCode = [...tally].sort(([a], [b]) => a - b).map(([code, count]) => `${code}: ${count}`);
    process.stderr.write(`push fuzz: ${requestsSent} requests (expected ErrCode ${byCode.join(', ')})\n`);
  });

  it(
    'stores every valid push exactly as sent',
    () => fuzz(requestArb({ mode: 'good', body: docBodyArb(validDocArb) }), 3000),
    TIMEOUT_MS,
  );

  it(
    'refuses records breaking the schema or DynamoDB’s limits at any depth, and stores nothing',
    () => fuzz(requestArb({ mode: 'good', body: docBodyArb(invalidDocArb) }), 2500),
    TIMEOUT_MS,
  );

  it(
    'refuses bodies that are not one JSON object: bad JSON, UTF-8, base64, other values, empty',
    () => fuzz(requestArb({ mode: 'good', body: malformedBodyArb }), 2000),
    TIMEOUT_MS,
  );

  it(
    'answers methods, push types, content types and sizes in README’s order',
    () =>
      fuzz(
        requestArb({
          mode: 'any',
          body: fc.oneof(
            { weight: 4, arbitrary: docBodyArb(validDocArb) },
            { weight: 2, arbitrary: docBodyArb(invalidDocArb) },
            { weight: 2, arbitrary: malformedBodyArb },
            { weight: 1, arbitrary: hugeBodyArb },
          ),
        }),
        2500,
      ),
    TIMEOUT_MS,
  );

  it(
    'draws the size cap at exactly MAX_BODY_BYTES, for text and base64 bodies',
    () => fuzz(requestArb({ mode: 'good', body: boundaryBodyArb }), 150),
    TIMEOUT_MS,
  );

  (process.env.FUZZ_SEED || SCALE < 1 ? it.skip : it)('sent at least 10,000 requests', () => {
    expect(requestsSent).toBeGreaterThanOrEqual(10_000);
  });
});
