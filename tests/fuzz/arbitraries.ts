/**
 * fast-check generators of the fuzz test: records of each push type made from its JSON
 * Schema (valid ones, and ones broken at every depth), bodies that are not JSON objects,
 * and the requests that carry them, as TCCC sends them or not.
 */
import fc from 'fast-check';
import { MAX_BODY_BYTES } from '../../handler/common/limits';
import {
  arr,
  atObject,
  COMPACT,
  type J,
  lastIndexOf,
  lit,
  num,
  obj,
  renderJson,
  type Style,
  setEntry,
  str,
} from './json-text';
import { ACTIONS, type JsonType, PUSH_TYPES, pushTypeOf, type SchemaNode, typesOf, utf8Length } from './oracle';
import type { Body, ContentType, Damage, RequestCase } from './requests';

// ================================================================ JSON values

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
  '#',
  'R#cdr#1',
];

/** Strings of every kind: CJK, emoji, combining marks, control characters, lone surrogates. */
export const textArb = (maxLength: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 2, arbitrary: fc.string({ maxLength }) },
    { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.constantFrom('漢', '字', '😀', '👍🏽', '\ud800', '\udc00', 'é', '\u0301', '~', '/', ' ', '#'), {
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
  'Team',
  '~',
  '/',
  'a/b~c',
  '🙂',
  '会话',
  'sessionid',
  'receipt',
  'recordKey',
  'record',
  'action',
  'ordering',
  'Receipt',
  ' ',
  '#',
];

/** Names of undocumented properties: never '' or '__proto__', nor a name `node` documents. */
const extraNameArb = (node: SchemaNode) =>
  fc
    .oneof(
      { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_NAMES) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }) },
    )
    .filter((name) => name !== '__proto__' && !Object.hasOwn(node.properties ?? {}, name));

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
  const plainNames = extraNameArb({});
  const names = storable ? plainNames : fc.oneof(plainNames, fc.constantFrom('', '__proto__'));
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

// ================================================================ records from a schema

/** Ten digits from 1400 like TCCC's SdkAppIds, timestamps of this decade, short durations. */
const REALISTIC: Record<string, fc.Arbitrary<number>> = {
  SdkAppId: fc.integer({ min: 1_400_000_000, max: 1_600_000_000 }),
  Timestamp: fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }),
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

/** An integer as a record holds it, now and then spelled otherwise. */
export const integerSpellingArb = (value: fc.Arbitrary<number>): fc.Arbitrary<J> =>
  fc.tuple(value, fc.nat(), fc.boolean()).map(([v, pick, respell]) => {
    const spellings = spellingsOf(v);
    return respell && pick % 5 === 0 ? lit(spellings[pick % spellings.length] as string) : num(v);
  });

function integerArb(name: string, node: SchemaNode): fc.Arbitrary<J> {
  const min = node.minimum ?? Number.MIN_SAFE_INTEGER;
  const max = node.maximum ?? Number.MAX_SAFE_INTEGER;
  const known = Object.keys(node['x-known-values'] ?? {}).map(Number);
  return integerSpellingArb(
    fc
      .oneof(
        { weight: 4, arbitrary: REALISTIC[name] ?? fc.integer({ min: 0, max: 1_000_000 }) },
        { weight: known.length > 0 ? 4 : 0, arbitrary: known.length > 0 ? fc.constantFrom(...known) : fc.constant(0) },
        { weight: 1, arbitrary: fc.maxSafeNat() },
        { weight: 1, arbitrary: fc.constantFrom(min, max) },
      )
      .filter((v) => v >= min && v <= max),
  );
}

/** A natural-key string near the 900-byte cap on keys (four-byte characters). */
const longKeyTextArb = fc
  .tuple(fc.integer({ min: 216, max: 228 }), fc.integer({ min: 0, max: 3 }))
  .map(([emoji, ascii]) => '😀'.repeat(emoji) + 'x'.repeat(ascii));

