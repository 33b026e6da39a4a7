import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { type CompiledSchema, loadSchema, SCHEMAS, type SchemaName } from '../../handler/push-types/generated/schemas';
import validateVideoCdrV1 from '../../handler/push-types/generated/validate-video-cdr-v1';
import { VideoCdrV1Shape } from '../../handler/push-types/generated/video-cdr-v1';
import { findNovelties, type KnownShape, REDACTED, redactPersonalData } from '../../handler/push-types/known-shape';
import { EVENTS_DIR } from '../support/events';

const SCHEMAS_DIR = path.join(__dirname, '..', '..', 'schemas');
const SCHEMA_SUFFIX = '.schema.json';
const MAX_SAFE = 9007199254740991;

type Json = Record<string, any>;
const readJson = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));
const schemaFiles = readdirSync(SCHEMAS_DIR).filter((file) => file.endsWith(SCHEMA_SUFFIX));
const schemaOf = (name: SchemaName): Json => readJson(path.join(SCHEMAS_DIR, `${name}${SCHEMA_SUFFIX}`));

/** Which schema each sample body under events/ follows. */
const SAMPLE_SCHEMA: Record<string, SchemaName> = {
  'cdr.sample.json': 'cdr.v1',
  'record.sample.json': 'record.v1',
  'record-caller.sample.json': 'record.v1',
  'voicemail.sample.json': 'voicemail.v1',
  'imcdr.sample.json': 'imcdr.v1',
  'video-cdr.sample.json': 'video-cdr.v1',
};
const sample = (file: string): Json => readJson(path.join(EVENTS_DIR, file));

/** What identifies a record and orders its versions, per push type (issue 7, the shared notes). */
const KEY_FIELDS: Record<SchemaName, string[]> = {
  'cdr.v1': ['SdkAppId', 'SessionId', 'StartTimestamp', 'EndedTimestamp', 'EndStatusString'],
  'imcdr.v1': ['SdkAppId', 'SessionId', 'StartTimestamp', 'EndedTimestamp', 'EndStatusString'],
  'video-cdr.v1': ['SdkAppId', 'SessionId', 'StartTimestamp', 'EndedTimestamp', 'EndStatusString'],
  'record.v1': ['SdkAppId', 'SessionId', 'RecordId', 'Timestamp', 'RecordURL'],
  'voicemail.v1': ['SdkAppId', 'SessionId', 'Timestamp', 'RecordURL'],
};

const SEAT_USER_PERSONAL = ['Mail', 'Name', 'Nick', 'Phone', 'UserId', 'StaffNumber', 'SkillGroupNameList'].map(
  (field) => `SeatUser/${field}`,
);
/** Where people are named, reached or recorded: must be marked x-personal-data (paths through properties/items). */
const PERSONAL_FIELDS: Record<SchemaName, string[]> = {
  'cdr.v1': [
    ...SEAT_USER_PERSONAL,
    'Caller',
    'Callee',
    'CallerLocation',
    'TelLocation',
    'Uui',
    'UserRemark',
    'IVRKeyPressed',
    'IVRKeyPressedEx',
    'PostIVRKeyPressed',
    ...['Mail', 'Phone', 'TransferFrom', 'TransferTo', 'RecordURL', 'CustomRecordURL'].map(
      (field) => `ServeParticipants/items/${field}`,
    ),
  ],
  'imcdr.v1': [
    ...SEAT_USER_PERSONAL,
    'UserId',
    'UserNickName',
    'UserRemark',
    'ClientData',
    'IVRKeyPressed',
    'Satisfaction/content',
    'Satisfaction/Label',
  ],
  'video-cdr.v1': [...SEAT_USER_PERSONAL, 'UserId', 'UserNickName', 'UserRemark', 'ClientData'],
  'record.v1': ['EndpointUser', 'RecordURL', 'CustomRecordURL'],
  'voicemail.v1': ['EndpointUser', 'RecordURL'],
};

