/**
 * Property-based fuzzing of the push endpoint (fast-check): well over 10,000 generated
 * requests of all five push types, valid and invalid, through the REAL handler into
 * DynamoDB Local. For each one, the oracle in ./oracle.ts (README, issue 7, the schema
 * files and RFCs; none of handler/decode/) predicts the envelope, and the test checks the
 * reply, that nothing refused was stored, and that every accepted push left exactly the
 * items it must: one per new record, the record as sent, nothing more on a retry.
 *
 * Replay a failure with the seed and path it prints:
 *   FUZZ_SEED=<seed> FUZZ_PATH=<path> npx jest tests/fuzz
 */
process.env.TCCC_AUTH = 'none'; // before the handler is imported: this test is about decoding, not credentials
// Powertools then logs through the global console (silenced below) instead of its own stdout stream.
process.env.POWERTOOLS_DEV = 'true';
// Tables of its own (tests/support/global-setup.mjs): thousands of pushes, quarantined ones among them.
process.env.CDR_TABLE_NAME = process.env.FUZZ_CDR_TABLE_NAME;
process.env.QUARANTINE_TABLE_NAME = process.env.FUZZ_QUARANTINE_TABLE_NAME;

import { isDeepStrictEqual } from 'node:util';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import fc from 'fast-check';
import { createDynamoDbClient } from '../../handler/aws/dynamodb-client';
import { tableName } from '../../handler/aws/tables';
import { ERR_CODES } from '../../handler/common/errors';
import { createPushHandler } from '../../handler/functions/push';
import { pushTypeOf, PUSH_TYPES as REGISTERED_TYPES } from '../../handler/push-types/push-registry';
import { indexAttributesOf } from '../../handler/query/index-attributes';
import { QUERY_ATTRIBUTE } from '../../handler/query/query-index';
import { DynamoDbQuarantineStore } from '../../handler/records/dynamodb-quarantine-store';
import { DynamoDbRecordStore } from '../../handler/records/dynamodb-record-store';
import { rawItems } from '../support/dynamodb';
import {
  boundaryBodyArb,
  docBodyArb,
  hugeBodyArb,
  invalidDocArb,
  malformedBodyArb,
  requestArb,
  type Session,
  sessionArb,
  validDocArb,
} from './arbitraries';
import { sidValue } from './json-text';
import { ACTIONS, type Accepted, isPlainObject, type Verdict, verdictFor } from './oracle';
import { type PushEvent, type Rendered, type RequestCase, renderRequest } from './requests';

// ================================================================ the receiver under test

/** Receipt times one millisecond apart, in the order pushes arrive: "the later receipt" is then well defined. */
let clock = Date.parse('2026-01-01T00:00:00.000Z');
const fuzzClient = createDynamoDbClient();
const store = new DynamoDbRecordStore(fuzzClient, tableName('records'));
const quarantine = new DynamoDbQuarantineStore(fuzzClient, tableName('quarantine'));
const handler = createPushHandler({ store, quarantine, now: () => new Date(clock++) });

type Item = Record<string, unknown>;
const itemsOf = async (sessionId: string): Promise<Item[]> =>
  (await rawItems(sessionId)).map((item) => unmarshall(item));

// ================================================================ checking one reply

const tally = new Map<string, number>();
let requestsSent = 0;
/** Pushes per push type the query named, per `version` sent, accepted or refused: what the run covered. */
const coverage = new Map<string, number>();
const coverageKey = (action: string, version: string, outcome: 'accepted' | 'refused') =>
  `${action} ${version} ${outcome}`;

function count(rendered: Rendered, verdict: Verdict): void {
  requestsSent++;
  tally.set(verdict.code, (tally.get(verdict.code) ?? 0) + 1);
  const query = rendered.sent.query ?? [];
  const actions = query.filter(([name]) => name === 'action').map(([, value]) => value);
  const versions = query.filter(([name]) => name === 'version').map(([, value]) => value);
  if (actions.length !== 1 || !ACTIONS.includes(actions[0] as string)) return;
  const version = versions.length === 0 ? 'none' : versions.join(',') === '1' ? '1' : 'other';
  const key = coverageKey(actions[0] as string, version, verdict.accepted ? 'accepted' : 'refused');
  coverage.set(key, (coverage.get(key) ?? 0) + 1);
}