function stringArb(pointer: string, node: SchemaNode): fc.Arbitrary<J> {
  const min = node.minLength ?? 0;
  const max = node.maxLength ?? 10_000;
  if (pointer === '/SessionId') {
    return fc
      .tuple(textArb(40), fc.constantFrom(undefined, undefined, undefined, 256))
      .map(([prefix, total]) => ({ k: 'sid', prefix: clip(prefix, 0, 200), ...(total && { total }) }));
  }
  const known = Object.keys(node['x-known-values'] ?? {});
  const text = textArb(Math.min(max, 30)).map((v) => str(clip(v, min, max)));
  if (pointer === '/RecordId')
    return fc.oneof({ weight: 9, arbitrary: text }, { weight: 1, arbitrary: longKeyTextArb.map(str) });
  return known.length > 0 ? fc.oneof(fc.constantFrom(...known).map(str), text) : text;
}

/** A value of `type` that conforms to `node` (and that DynamoDB keeps). */
function typedArb(type: JsonType, pointer: string, node: SchemaNode): fc.Arbitrary<J> {
  switch (type) {
    case 'integer':
      return integerArb(pointer.split('/').at(-1) ?? '', node);
    case 'string':
      return stringArb(pointer, node);
    case 'null':
      return fc.constant<J>({ k: 'null' });
    case 'array':
      return fc
        .array(node.items ? conformingArb(`${pointer}/0`, node.items) : jsonArb(true)(3), { maxLength: 4 })
        .map(arr);
    case 'object':
      return objectArb(pointer, node);
  }
}

/** A value that conforms to `node`: the valid records' building block. `null` (TCCC's "none") now and then. */
function conformingArb(pointer: string, node: SchemaNode): fc.Arbitrary<J> {
  const types = typesOf(node);
  if (types.length === 0) return jsonArb(true)(3);
  return fc.oneof(
    ...types.map((type) => ({ weight: type === 'null' ? 1 : 3, arbitrary: typedArb(type, pointer, node) })),
  );
}

function objectArb(pointer: string, node: SchemaNode): fc.Arbitrary<J> {
  const required = new Set(node.required ?? []);
  const documented = Object.entries(node.properties ?? {}).map(([name, child]) => {
    const value = conformingArb(`${pointer}/${name}`, child);
    return required.has(name)
      ? value.map((v): Array<[string, J]> => [[name, v]])
      : fc.option(value, { freq: 3 }).map((v): Array<[string, J]> => (v === null ? [] : [[name, v]]));
  });
  const extras = fc.array(fc.tuple(extraNameArb(node), jsonArb(true)(3)), { maxLength: 2 });
  return fc
    .tuple(fc.tuple(...documented), extras, fc.array(fc.nat(), { maxLength: 32 }))
    .map(([fields, extra, order]) => {
      // Undocumented names may repeat each other: JSON.parse keeps the last, and so must the store.
      const entries = [...fields.flat(), ...extra];
      const keyed = entries.map((entry, index) => ({ entry, key: order[index] ?? index }));
      return obj(keyed.sort((a, b) => a.key - b.key).map(({ entry }) => entry));
    });
}

const VALID_RECORDS = new Map(PUSH_TYPES.map((type) => [type.action, objectArb('', type.schema)]));

/** Records of `action`'s schema: every documented field typed as documented, undocumented ones now and then. */
export const validRecordArb = (action: string): fc.Arbitrary<J> => VALID_RECORDS.get(action) as fc.Arbitrary<J>;

// ================================================================ edits of a record

type Edit = (doc: J) => J;

interface SchemaPath {
  /** Property names from the record down; '*' stands for any item of an array. */
  path: string[];
  node: SchemaNode;
}

/** Every documented place in a record of `node`: top-level fields, nested fields, list items. */
function schemaPaths(node: SchemaNode, path: string[] = []): SchemaPath[] {
  const found: SchemaPath[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    found.push({ path: [...path, name], node: child }, ...schemaPaths(child, [...path, name]));
  }
  if (node.items) found.push({ path: [...path, '*'], node: node.items }, ...schemaPaths(node.items, [...path, '*']));
  return found;
}