const SEAT_USER_IDENTIFIERS = ['Mail', 'Phone', 'UserId'].map((field) => `SeatUser/${field}`);
/** The personal fields a person is found by (x-identifier, docs/privacy.md): phone numbers and user ids. */
const IDENTIFIER_FIELDS: Record<SchemaName, string[]> = {
  'cdr.v1': [
    'Caller',
    'Callee',
    ...SEAT_USER_IDENTIFIERS,
    ...['Mail', 'Phone', 'TransferFrom', 'TransferTo'].map((field) => `ServeParticipants/items/${field}`),
  ],
  'imcdr.v1': ['UserId', ...SEAT_USER_IDENTIFIERS],
  'video-cdr.v1': ['UserId', ...SEAT_USER_IDENTIFIERS],
  'record.v1': ['EndpointUser'],
  'voicemail.v1': ['EndpointUser'],
};

/** Every schema's validator and shape, loaded as the handler loads them (one chunk each when bundled). */
const compiled = {} as Record<SchemaName, CompiledSchema>;
beforeAll(async () => {
  for (const name of Object.keys(SCHEMAS) as SchemaName[]) compiled[name] = await loadSchema(name);
});

/** ajv's errors as "<instancePath> <message>", or [] when the body is valid. */
function problemsOf(name: SchemaName, body: unknown): string[] {
  const validate = compiled[name].validate as ValidateFunction;
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) =>
    error.keyword === 'required'
      ? `${error.instancePath}/${error.params.missingProperty} is required`
      : `${error.instancePath} ${error.message}`,
  );
}

const shapeOf = (name: SchemaName): KnownShape => compiled[name].shape;

/** A deep copy of a sample with `change` applied to it. */
function changed(file: string, change: (body: Json) => void): Json {
  const body = sample(file);
  change(body);
  return body;
}

describe('codegen: one validator and shape per schema file', () => {
  it('indexes every schemas/*.schema.json under its file name, with no list to keep up to date', () => {
    expect(Object.keys(SCHEMAS).sort()).toEqual(schemaFiles.map((file) => file.slice(0, -SCHEMA_SUFFIX.length)).sort());
  });

  it('loads the per-schema modules once per container', async () => {
    const first = loadSchema('video-cdr.v1');

    expect(loadSchema('video-cdr.v1')).toBe(first);
    expect(await first).toEqual({ validate: validateVideoCdrV1, shape: VideoCdrV1Shape });
  });
});

describe('sample bodies under events/', () => {
  const sampleFiles = readdirSync(EVENTS_DIR).filter((file) => file.endsWith('.sample.json'));

  it('has a schema for every sample and a sample for every schema', () => {
    expect(sampleFiles.sort()).toEqual(Object.keys(SAMPLE_SCHEMA).sort());
    expect([...new Set(Object.values(SAMPLE_SCHEMA))].sort()).toEqual(Object.keys(SCHEMAS).sort());
  });

  it.each(Object.entries(SAMPLE_SCHEMA))('%s passes %s and uses only documented fields and values', (file, name) => {
    const body = sample(file);

    expect(problemsOf(name, body)).toEqual([]);
    expect(findNovelties(body, shapeOf(name))).toEqual({ unknownFields: [], unknownValues: [] });
  });

  it('gives each session its own SessionId, the cdr and its two recordings one', () => {
    const sessionIds = Object.fromEntries(Object.keys(SAMPLE_SCHEMA).map((file) => [file, sample(file).SessionId]));
    const cdrSession = sessionIds['cdr.sample.json'];

    expect(sessionIds['record.sample.json']).toBe(cdrSession);
    expect(sessionIds['record-caller.sample.json']).toBe(cdrSession);
    const others = ['voicemail.sample.json', 'imcdr.sample.json', 'video-cdr.sample.json'].map(
      (file) => sessionIds[file],
    );
    expect(new Set([cdrSession, ...others]).size).toBe(4);
  });

  it('links the two recordings to the cdr: caller side by the root RecordId, agent side by the leg’s', () => {
    const cdr = sample('cdr.sample.json');
    const agent = sample('record.sample.json');
    const caller = sample('record-caller.sample.json');

    expect(caller.RecordId).toBe(cdr.RecordId);
    expect(agent.RecordId).toBe(cdr.ServeParticipants[0].RecordId);
    expect(agent.RecordId).not.toBe(caller.RecordId);
    expect(agent.EndpointUser).toBe(cdr.SeatUser.Mail);
    expect(caller.EndpointUser).toBe(cdr.Caller);
  });
});