class Mismatch extends Error {}

function describeRequest(rendered: Rendered, event: PushEvent): string {
  const { sent } = rendered;
  const excerpt = sent.body.length > 600 ? `${sent.body.slice(0, 600)}… (${sent.body.length} chars)` : sent.body;
  return [
    `  ${'version' in event ? 'v2' : 'v1'} ${sent.method} query=${JSON.stringify(sent.query)}`,
    `  headers=${JSON.stringify(event.headers)}`,
    `  isBase64Encoded=${sent.isBase64Encoded} body=${JSON.stringify(excerpt)}`,
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

/** Query values the client chose, worth looking for in a reply: long or odd enough not to be a word of it. */
const echoable = (value: string) => value.length >= 6 && /[^A-Za-z0-9 ]/.test(value);

interface Sent {
  requestId: string;
  errMsg: string;
}

/**
 * Sends one rendered request and checks the reply against the verdict: the envelope, its
 * ErrCode and HTTP status, and that a refusal of the push type does not echo the query.
 */
async function send(rendered: Rendered, verdict: Verdict): Promise<Sent> {
  const event = rendered.event();
  const fail = (what: string): never => {
    throw new Mismatch(`${what}\n  oracle: ${verdict.code} (${verdict.why})\n${describeRequest(rendered, event)}`);
  };
  count(rendered, verdict);
  let reply: APIGatewayProxyResult;
  try {
    reply = await handler(event);
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
  if (verdict.code === 'UNKNOWN_PUSH_TYPE') {
    const echoed = (rendered.sent.query ?? []).find(([, value]) => echoable(value) && envelope.ErrMsg.includes(value));
    if (echoed) fail(`the refusal echoes the query's ${echoed[0]}: ${envelope.ErrMsg}`);
  }
  return { requestId: event.requestContext.requestId, errMsg: envelope.ErrMsg };
}

// ================================================================ what the table must hold

/** JSON has no negative zero worth keeping: -0 is stored as the number 0. */
const normalized = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const VERSION_ID = /^[0-9a-f]{32}$/;
const currentKey = (action: string, naturalKey: string) => `R#${action}#${naturalKey}`;

/** The receipt README describes for an accepted push, but for the time and version id (checked for their form). */
function expectedReceipt(accepted: Accepted, pushId: string | undefined) {
  /** README: the first 100 pointers of at most 256 characters, and how many more there were. */
  const listed = (name: string, pointers: string[]) => {
    if (pointers.length === 0) return {};
    const kept = pointers.slice(0, 100).map((pointer) => {
      const cut = pointer.slice(0, 256);
      return /[\ud800-\udbff]$/.test(cut) && pointer.length > 256 ? cut.slice(0, -1) : cut;
    });
    return { [name]: kept.sort(), ...(pointers.length > 100 && { [`${name}Omitted`]: pointers.length - 100 }) };
  };
  const { unknownFields, unknownValues } = accepted.novelties;
  return {
    action: accepted.type.action,
    ...(accepted.version !== undefined && { version: accepted.version }),
    ...(pushId !== undefined && { pushId }),
    ...listed('unknownFields', unknownFields),
    ...listed('unknownValues', unknownValues),
  };
}

/** A stored item's receipt with its lists sorted and its requestId, time and version id set apart. */
function receiptParts(item: Item) {
  const { requestId, receivedAt, versionId, unknownFields, unknownValues, ...rest } = (item.receipt ?? {}) as Item;
  const sorted = (list: unknown) => (Array.isArray(list) ? [...list].sort() : list);
  return {
    requestId: requestId as string,
    receivedAt: String(receivedAt),
    versionId: String(versionId),
    rest: {
      ...rest,
      ...(unknownFields !== undefined && { unknownFields: sorted(unknownFields) }),
      ...(unknownValues !== undefined && { unknownValues: sorted(unknownValues) }),
    },
  };
}

/**
 * Why `item` is not the stored form of `accepted`, pushed by one of `requestIds`: its
 * attributes, record field for field, and receipt (its key is the caller's to check); undefined if it is.
 */
function itemProblem(item: Item, accepted: Accepted, pushId: string | undefined, requestIds: string[]) {
  // versionKept: a current item that came by the versions path says its version item exists.
  const { SessionId, recordKey, action, ordering, record, receipt, versionKept, ...rest0 } = item;
  const { requestId, receivedAt, versionId, rest } = receiptParts(item);
  // Query-index keys: on a current item only, and those the query's own placement gives it.
  const queryNames = new Set<string>(Object.values(QUERY_ATTRIBUTE));
  const indexed = Object.fromEntries(Object.entries(rest0).filter(([name]) => queryNames.has(name)));
  const others = Object.fromEntries(Object.entries(rest0).filter(([name]) => !queryNames.has(name)));
  if (Object.keys(others).length > 0) return `unexpected attributes ${Object.keys(others).join(', ')}`;
  const registered = pushTypeOf(accepted.type.action);
  const expectedIndex =
    String(recordKey).startsWith('R#') && registered ? normalized(indexAttributesOf(registered, accepted)) : {};
  if (!isDeepStrictEqual(indexed, expectedIndex)) {
    return `query-index attributes ${JSON.stringify(indexed)} are not ${JSON.stringify(expectedIndex)}`;
  }
  if (versionKept !== undefined && versionKept !== true) return `versionKept ${JSON.stringify(versionKept)}`;
  if (SessionId !== accepted.sessionId) return `SessionId ${JSON.stringify(SessionId)}`;
  if (action !== accepted.type.action || ordering !== accepted.ordering)
    return `action ${action}, ordering ${ordering}`;
  if (!isDeepStrictEqual(record, normalized(accepted.record))) {
    return `record differs from what was sent:\n  stored ${JSON.stringify(record).slice(0, 800)}`;
  }
  const expected = expectedReceipt(accepted, pushId);
  if (!isDeepStrictEqual(rest, expected) || !requestIds.includes(requestId)) {
    return `receipt ${JSON.stringify(receipt)} is not ${JSON.stringify(expected)} from ${requestIds.join(' or ')}`;
  }
  if (!ISO_TIME.test(receivedAt) || !VERSION_ID.test(versionId)) return `receipt ${JSON.stringify(receipt)}`;
  return undefined;
}

// ================================================================ one request, one fresh session

async function checkRequest(request: RequestCase): Promise<void> {
  const rendered = renderRequest(request);
  const verdict = verdictFor(rendered.sent);
  const first = await send(rendered, verdict);
  const fail = (what: string): never => {
    throw new Mismatch(
      `${what}\n  oracle: ${verdict.code} (${verdict.why})\n${describeRequest(rendered, rendered.event())}`,
    );
  };

  // Every SessionId the request spelled is unique to it: nothing may be stored under one it was not accepted for.
  const accepted = verdict.accepted;
  const untouched = new Set(rendered.sids.filter((sid) => sid !== '' && sid !== accepted?.sessionId));
  for (const sid of untouched) {
    const items = await rawItems(sid);
    if (items.length > 0) fail(`refused, yet ${items.length} item(s) stored under SessionId ${JSON.stringify(sid)}`);
  }
  if (!accepted) return;

  // A new record: one item, the current version, the record as sent.
  const items = await itemsOf(accepted.sessionId);
  const key = currentKey(accepted.type.action, accepted.naturalKey);
  if (items.length !== 1 || items[0]?.recordKey !== key) {
    fail(`accepted, but stored ${items.map((item) => item.recordKey).join(', ') || 'nothing'}; expected ${key}`);
  }
  const problem = itemProblem(items[0] as Item, accepted, rendered.pushId, [first.requestId]);
  if (problem) fail(problem);
  if (first.errMsg !== 'ok: stored') fail(`a new record answered ${JSON.stringify(first.errMsg)}`);

  // TCCC's retry: acknowledged, and nothing written.
  if (request.retry) {
    const again = await send(rendered, verdict);
    if (again.errMsg !== 'ok: already stored') fail(`a retry answered ${JSON.stringify(again.errMsg)}`);
    if (!isDeepStrictEqual(await itemsOf(accepted.sessionId), items)) fail('a retry changed the stored items');
  }
}

// ================================================================ a session: several pushes, one SessionId

/** One distinct version of a record, as the oracle expects it stored. */
interface ExpectedVersion {
  accepted: Accepted;
  pushId: string | undefined;
  /** The requests that may have stored it: its first push (or the two sent at once). */
  requestIds: string[];
}

/**
 * The pushes of one session in order. After each: a push of a record never seen is one new
 * item or version; a retry, a re-push of equal content, or a refused push changes nothing.
 * At the end: one current item per record, each distinct version kept once, and the
 * store's read side agreeing.
 */
async function checkSession({ session, steps }: Session): Promise<void> {
  const sessionId = sidValue(session);
  const records = new Map<string, ExpectedVersion[]>();
  const rendered: Rendered[] = [];
  let items: Item[] = [];
  const fail = (what: string): never => {
    const log = steps.map(
      (step, i) => `  step ${i}: ${step.kind === 'retry' ? `retry of ${step.of}` : describeStep(rendered[i])}`,
    );
    throw new Mismatch(`session ${JSON.stringify(sessionId)}: ${what}\n${log.join('\n')}`);
  };

  for (const [index, step] of steps.entries()) {
    const request = step.kind === 'retry' ? (rendered[step.of] as Rendered) : renderRequest(step.request, sessionId);
    rendered.push(request);
    const verdict = verdictFor(request.sent);
    const times = step.kind === 'push' && step.twice ? 2 : 1;
    const replies = await Promise.all(Array.from({ length: times }, () => send(request, verdict)));
    const before = items;
    items = await itemsOf(sessionId);
    const accepted = verdict.accepted;
    if (accepted && accepted.sessionId !== sessionId) fail(`step ${index}: fuzz bug: a push outside the session`);

    const key = accepted && currentKey(accepted.type.action, accepted.naturalKey);
    const versions = key ? (records.get(key) ?? []) : [];
    const known =
      accepted && versions.some((v) => isDeepStrictEqual(normalized(v.accepted.record), normalized(accepted.record)));
    if (!accepted || known) {
      if (!isDeepStrictEqual(items, before)) fail(`step ${index} changed the stored items`);
      if (known && replies.some((reply) => reply.errMsg !== 'ok: already stored')) {
        fail(`step ${index}, already stored, answered ${replies.map((reply) => reply.errMsg).join(', ')}`);
      }
      continue;
    }
    // Of two pushes at once, the one that kept the version says so; the other finds it kept.
    if (replies.filter((reply) => reply.errMsg === 'ok: stored').length !== 1) {
      fail(`step ${index}, a new version, answered ${replies.map((reply) => reply.errMsg).join(', ')}`);
    }
    records.set(key as string, [
      ...versions,
      { accepted, pushId: request.pushId, requestIds: replies.map((reply) => reply.requestId) },
    ]);
  }
  const problem = sessionProblem(records, items) ?? (await readSideProblem(sessionId, records));
  if (problem) fail(problem);
}

function describeStep(rendered: Rendered | undefined): string {
  if (!rendered) return '(not sent)';
  const body = rendered.sent.body;
  return `${JSON.stringify(rendered.sent.query)} ${body.length > 300 ? `${body.slice(0, 300)}…` : body}`;
}

/** The current version: the highest ordering, a tie going to the later receipt (versions are in receipt order). */
const currentOf = (versions: ExpectedVersion[]) =>
  versions.reduce((current, version) => (version.accepted.ordering >= current.accepted.ordering ? version : current));

/** Why the session's items are not what its accepted pushes must have left; undefined if they are. */
function sessionProblem(records: Map<string, ExpectedVersion[]>, items: Item[]) {
  const current = items.filter((item) => String(item.recordKey).startsWith('R#'));
  const kept = items.filter((item) => String(item.recordKey).startsWith('V#'));
  if (current.length + kept.length !== items.length) return `items of unknown kinds: ${items.map((i) => i.recordKey)}`;
  const currentKeys = current.map((item) => String(item.recordKey)).sort();
  if (!isDeepStrictEqual(currentKeys, [...records.keys()].sort())) {
    return `current items ${currentKeys.join(', ')}; expected ${[...records.keys()].sort().join(', ')}`;
  }
  for (const [key, versions] of records) {
    const head = current.find((item) => item.recordKey === key) as Item;
    const expected = currentOf(versions);
    const headProblem = itemProblem(head, expected.accepted, expected.pushId, expected.requestIds);
    if (headProblem) return `${key}: ${headProblem}`;
    // Every other version kept once, as a version item of its own, under its version id.
    const { type, naturalKey } = expected.accepted;
    const mine = kept.filter((item) => String(item.recordKey).startsWith(`V#${type.action}#${naturalKey}#`));
    if (versions.length === 1 && mine.length > 0) return `${key}: a record of one version has version items`;
    const versionIdOfHead = receiptParts(head).versionId;
    for (const version of versions) {
      const copies = mine.filter((item) => isDeepStrictEqual(item.record, normalized(version.accepted.record)));
      if (copies.length > 1) return `${key}: a version kept ${copies.length} times`;
      if (version !== expected && copies.length === 0) return `${key}: a version was lost`;
      const copy = copies[0];
      if (!copy) continue;
      const problem = itemProblem(copy, version.accepted, version.pushId, version.requestIds);
      if (problem) return `${String(copy.recordKey)}: ${problem}`;
      if (copy.recordKey !== `V#${type.action}#${naturalKey}#${receiptParts(copy).versionId}`) {
        return `${String(copy.recordKey)} is not keyed by its version id`;
      }
      if (version === expected && !isDeepStrictEqual(copy.receipt, head.receipt)) {
        return `${key}: the current version and its version item disagree on the receipt`;
      }
      if (version !== expected && receiptParts(copy).versionId === versionIdOfHead) {
        return `${key}: two versions share a version id`;
      }
    }
    const strays = mine.filter(
      (item) => !versions.some((v) => isDeepStrictEqual(item.record, normalized(v.accepted.record))),
    );
    if (strays.length > 0) return `${key}: version items of records never pushed`;
  }
  if (kept.some((item) => !current.some((head) => sameRecord(head, item)))) return 'version items of an unknown record';
  return undefined;
}

/** Whether a version item belongs to the current item's record. */
const sameRecord = (head: Item, version: Item) =>
  String(version.recordKey).startsWith(`V#${String(head.recordKey).slice(2)}#`);

/** Why the store's read side disagrees with the table; undefined if it agrees. */
async function readSideProblem(sessionId: string, records: Map<string, ExpectedVersion[]>) {
  const expectedCurrent = [...records.values()].map((versions) => {
    const { accepted } = currentOf(versions);
    return { action: accepted.type.action, record: normalized(accepted.record) };
  });
  const current = (await store.currentRecords(sessionId)).map(({ action, record }) => ({ action, record }));
  if (!sameMembers(current, expectedCurrent))
    return `store.currentRecords answers ${JSON.stringify(current).slice(0, 500)}`;
  const expectedVersions = [...records.values()].flat().map(({ accepted }) => ({
    action: accepted.type.action,
    record: normalized(accepted.record),
  }));
  const versions = (await store.versions(sessionId)).map(({ action, record }) => ({ action, record }));
  if (!sameMembers(versions, expectedVersions))
    return `store.versions answers ${JSON.stringify(versions).slice(0, 500)}`;
  return undefined;
}

/** Equal as multisets. */
function sameMembers(actual: unknown[], expected: unknown[]): boolean {
  const left = [...expected];
  for (const value of actual) {
    const index = left.findIndex((candidate) => isDeepStrictEqual(candidate, value));
    if (index < 0) return false;
    left.splice(index, 1);
  }
  return left.length === 0;
}

// ================================================================ the properties

const replay = process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED), path: process.env.FUZZ_PATH } : {};
/** FUZZ_SCALE=10 for a longer hunt; below 1 for a quick look (then the 10,000 floor is not checked). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
/** Requests (or sessions) sent at once: DynamoDB Local answers a few ms later, and the handler is async. */
const BATCH = 8;
const TIMEOUT_MS = 600_000;
/** Per property, shrinking included: a passing run takes a fraction of it; a failing one stops shrinking there. */
const TIME_LIMIT_MS = 120_000;

/** A failure as the seed and path to replay it and the first mismatch, not fast-check's print of a 128 KiB body. */
function report(details: fc.RunDetails<unknown>): void {
  if (!details.failed) return;
  const replayHint = `FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''} npx jest tests/fuzz`;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const why = details.interrupted ? 'interrupted by the time limit' : `after ${details.numRuns} runs`;
  throw new Error(`fuzz property failed ${why} (shrunk ${details.numShrinks} times); replay: ${replayHint}\n${cause}`);
}

/** About `count` runs of `check`, BATCH at a time. */
async function fuzz<T>(cases: fc.Arbitrary<T>, count: number, check: (value: T) => Promise<void>): Promise<void> {
  const batch = async (values: T[]) => {
    const outcomes = await Promise.allSettled(values.map(check));
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
  };
  await fc.assert(fc.asyncProperty(fc.array(cases, { minLength: BATCH, maxLength: BATCH }), batch), {
    numRuns: Math.max(1, Math.ceil((count * SCALE) / BATCH)),
    plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS, { failOnInterrupt: true })],
    reporter: report,
    ...replay,
  });
}

