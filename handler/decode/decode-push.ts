import type { ErrorObject } from 'ajv';
import { Refusal } from '../common/errors';
import { escapeControls } from '../common/escape';
import { MAX_NATURAL_KEY_BYTES } from '../common/limits';
import type { HttpRequest } from '../http/http-request';
import { loadSchema } from '../push-types/generated/schemas';
import { toPointer } from '../push-types/json-pointer';
import { findNovelties, type KnownShape, type Novelties } from '../push-types/known-shape';
import { PUSH_TYPES, type PushType, pushTypeOf } from '../push-types/push-registry';
import { decodeJsonObject } from './json-body';
import { findUnstorable } from './storable';

/** A push that passed every check: its record is fit to store, and placed. */
export interface DecodedPush {
  readonly type: PushType;
  /** The `version` query parameter, when TCCC sent one. */
  readonly version: string | undefined;
  readonly record: Readonly<Record<string, unknown>>;
  readonly sessionId: string;
  /** The values of the type's natural-key fields, joined by `#`. */
  readonly naturalKey: string;
  /** The value of the type's ordering field. */
  readonly ordering: number;
  /** What the record carries beyond the schema: stored, and flagged on the receipt. */
  readonly novelties: Novelties;
  /** The record's documented shape, e.g. for redacting it. */
  readonly shape: KnownShape;
}

const MAX_LISTED_ERRORS = 10;
const MAX_PROBLEM_CHARS = 300;
const ACTIONS = PUSH_TYPES.map((type) => type.action).join(', ');

/** The push type the query names. Query values are the client's: never echoed. */
export function selectPushType(query: HttpRequest['query']): PushType {
  const { action, version } = query;
  if (action === undefined) {
    throw new Refusal('UNKNOWN_PUSH_TYPE', `query parameter action is missing; expected one of ${ACTIONS}`);
  }
  const type = pushTypeOf(action);
  if (!type) throw new Refusal('UNKNOWN_PUSH_TYPE', `query parameter action is not one of ${ACTIONS}`);
  if (!type.versions.includes(version ?? null)) {
    const accepted = type.versions.map((v) => (v === null ? 'none' : v)).join(' or ');
    throw new Refusal(
      'UNKNOWN_PUSH_TYPE',
      `query parameter version is not accepted for action=${type.action}; expected ${accepted}`,
    );
  }
  return type;
}

/** "/SeatUser/Phone must be string", naming the missing property itself for `required`. */
function describeSchemaError(error: ErrorObject): string {
  if (error.keyword === 'required') {
    return `${error.instancePath}${toPointer([String(error.params.missingProperty)])} is required`;
  }
  return `${error.instancePath || '/'} ${error.message ?? `fails ${error.keyword}`}`;
}

/**
 * A problem as reported: a pointer holds the body's property names, which are client text,
 * so it is escaped, and a long one loses its middle (the rule at its end stays).
 */
function reported(problem: string): string {
  const shown = problem.length > MAX_PROBLEM_CHARS ? `${problem.slice(0, 200)}…${problem.slice(-100)}` : problem;
  return escapeControls(shown);
}

function listed(problems: string[]): string {
  const shown = problems.slice(0, MAX_LISTED_ERRORS).map(reported).join('; ');
  return problems.length > MAX_LISTED_ERRORS ? `${shown}; and ${problems.length - MAX_LISTED_ERRORS} more` : shown;
}

/** The natural key's values; the schema has made each a required string or integer. */
function naturalKeyOf(type: PushType, record: Readonly<Record<string, unknown>>): string {
  const naturalKey = type.naturalKey.map((field) => String(record[field])).join('#');
  if (Buffer.byteLength(naturalKey) > MAX_NATURAL_KEY_BYTES) {
    const fields = type.naturalKey.map((field) => toPointer([field])).join(', ');
    throw new Refusal(
      'SCHEMA_VIOLATION',
      `cannot be stored: ${fields} together exceed ${MAX_NATURAL_KEY_BYTES} bytes, too long for a key`,
    );
  }
  return naturalKey;
}

/**
 * From HTTP request to a record fit to store, or a Refusal saying exactly why not. Async only
 * because the type's validator is loaded by the first push of that type (generated/schemas.ts).
 */
export async function decodePush(request: HttpRequest): Promise<DecodedPush> {
  const type = selectPushType(request.query);
  return decodeRecord(type, request.query.version, await decodeJsonObject(request));
}

/**
 * A JSON object of `type` checked as a push is (schema, storability) and placed: the push's
 * path after its body is read, and the path of a record pulled from TCCC's API (reconcile/).
 */
export async function decodeRecord(
  type: PushType,
  version: string | undefined,
  json: Record<string, unknown>,
): Promise<DecodedPush> {
  const { validate, shape } = await loadSchema(type.schema);
  if (!validate(json)) {
    const problems = (validate.errors ?? []).map(describeSchemaError);
    throw new Refusal('SCHEMA_VIOLATION', `schema violation: ${listed(problems)}`);
  }
  const unstorable = findUnstorable(json);
  if (unstorable.length > 0)
    throw new Refusal('SCHEMA_VIOLATION', `cannot be stored faithfully: ${listed(unstorable)}`);
  const record = json as Readonly<Record<string, unknown>>;
  return {
    type,
    version,
    record,
    sessionId: record.SessionId as string,
    naturalKey: naturalKeyOf(type, record),
    ordering: record[type.ordering] as number,
    novelties: findNovelties(json, shape),
    shape,
  };
}