describe('sample HTTP API events for `npm run invoke`', () => {
  const template = readJson(path.join(EVENTS_DIR, 'http-api-v2.json'));
  const PUSHES: Array<{ type: string; query: Record<string, string> }> = [
    { type: 'cdr', query: { action: 'cdr', version: '1' } },
    { type: 'record', query: { action: 'record', version: '1' } },
    // TCCC sends voicemail without a version parameter.
    { type: 'voicemail', query: { action: 'voicemail' } },
    { type: 'imcdr', query: { action: 'imcdr', version: '1' } },
  ];

  it.each(PUSHES)('http-api-v2.$type.json is TCCC’s push of the $type sample', ({ type, query }) => {
    const event = readJson(path.join(EVENTS_DIR, `http-api-v2.${type}.json`));

    expect(Object.keys(event)).toEqual(Object.keys(template));
    expect(Object.keys(event.requestContext)).toEqual(Object.keys(template.requestContext));
    expect(event.queryStringParameters).toEqual(query);
    expect(event.rawQueryString).toBe(new URLSearchParams(query).toString());
    expect(event.headers['content-type']).toBe('application/json;charset=utf8');
    expect(event.requestContext.http.method).toBe('POST');
    expect(event.isBase64Encoded).toBe(false);
    expect(JSON.parse(event.body)).toEqual(sample(`${type}.sample.json`));
  });

  it('gives each push its own X-TCCC-PUSH-UUID and request id', () => {
    const events = [template, ...PUSHES.map(({ type }) => readJson(path.join(EVENTS_DIR, `http-api-v2.${type}.json`)))];

    expect(new Set(events.map((event) => event.headers['x-tccc-push-uuid'])).size).toBe(events.length);
    expect(new Set(events.map((event) => event.requestContext.requestId)).size).toBe(events.length);
  });
});