const SCHEMA_PATHS = new Map(PUSH_TYPES.map((type) => [type.action, schemaPaths(type.schema)]));
const pathsOf = (action: string) => SCHEMA_PATHS.get(action) as SchemaPath[];

/**
 * Where an injected property goes: the record itself, a documented object (SeatUser,
 * TelLocation...), inside an undocumented object, or in an object inside an undocumented list.
 */
function placeArb(action: string): fc.Arbitrary<string[] | 'inArray'> {
  const documentedObjects = pathsOf(action)
    .filter(({ path, node }) => !path.includes('*') && typesOf(node).includes('object'))
    .map(({ path }) => path);
  return fc.constantFrom<string[] | 'inArray'>([], ['Extension', 'Inner'], 'inArray', ...documentedObjects);
}

const whereArb = fc.constantFrom<'replace' | 'first' | 'last'>('replace', 'first', 'last');

function inject(place: string[] | 'inArray', key: string, value: J, where: 'replace' | 'first' | 'last'): Edit {
  if (place === 'inArray') {
    return (doc) => atObject(doc, [], setEntry('ExtensionList', arr([num(1), obj([[key, value]])]), 'last'));
  }
  return (doc) => atObject(doc, place, setEntry(key, value, where));
}

/** Values that break `node`, or may: other JSON types, out-of-range numbers and lengths. */
function wrongValueArb({ path, node }: SchemaPath): fc.Arbitrary<J> {
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
  const types = typesOf(node);
  const specific: fc.Arbitrary<J>[] = [];
  if (types.includes('integer')) {
    specific.push(unstorableNumberArb, fc.constantFrom('-1', '0.5', '1.000001', '-0.0001', '1e-7').map(lit));
  }
  if (node.maxLength !== undefined) {
    const max = node.maxLength;
    specific.push(fc.integer({ min: max + 1, max: max + 30 }).map((length) => str('é'.repeat(length))));
  }
  if (node.minLength) specific.push(fc.constant(str('')));
  if (path.join('/') === 'RecordId') specific.push(longKeyTextArb.map(str));
  return specific.length > 0 ? fc.oneof(others, ...specific) : others;
}

/** Puts `value` at a documented path (a list path gets it as an item) or removes the field there. */
function atPath(path: string[], value: J | null, at: number): Edit {
  const last = path.at(-1) as string;
  const parent = path.slice(0, -1);
  if (last === '*') {
    return (doc) =>
      atObject(doc, parent.slice(0, -1), (entries) => {
        const name = parent.at(-1) as string;
        const list = entries[lastIndexOf(entries, name)]?.[1];
        const items = list?.k === 'arr' ? [...list.items] : [];
        if (value) items.splice(at % (items.length + 1), 0, value);
        return setEntry(name, arr(items))(entries);
      });
  }
  return (doc) =>
    atObject(doc, parent, (entries) =>
      value ? setEntry(last, value)(entries) : entries.filter(([key]) => key !== last),
    );
}

/** A wrong value at a documented path, or a documented field removed (a required one, maybe). */
const wrongTypeEditArb = (action: string): fc.Arbitrary<Edit> =>
  fc
    .constantFrom(...pathsOf(action))
    .chain((place) =>
      fc
        .tuple(fc.option(wrongValueArb(place), { freq: 8 }), fc.nat())
        .map(([value, at]) => atPath(place.path, value, at)),
    );

/** Deep nesting around the 31-level limit of a record (and far beyond it). */
const deepEditArb = (action: string): fc.Arbitrary<Edit> =>
  fc
    .tuple(
      fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: 25, max: 35 }) },
        { weight: 1, arbitrary: fc.integer({ min: 36, max: 2000 }) },
      ),
      fc.oneof(leafArb(true), fc.constantFrom(arr([]), obj([]))),
      fc.nat(),
      placeArb(action),
    )
    .map(([depth, leaf, kinds, place]) => inject(place, 'Deep', { k: 'deep', depth, kinds, leaf }, 'last'));