describe('push endpoint, all five push types, fuzzed through the real handler into DynamoDB Local', () => {
  beforeAll(() => {
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
      jest.spyOn(console, method).mockImplementation(() => {});
  });

  afterAll(() => {
    jest.restoreAllMocks();
    const byCode = [...tally].map(([code, count]) => `${ERR_CODES[code as keyof typeof ERR_CODES].errCode}: ${count}`);
    const byType = [...coverage].sort().map(([key, n]) => `  ${key}: ${n}`);
    process.stderr.write(
      `push fuzz: ${requestsSent} requests (expected ErrCode ${byCode.sort().join(', ')}); by push type:\n${byType.join('\n')}\n`,
    );
  });

  it('knows every registered push type, and only those', () => {
    expect([...ACTIONS].sort()).toEqual(REGISTERED_TYPES.map((type) => type.action).sort());
  });

  it(
    'stores every valid push of each type exactly as sent, as one item, and a retry writes nothing',
    () =>
      fuzz(
        requestArb('good', (action) => docBodyArb(validDocArb(action))),
        2500,
        checkRequest,
      ),
    TIMEOUT_MS,
  );

  it(
    'refuses records of each type breaking its schema or DynamoDB’s limits at any depth, and stores nothing',
    () =>
      fuzz(
        requestArb('good', (action) => docBodyArb(invalidDocArb(action))),
        2500,
        checkRequest,
      ),
    TIMEOUT_MS,
  );

  it(
    'refuses bodies that are not one JSON object: bad JSON, UTF-8, base64, other values, empty',
    () => fuzz(requestArb('good', malformedBodyArb), 2000, checkRequest),
    TIMEOUT_MS,
  );

  it(
    'answers methods, push types, content types and sizes in README’s order',
    () =>
      fuzz(
        requestArb('any', (action) =>
          fc.oneof(
            { weight: 4, arbitrary: docBodyArb(validDocArb(action)) },
            { weight: 2, arbitrary: docBodyArb(invalidDocArb(action)) },
            { weight: 2, arbitrary: malformedBodyArb(action) },
            { weight: 1, arbitrary: hugeBodyArb(action) },
          ),
        ),
        2500,
        checkRequest,
      ),
    TIMEOUT_MS,
  );

  it(
    'draws the size cap at exactly MAX_BODY_BYTES, for text and base64 bodies',
    () => fuzz(requestArb('good', boundaryBodyArb), 150, checkRequest),
    TIMEOUT_MS,
  );

  it(
    'keeps each record of a session once: records of every type, versions, retries, re-pushes, concurrent twins',
    () => fuzz(sessionArb, 250, checkSession),
    TIMEOUT_MS,
  );

  (process.env.FUZZ_SEED || SCALE < 1 ? it.skip : it)(
    'sent at least 10,000 requests, hundreds accepted and refused of each type, voicemail with and without version',
    () => {
      expect(requestsSent).toBeGreaterThanOrEqual(10_000);
      const of = (action: string, version: string, outcome: 'accepted' | 'refused') =>
        coverage.get(coverageKey(action, version, outcome)) ?? 0;
      for (const action of ACTIONS) {
        expect({
          action,
          accepted: of(action, '1', 'accepted') >= 300,
          refused: of(action, '1', 'refused') >= 300,
        }).toEqual({
          action,
          accepted: true,
          refused: true,
        });
      }
      expect(of('voicemail', 'none', 'accepted')).toBeGreaterThanOrEqual(300);
    },
  );
});