describe('quirks of TCCC’s own samples are accepted', () => {
  it('voicemail: EndpointUser as a bare number, as in TCCC’s sample, or as a string, as in its table', () => {
    const asNumber = sample('voicemail.sample.json');
    expect(typeof asNumber.EndpointUser).toBe('number');
    expect(problemsOf('voicemail.v1', asNumber)).toEqual([]);
    expect(problemsOf('voicemail.v1', { ...asNumber, EndpointUser: '008613800000001' })).toEqual([]);
  });

  it('voicemail: EndpointUser that is neither a string nor a safe whole number is refused', () => {
    const body = sample('voicemail.sample.json');
    for (const EndpointUser of [1.5, -1, 2 ** 53, true, null, ['1']]) {
      expect(problemsOf('voicemail.v1', { ...body, EndpointUser })).toContainEqual(
        expect.stringMatching(/^\/EndpointUser /),
      );
    }
  });

  it('record: EndpointUser as a number too (the user side carries a phone number)', () => {
    expect(problemsOf('record.v1', { ...sample('record-caller.sample.json'), EndpointUser: 13800000001 })).toEqual([]);
  });

  it.each([
    ['cdr.sample.json', 'cdr.v1', ['IVRKeyPressed', 'IVRKeyPressedEx', 'PostIVRKeyPressed', 'ServeParticipants']],
    ['imcdr.sample.json', 'imcdr.v1', ['IVRKeyPressed']],
  ] as const)('%s: null for every array, as TCCC sends IVRKeyPressed', (file, name, arrays) => {
    const body = changed(file, (record) => {
      for (const field of arrays) record[field] = null;
      record.SeatUser.SkillGroupNameList = null;
    });

    expect(problemsOf(name, body)).toEqual([]);
    expect(findNovelties(body, shapeOf(name))).toEqual({ unknownFields: [], unknownValues: [] });
    expect(redactPersonalData(body, shapeOf(name))).toMatchObject({ IVRKeyPressed: REDACTED });
  });

  it('cdr: key presses as Key/Label (TCCC’s tables), key/label (its sample) and with the pull API’s fields', () => {
    const press = { Key: '1', Label: 'sales', Timestamp: 1735689610123, NodeLabel: 'menu', TTSPrompt: 'press 1' };
    const body = changed('cdr.sample.json', (record) => {
      record.IVRKeyPressedEx = [press, { key: '2', label: 'support' }];
      record.PostIVRKeyPressed = [
        { key: '5', label: 'very satisfied' },
        { Key: 'refund', OriginalContent: 'refund' },
      ];
    });

    expect(problemsOf('cdr.v1', body)).toEqual([]);
    expect(findNovelties(body, shapeOf('cdr.v1'))).toEqual({ unknownFields: [], unknownValues: [] });
  });

  it('imcdr: Satisfaction as TCCC’s sample sends it (lower-case, string id) and as its pull API spells it', () => {
    const body = sample('imcdr.sample.json');
    expect(body.Satisfaction).toEqual({ id: '104', content: 'satisfied' });

    for (const Satisfaction of [{ Id: 104, Label: 'satisfied' }, { Id: '104' }, { id: 104 }]) {
      const variant = { ...body, Satisfaction };
      expect(problemsOf('imcdr.v1', variant)).toEqual([]);
      expect(findNovelties(variant, shapeOf('imcdr.v1')).unknownFields).toEqual([]);
    }
    expect(problemsOf('imcdr.v1', { ...body, Satisfaction: { id: '104', content: 5 } })).toEqual([
      '/Satisfaction/content must be string',
    ]);
  });

  it('cdr: an EndStatusString TCCC adds later is stored but flagged, at the root and on a leg', () => {
    const body = changed('cdr.sample.json', (record) => {
      record.EndStatusString = 'aiFinished';
      record.ServeParticipants[0].EndStatusString = 'aiHandover';
      record.ServeParticipants[0].Type = 'robotSeat';
    });

    expect(problemsOf('cdr.v1', body)).toEqual([]);
    expect(findNovelties(body, shapeOf('cdr.v1'))).toEqual({
      unknownFields: [],
      unknownValues: [
        '/EndStatusString=aiFinished',
        '/ServeParticipants/0/Type=robotSeat',
        '/ServeParticipants/0/EndStatusString=aiHandover',
      ],
    });
  });

  it('cdr: every EndStatusString of the old list and of the status-code list is known, on the session and a leg', () => {
    const schema = schemaOf('cdr.v1');
    const known = Object.keys(schema.properties.EndStatusString['x-known-values']);
    expect(known).toEqual(
      expect.arrayContaining(['ok', 'seatForward', 'outboundForward', 'notInService', 'blackList', 'carrierBlocked']),
    );
    expect(known).toHaveLength(29);
    expect(Object.keys(schema.properties.ServeParticipants.items.properties.EndStatusString['x-known-values'])).toEqual(
      known,
    );
    for (const status of known) {
      const body = changed('cdr.sample.json', (record) => {
        record.EndStatusString = status;
        record.ServeParticipants[0].EndStatusString = status;
      });
      expect(findNovelties(body, shapeOf('cdr.v1')).unknownValues).toEqual([]);
    }
  });

  it('cdr: integer enums outside their known values (Direction, CallType) are flagged, not refused', () => {
    const body = { ...sample('cdr.sample.json'), Direction: 7, CallType: 4, HungUpSide: 'system' };

    expect(problemsOf('cdr.v1', body)).toEqual([]);
    expect(findNovelties(body, shapeOf('cdr.v1')).unknownValues).toEqual(['/Direction=7', '/CallType=4']);
  });

  it('imcdr: autoFinished is known, and an unknown EndStatusString is flagged', () => {
    const body = sample('imcdr.sample.json');
    expect(findNovelties({ ...body, EndStatusString: 'autoFinished' }, shapeOf('imcdr.v1')).unknownValues).toEqual([]);
    expect(findNovelties({ ...body, EndStatusString: 'botFinished' }, shapeOf('imcdr.v1')).unknownValues).toEqual([
      '/EndStatusString=botFinished',
    ]);
  });

  it('flags fields TCCC adds inside a leg, a key press and SeatUser, and keeps them valid', () => {
    const body = changed('cdr.sample.json', (record) => {
      record.ServeParticipants[0].QueueTimestamp = 1;
      record.PostIVRKeyPressed[0].NodeId = 'n1';
      record.SeatUser.Team = 'a';
      record.ProtectedCaller = '0086138****0001';
    });

    expect(problemsOf('cdr.v1', body)).toEqual([]);
    expect(findNovelties(body, shapeOf('cdr.v1')).unknownFields.sort()).toEqual(
      [
        '/PostIVRKeyPressed/0/NodeId',
        '/ProtectedCaller',
        '/SeatUser/Team',
        '/ServeParticipants/0/QueueTimestamp',
      ].sort(),
    );
  });
});