/** `__proto__`, `constructor` and friends as names, in every place. */
const trickyNameEditArb = (action: string): fc.Arbitrary<Edit> =>
  fc
    .tuple(
      fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', '', 'receipt', 'recordKey', 'hasOwnProperty'),
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
      placeArb(action),
      whereArb,
    )
    .map(([name, value, place, where]) => inject(place, name, value, where));

/** A repeated name: JSON.parse keeps the last value, which decides validity. */
const duplicateEditArb = (action: string): fc.Arbitrary<Edit> =>
  fc
    .tuple(fc.constantFrom(...pathsOf(action).filter(({ path }) => !path.includes('*'))), fc.boolean(), fc.nat())
    .chain(([place, wrong, at]) =>
      (wrong ? wrongValueArb(place) : conformingArb(`/${place.path.join('/')}`, place.node)).map((value) => {
        const name = place.path.at(-1) as string;
        return (doc: J) =>
          atObject(doc, place.path.slice(0, -1), (entries) => {
            const copy = [...entries];
            copy.splice(at % (copy.length + 1), 0, [name, value]);
            return copy;
          });
      }),
    );

const numberEditArb = (action: string): fc.Arbitrary<Edit> =>
  fc
    .tuple(
      fc.oneof(unstorableNumberArb, storableNumberArb),
      placeArb(action),
      fc.constantFrom('Big', 'SdkAppId', 'Duration', 'Timestamp', 'Score'),
    )
    .map(([value, place, name]) => inject(place, name, value, 'replace'));

/** Property names around DynamoDB's 65,535-byte limit. */
const longNameEditArb = (action: string): fc.Arbitrary<Edit> =>
  fc
    .tuple(fc.constantFrom('~', '/', '漢', 'a'), fc.constantFrom(-1, 0, 1, -5000, 2), placeArb(action))
    .map(([unit, delta, place]) => {
      const bytes = 65_535 + delta;
      const unitBytes = utf8Length(unit);
      const name = unit.repeat(Math.floor(bytes / unitBytes)) + 'x'.repeat(bytes % unitBytes);
      return inject(place === 'inArray' ? [] : place, name, num(1), 'last');
    });

/** A string long enough to bring the body near, or over, the 128 KiB cap. */
const bigStringEditArb = (minBytes: number, maxBytes: number): fc.Arbitrary<Edit> =>
  fc
    .tuple(
      fc.constantFrom('x', '漢', '😀', 'é', '\\'),
      fc.integer({ min: minBytes, max: maxBytes }),
      fc.constantFrom('ClientData', 'UserRemark', 'Blob'),
    )
    .map(([unit, bytes, name]) => inject([], name, str(unit.repeat(Math.ceil(bytes / utf8Length(unit)))), 'replace'));

const edited = (base: fc.Arbitrary<J>, edits: fc.Arbitrary<Edit>, max = 3) =>
  fc
    .tuple(base, fc.array(edits, { minLength: 1, maxLength: max }))
    .map(([doc, list]) => list.reduce((d, edit) => edit(d), doc));

/** Valid records, including the odd-but-valid: constructor names, repeated names, respelled numbers, deep-ish nesting. */
export const validDocArb = (action: string): fc.Arbitrary<J> =>
  fc.oneof(
    { weight: 6, arbitrary: validRecordArb(action) },
    {
      weight: 3,
      arbitrary: edited(
        validRecordArb(action),
        fc.oneof(
          trickyNameEditArb(action),
          duplicateEditArb(action),
          numberEditArb(action),
          deepEditArb(action),
          longNameEditArb(action),
          bigStringEditArb(10_000, 50_000),
        ),
        2,
      ),
    },
  );

/** Records broken in one or more ways, at every depth. */
export const invalidDocArb = (action: string, base = validRecordArb(action)): fc.Arbitrary<J> =>
  edited(
    base,
    fc.oneof(
      { weight: 5, arbitrary: wrongTypeEditArb(action) },
      { weight: 2, arbitrary: deepEditArb(action) },
      { weight: 2, arbitrary: trickyNameEditArb(action) },
      { weight: 2, arbitrary: duplicateEditArb(action) },
      { weight: 2, arbitrary: numberEditArb(action) },
      { weight: 1, arbitrary: longNameEditArb(action) },
    ),
  );