describe('what the schemas refuse', () => {
  /** A sample with the value at a JSON Pointer (of plain names and indices) replaced. */
  function withValue(file: string, pointer: string, value: unknown): Json {
    return changed(file, (body) => {
      const names = pointer.split('/').slice(1);
      const last = names.pop() as string;
      const parent = names.reduce((node, name) => node[name], body);
      parent[last] = value;
    });
  }

  it.each([
    ['/ServeParticipants/0/Sequence', 'x', 'must be integer'],
    ['/ServeParticipants/0', null, 'must be object'],
    ['/ServeParticipants/0/EndedTimestamp', -1, 'must be >= 0'],
    ['/ServeParticipants/0/Type', 1, 'must be string'],
    ['/IVRKeyPressedEx/0/Key', 1, 'must be string'],
    ['/PostIVRKeyPressed/0/label', 5, 'must be string'],
    ['/IVRKeyPressed', '1', 'must be array,null'],
    ['/IVRKeyPressed/0', 1, 'must be string'],
    ['/SeatUser/SkillGroupNameList/0', 1, 'must be string'],
    ['/SeatUser', null, 'must be object'],
    ['/Direction', '0', 'must be integer'],
    ['/SdkAppId', 2 ** 53, 'must be <= 9007199254740991'],
    ['/SessionId', '', 'must NOT have fewer than 1 characters'],
    ['/SessionId', 's'.repeat(257), 'must NOT have more than 256 characters'],
    ['/EndStatusString', '', 'must NOT have fewer than 1 characters'],
  ])('cdr: %s = %j', (pointer, value, problem) => {
    expect(problemsOf('cdr.v1', withValue('cdr.sample.json', pointer, value))).toContain(`${pointer} ${problem}`);
  });

  it('cdr: a TelLocation with a wrong type inside', () => {
    const body = { ...sample('cdr.sample.json'), TelLocation: { TelNumber: '008613800000001', City: 5 } };
    expect(problemsOf('cdr.v1', body)).toEqual(['/TelLocation/City must be string']);
  });

  it.each([
    ['record.v1', 'record.sample.json', '/RecordId', '', 'must NOT have fewer than 1 characters'],
    ['record.v1', 'record.sample.json', '/Timestamp', '1735689751', 'must be integer'],
    ['record.v1', 'record.sample.json', '/CustomRecordURL', {}, 'must be string'],
    ['voicemail.v1', 'voicemail.sample.json', '/RecordURL', null, 'must be string'],
    ['imcdr.v1', 'imcdr.sample.json', '/SeatUser/Phone', 13800000001, 'must be string'],
    ['imcdr.v1', 'imcdr.sample.json', '/Satisfaction', 'good', 'must be object'],
    ['imcdr.v1', 'imcdr.sample.json', '/Satisfaction/Id', 1.5, 'must be string,integer'],
    ['imcdr.v1', 'imcdr.sample.json', '/QueuedTimestamp', 1.5, 'must be integer'],
  ] satisfies Array<[SchemaName, string, string, unknown, string]>)(
    '%s: %s %s = %j',
    (name, file, pointer, value, problem) => {
      expect(problemsOf(name, withValue(file, pointer, value))).toContain(`${pointer} ${problem}`);
    },
  );

  it.each(
    Object.entries(SAMPLE_SCHEMA).flatMap(([file, name]) => KEY_FIELDS[name].map((field) => [file, name, field])),
  )('%s without %s (%s) is refused', (file, name, field) => {
    const body = changed(file, (record) => {
      delete record[field];
    });

    expect(problemsOf(name as SchemaName, body)).toEqual([`/${field} is required`]);
  });
});

type Leaf = { pointer: string; value: string | number | boolean | null; personal: boolean };