// ================================================================ bodies

const styleArb: fc.Arbitrary<Style> = fc.record({
  ws: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat() }),
  escape: fc.constantFrom<Style['escape']>('none', 'none', 'none', 'nonAscii', 'all'),
});

const base64LayoutArb = fc.constantFrom<'plain' | 'wrapped' | 'spaced' | null>(
  null,
  null,
  null,
  'plain',
  'plain',
  'wrapped',
  'spaced',
);

export const docBodyArb = (
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
export const malformedBodyArb = (action: string): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: 6, arbitrary: docBodyArb(fc.oneof(validRecordArb(action), invalidDocArb(action)), damageArb) },
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
export const hugeBodyArb = (action: string): fc.Arbitrary<Body> =>
  fc.oneof(
    docBodyArb(edited(validRecordArb(action), bigStringEditArb(MAX_BODY_BYTES + 1, 2 * MAX_BODY_BYTES), 1)),
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

/** Bodies at the cap exactly: a valid record of MAX_BODY_BYTES + delta bytes, padded by a string field. */
export const boundaryBodyArb = (action: string): fc.Arbitrary<Body> =>
  fc
    .tuple(validRecordArb(action), fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', '漢', '😀'), fc.boolean())
    .map(([doc, delta, unit, base64]): Body => {
      const target = MAX_BODY_BYTES + delta;
      const withFiller = (filler: string) => atObject(doc, [], setEntry('ClientData', str(filler)));
      // A SessionId's rendered length is fixed for a given node: measure with a stand-in of the same length.
      const probe = renderJson(withFiller(''), COMPACT, { sids: [] });
      const room = target - utf8Length(probe);
      const unitBytes = utf8Length(unit);
      const filler = unit.repeat(Math.max(0, Math.floor(room / unitBytes))) + 'x'.repeat(Math.max(0, room % unitBytes));
      return {
        kind: 'doc',
        doc: withFiller(filler),
        style: COMPACT,
        bom: false,
        base64: base64 ? 'plain' : null,
        damage: null,
      };
    });

// ================================================================ requests

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

type Mode = 'good' | 'any';

/** A Content-Type value, labelled by construction: its type, at most one charset, other parameters. */
const contentTypeArb = (mode: Mode): fc.Arbitrary<ContentType> =>
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
const headersArb = (mode: Mode): fc.Arbitrary<HeaderSet> =>
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

const extraParamArb = fc.tuple(
  fc.constantFrom('sign', 'ts', 'Action', 'VERSION', 'foo', '__proto__', 'constructor'),
  fc.string({ maxLength: 8 }),
);

/** The query TCCC sends for `action` (voicemail: with or without version=1), in either order. */
const goodQueryArb = (action: string): fc.Arbitrary<Array<[string, string]>> => {
  const versions = pushTypeOf(action).versions;
  return fc
    .tuple(fc.constantFrom(...versions), fc.boolean(), fc.array(extraParamArb, { maxLength: 2 }))
    .map(([version, reversed, extras]) => {
      const query: Array<[string, string]> = [['action', action]];
      if (version !== null) query.push(['version', version]);
      return [...(reversed ? query.reverse() : query), ...extras];
    });
};

const ODD_ACTIONS = [
  ...ACTIONS.flatMap((action) => [action.toUpperCase(), action.toLowerCase(), ` ${action}`, `${action} `]),
  'VideoCdr',
  'Cdr',
  'Record',
  'VoiceMail',
  'imCdr',
  'chatCdr',
  'specifiedSeat',
  '',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '<script>x</script>',
];
const ODD_VERSIONS = ['1', '2', '0', '01', '1.0', ' 1', '', 'v1', '__proto__', 'constructor', 'valueOf'];

/** The query of a push of `action`: TCCC's (`good`), or any: another type's, odd values, repeats, none at all. */
const queryArb = (mode: Mode, action: string): fc.Arbitrary<Array<[string, string]> | null> => {
  if (mode === 'good') return goodQueryArb(action);
  return fc.oneof(
    { weight: 2, arbitrary: goodQueryArb(action) },
    { weight: 1, arbitrary: fc.constantFrom(...ACTIONS).chain(goodQueryArb) },
    { weight: 1, arbitrary: fc.constant(null) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.option(fc.oneof(fc.constantFrom(...ACTIONS, ...ODD_ACTIONS), fc.string({ maxLength: 10 }))),
          fc.option(fc.oneof(fc.constantFrom(...ODD_VERSIONS), fc.string({ maxLength: 4 }))),
          fc.constantFrom(0, 0, 0, 1, 2),
          fc.array(extraParamArb, { maxLength: 2 }),
        )
        .map(([odd, version, repeat, extras]) => {
          const query: Array<[string, string]> = [];
          if (odd !== null) query.push(['action', odd]);
          if (version !== null) query.push(['version', version]);
          if (repeat === 1) query.push(['action', action]);
          if (repeat === 2) query.push(['version', '1']);
          return [...query, ...extras];
        }),
    },
  );
};

const methodArb = (mode: Mode) =>
  mode === 'good'
    ? fc.constant('POST')
    : fc.oneof(
        { weight: 3, arbitrary: fc.constant('POST') },
        {
          weight: 2,
          arbitrary: fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'get', 'POSTX', 'FOO'),
        },
      );