/**
 * Every scalar in `value`, with its JSON Pointer and whether it is personal data: marked so
 * in the schema (or a parent is), or listed in PERSONAL_FIELDS, so unmarking a field in the
 * schema cannot quietly shrink what this test searches for.
 */
function leaves(
  value: unknown,
  shape: KnownShape | undefined,
  listed: string[],
  pointer = '',
  schemaPath = '',
): Leaf[] {
  const personal =
    shape?.personal === true ||
    listed.some((field) => `/${field}` === schemaPath || schemaPath.startsWith(`/${field}/`));
  const found: Leaf[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      found.push(...leaves(item, shape?.items, listed, `${pointer}/${index}`, `${schemaPath}/items`));
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      found.push(...leaves(child, shape?.properties?.[key], listed, `${pointer}/${key}`, `${schemaPath}/${key}`));
    }
  } else {
    found.push({ pointer, value: value as Leaf['value'], personal });
  }
  // Below a personal node every leaf is personal.
  return personal ? found.map((leaf) => ({ ...leaf, personal: true })) : found;
}

describe('redaction: no personal value of any sample reaches a log', () => {
  it.each(Object.entries(SAMPLE_SCHEMA))('%s (%s)', (file, name) => {
    const body = sample(file);
    const text = JSON.stringify(redactPersonalData(body, shapeOf(name)));
    const all = leaves(body, shapeOf(name), PERSONAL_FIELDS[name]);
    const plain = new Set(all.filter((leaf) => !leaf.personal).map((leaf) => JSON.stringify(leaf.value)));
    // A value that also sits in a field that is not personal (e.g. a skill group name) cannot be searched for.
    const searchable = all.filter((leaf) => leaf.personal && !plain.has(JSON.stringify(leaf.value)));

    expect(searchable.length).toBeGreaterThanOrEqual(2);
    for (const leaf of searchable) {
      const literal = JSON.stringify(leaf.value);
      // As a whole JSON token: "001" must not match inside a SessionId ending in 00000001.
      const token = new RegExp(`(^|[\\[:,])${literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[\\],}])`);
      expect({ pointer: leaf.pointer, leaked: token.test(text) }).toEqual({ pointer: leaf.pointer, leaked: false });
    }
    expect(text).toContain(JSON.stringify(body.SessionId));
    expect(text).toContain(REDACTED);
  });

  it('redacts personal data inside every leg of a cdr and keeps the rest of the leg', () => {
    const body = changed('cdr.sample.json', (record) => {
      record.ServeParticipants.push({
        ...record.ServeParticipants[0],
        Sequence: 1,
        Mail: 'agent2@example.com',
        TransferFrom: 'agent1@example.com',
        RecordURL: 'https://recordings.example.com/rec-agent-0002.mp3?sign=secret',
      });
    });

    const redacted = redactPersonalData(body, shapeOf('cdr.v1')) as Json;

    expect(redacted.ServeParticipants[1]).toMatchObject({
      Sequence: 1,
      Mail: REDACTED,
      Phone: REDACTED,
      TransferFrom: REDACTED,
      RecordURL: REDACTED,
      RecordId: 'rec-agent-0001',
      SkillGroupName: 'sales',
    });
  });
});

/** Every schema node (root, properties, items), with its JSON Pointer and whether it is a property. */
function nodesOf(
  schema: Json,
  pointer = '#',
  isProperty = false,
): Array<{ pointer: string; node: Json; isProperty: boolean }> {
  const found = [{ pointer, node: schema, isProperty }];
  for (const [name, child] of Object.entries<Json>(schema.properties ?? {})) {
    found.push(...nodesOf(child, `${pointer}/properties/${name}`, true));
  }
  if (schema.items) found.push(...nodesOf(schema.items, `${pointer}/items`));
  return found;
}
const typesOf = (node: Json): string[] => (Array.isArray(node.type) ? node.type : [node.type]);

const ALLOWED_KEYWORDS = new Set([
  '$schema',
  '$id',
  'title',
  'description',
  'type',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'x-known-values',
  'x-personal-data',
  'x-identifier',
]);