/** Requests carrying `body(action)`: as TCCC sends them (`good`), or with any method, query and headers. */
export const requestArb = (mode: Mode, body: (action: string) => fc.Arbitrary<Body>): fc.Arbitrary<RequestCase> =>
  fc.oneof(
    ...ACTIONS.map((action) =>
      fc
        .record({
          format: fc.constantFrom<'v1' | 'v2'>('v1', 'v2'),
          method: methodArb(mode),
          query: queryArb(mode, action),
          headerSet: headersArb(mode),
          body: body(action),
          retry: fc.oneof({ weight: 7, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        })
        .map(({ headerSet, ...rest }) => ({
          ...rest,
          headers: rest.format === 'v2' && headerSet.headers === null ? [] : headerSet.headers,
          contentTypes: headerSet.contentTypes,
        })),
    ),
  );

// ================================================================ sessions: several pushes, one SessionId

/** TCCC's request for a push of `action`: its query (voicemail with or without version), content type, a push id. */
const tcccRequestArb = (action: string, body: fc.Arbitrary<Body>): fc.Arbitrary<RequestCase> =>
  fc.tuple(goodQueryArb(action), fc.uuid(), body).map(([query, pushId, requestBody]) => ({
    format: 'v2',
    method: 'POST',
    query,
    headers: [
      ['content-type', 'application/json;charset=utf8'],
      ['x-tccc-push-uuid', pushId],
    ],
    contentTypes: [{ value: 'application/json;charset=utf8', ok: true }],
    body: requestBody,
    retry: false,
  }));

/**
 * A record of `action` in the scenario's session, its natural key and ordering drawn from
 * small pools, so that a session holds several records of a type (two recordings, two
 * voicemails) and several versions of one, with ties and late arrivals.
 */
function sessionRecordArb(action: string, broken: boolean): fc.Arbitrary<J> {
  const type = pushTypeOf(action);
  const pools: Record<string, fc.Arbitrary<J>> = {
    SdkAppId: integerSpellingArb(fc.constantFrom(1_400_000_001, 1_400_000_001, 1_400_000_001, 1_400_000_002)),
    RecordId: fc.constantFrom('rec-user-0001', 'rec-agent-0001', 'rec-agent-0002').map(str),
    [type.ordering]: integerSpellingArb(fc.constantFrom(1_735_689_700, 1_735_689_751, 1_735_689_800)),
  };
  const fields = [...new Set([...type.naturalKey, type.ordering])];
  const valid = fc
    .tuple(validRecordArb(action), fc.tuple(...fields.map((field) => pools[field] as fc.Arbitrary<J>)))
    .map(([doc, values]) => fields.reduce((d, field, i) => atObject(d, [], setEntry(field, values[i] as J)), doc));
  // The SessionId last: it must stay the session's whatever an edit did to it.
  return (broken ? invalidDocArb(action, valid) : valid).map((doc) =>
    atObject(doc, [], setEntry('SessionId', { k: 'session' })),
  );
}

export type SessionStep =
  /** A push; `twice`: sent twice at the same instant, as concurrent Lambdas would receive it. */
  | { kind: 'push'; request: RequestCase; twice: boolean }
  /** Step `of` sent again exactly: TCCC's retry (same body, same X-TCCC-PUSH-UUID). */
  | { kind: 'retry'; of: number };

export interface Session {
  session: Extract<J, { k: 'sid' }>;
  steps: SessionStep[];
}

/** The same document with its top-level names in another order (repeated names keep their order among themselves). */
function reordered(doc: J, seed: number): J {
  if (doc.k !== 'obj') return doc;
  const rank = (name: string) => [...name].reduce((hash, char) => Math.imul(hash ^ char.charCodeAt(0), 16777619), seed);
  return obj([...doc.entries].sort(([a], [b]) => rank(a) - rank(b)));
}

type StepSeed =
  | { kind: 'push'; request: RequestCase; twice: boolean }
  | { kind: 'retry'; of: number }
  /** An earlier push's record pushed anew: another spelling, key order and push id. */
  | { kind: 'repush'; of: number; style: Style; seed: number; pushId: string };

const stepSeedArb: fc.Arbitrary<StepSeed> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant<'push'>('push'),
      request: fc.oneof(
        ...ACTIONS.map((action) => tcccRequestArb(action, docBodyArb(sessionRecordArb(action, false)))),
      ),
      twice: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant<'push'>('push'),
      request: fc.oneof(...ACTIONS.map((action) => tcccRequestArb(action, docBodyArb(sessionRecordArb(action, true))))),
      twice: fc.constant(false),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant<'retry'>('retry'), of: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant<'repush'>('repush'),
      of: fc.nat(),
      style: styleArb,
      seed: fc.nat(),
      pushId: fc.uuid(),
    }),
  },
);