describe.each(schemaFiles)('schemas/%s follows the rules video-cdr.v1 set', (file) => {
  const name = file.slice(0, -SCHEMA_SUFFIX.length) as SchemaName;
  const schema = readJson(path.join(SCHEMAS_DIR, file));
  const nodes = nodesOf(schema);

  it('is a draft-07 schema with its own $id, a type name for a title, and says why fields are required', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe(`https://github.com/tccc-cdr-receiver/schemas/${file}`);
    expect(schema.title).toMatch(/^[A-Z][A-Za-z0-9]*V\d+$/);
    expect(schema.description).toMatch(/Required are .*: TCCC marks nothing required/);
  });

  it('requires the fields that identify and order a record, all documented', () => {
    expect(schema.required).toEqual(expect.arrayContaining(KEY_FIELDS[name]));
    for (const field of schema.required) expect(Object.keys(schema.properties)).toContain(field);
    expect(schema.properties.SessionId).toMatchObject({ type: 'string', minLength: 1, maxLength: 256 });
  });

  it('describes and types every property, and uses only keywords the tooling understands', () => {
    for (const { pointer, node, isProperty } of nodes) {
      expect({ pointer, unknown: Object.keys(node).filter((key) => !ALLOWED_KEYWORDS.has(key)) }).toEqual({
        pointer,
        unknown: [],
      });
      expect({ pointer, type: node.type }).toEqual({ pointer, type: expect.anything() });
      if (isProperty || typesOf(node).includes('object')) {
        expect({ pointer, description: node.description }).toEqual({
          pointer,
          description: expect.stringMatching(/\S/),
        });
      }
    }
  });

  it('keeps unknown fields at every object level (additionalProperties: true)', () => {
    const objects = nodes.filter(({ node }) => typesOf(node).includes('object'));
    expect(objects.length).toBeGreaterThan(0);
    for (const { pointer, node } of objects) {
      expect({ pointer, additionalProperties: node.additionalProperties }).toEqual({
        pointer,
        additionalProperties: true,
      });
      expect({ pointer, hasProperties: typeof node.properties }).toEqual({ pointer, hasProperties: 'object' });
    }
  });

  it('bounds every integer to 0..2^53-1 and types every array’s items', () => {
    for (const { pointer, node } of nodes) {
      if (typesOf(node).includes('integer')) {
        expect({ pointer, minimum: node.minimum, maximum: node.maximum }).toEqual({
          pointer,
          minimum: 0,
          maximum: MAX_SAFE,
        });
      }
      if (typesOf(node).includes('array'))
        expect({ pointer, items: node.items?.type }).toEqual({ pointer, items: expect.anything() });
    }
  });

  it('gives open enums as value -> meaning, and marks personal data with true only', () => {
    for (const { pointer, node } of nodes) {
      const known = node['x-known-values'];
      if (known !== undefined) {
        expect(Object.keys(known).length).toBeGreaterThan(0);
        for (const meaning of Object.values(known))
          expect({ pointer, meaning }).toEqual({ pointer, meaning: expect.stringMatching(/\S/) });
      }
      if ('x-personal-data' in node)
        expect({ pointer, personal: node['x-personal-data'] }).toEqual({ pointer, personal: true });
    }
  });

  it('marks every field that names, reaches or records a person as personal data', () => {
    const personal = new Set(
      nodes
        .filter(({ node }) => node['x-personal-data'] === true)
        .map(({ pointer }) => pointer.replace(/^#\/properties\//, '').replace(/\/properties\//g, '/')),
    );
    for (const field of PERSONAL_FIELDS[name])
      expect({ field, personal: personal.has(field) }).toEqual({ field, personal: true });
  });

  it('marks exactly the phone numbers and user ids as identifiers, each one personal data, with true only', () => {
    const path = (pointer: string) => pointer.replace(/^#\/properties\//, '').replace(/\/properties\//g, '/');
    const marked = nodes.filter(({ node }) => 'x-identifier' in node);
    for (const { pointer, node } of marked) {
      expect({ pointer, identifier: node['x-identifier'], personal: node['x-personal-data'] }).toEqual({
        pointer,
        identifier: true,
        personal: true,
      });
    }
    expect(marked.map(({ pointer }) => path(pointer)).sort()).toEqual([...IDENTIFIER_FIELDS[name]].sort());
  });
});