/** Turns references to earlier steps into steps of their own; a reference with nothing before it is dropped. */
function resolveSteps(seeds: StepSeed[]): SessionStep[] {
  const steps: SessionStep[] = [];
  const pushes: number[] = [];
  for (const seed of seeds) {
    if (seed.kind === 'push') {
      pushes.push(steps.length);
      steps.push(seed);
      continue;
    }
    if (pushes.length === 0) continue;
    const of = pushes[seed.of % pushes.length] as number;
    if (seed.kind === 'retry') {
      steps.push({ kind: 'retry', of });
      continue;
    }
    const earlier = (steps[of] as Extract<SessionStep, { kind: 'push' }>).request;
    if (earlier.body.kind !== 'doc') continue;
    pushes.push(steps.length);
    steps.push({
      kind: 'push',
      twice: false,
      request: {
        ...earlier,
        headers: (earlier.headers ?? []).map(([name, value]) => [
          name,
          name === 'x-tccc-push-uuid' ? seed.pushId : value,
        ]),
        body: { ...earlier.body, doc: reordered(earlier.body.doc, seed.seed), style: seed.style },
      },
    });
  }
  return steps;
}

/** One session's pushes in order: records of every type, new versions, retries, re-pushes, refused ones. */
export const sessionArb: fc.Arbitrary<Session> = fc.record({
  session: fc.tuple(textArb(20), fc.constantFrom(undefined, undefined, 256)).map(
    ([prefix, total]): Extract<J, { k: 'sid' }> => ({
      k: 'sid',
      prefix: clip(prefix, 0, 20),
      ...(total && { total }),
    }),
  ),
  steps: fc.array(stepSeedArb, { minLength: 2, maxLength: 8 }).map(resolveSteps),
});
