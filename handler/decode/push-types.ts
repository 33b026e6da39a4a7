import type { ErrorObject } from 'ajv';
import type { HttpRequest } from '../edge/http-request';
import { PushRefusal } from '../edge/reply';
import validateVideoCdrV1 from './generated/validate-video-cdr-v1';
import { type VideoCdrV1, VideoCdrV1Shape } from './generated/video-cdr-v1';
import { decodeJsonObject } from './json-body';
import { toPointer } from './json-pointer';
import { findNovelties, type KnownShape, type Novelties } from './known-shape';
import { findUnstorable } from './storable';

/** A push that passed every check: its record is fit to store. */
export interface DecodedPush {
  readonly action: string;
  readonly version: string;
  readonly record: VideoCdrV1;
  /** What the record carries beyond the schema: stored, and flagged on the receipt. */
  readonly novelties: Novelties;
  /** The record's documented shape, e.g. for redacting it. */
  readonly shape: KnownShape;
}

interface PushType {
  readonly validate: typeof validateVideoCdrV1;
  readonly shape: KnownShape;
}

/** Push types by `action` and `version` query parameters. TCCC's other pushes (cdr, record, ...) are not taken yet. */
const PUSH_TYPES: Readonly<Record<string, Readonly<Record<string, PushType>>>> = {
  videoCdr: { '1': { validate: validateVideoCdrV1, shape: VideoCdrV1Shape } },
};

const MAX_LISTED_ERRORS = 10;

function selectPushType(query: HttpRequest['query']): PushType {
  const { action, version } = query;
  if (action === undefined || version === undefined) {
    const missing = [action === undefined && 'action', version === undefined && 'version']
      .filter(Boolean)
      .join(' and ');
    throw new PushRefusal(
      'UNKNOWN_PUSH_TYPE',
      `query parameter ${missing} missing; expected ?action=videoCdr&version=1`,
    );
  }
  const byVersion = Object.hasOwn(PUSH_TYPES, action) ? PUSH_TYPES[action] : undefined;
  const pushType = byVersion && Object.hasOwn(byVersion, version) ? byVersion[version] : undefined;
  if (!pushType) {
    throw new PushRefusal(
      'UNKNOWN_PUSH_TYPE',
      `push type action=${action.slice(0, 40)}&version=${version.slice(0, 40)} is not accepted; expected action=videoCdr&version=1`,
    );
  }
  return pushType;
}

/** "/SeatUser/Phone must be string", naming the missing property itself for `required`. */
function describeSchemaError(error: ErrorObject): string {
  if (error.keyword === 'required') {
    return `${error.instancePath}${toPointer([String(error.params.missingProperty)])} is required`;
  }
  return `${error.instancePath || '/'} ${error.message ?? `fails ${error.keyword}`}`;
}

function listed(problems: string[]): string {
  const shown = problems.slice(0, MAX_LISTED_ERRORS).join('; ');
  return problems.length > MAX_LISTED_ERRORS ? `${shown}; and ${problems.length - MAX_LISTED_ERRORS} more` : shown;
}

/** From HTTP request to a record fit to store, or a PushRefusal saying exactly why not. */
export function decodePush(request: HttpRequest): DecodedPush {
  const pushType = selectPushType(request.query);
  const json = decodeJsonObject(request);
  if (!pushType.validate(json)) {
    const problems = (pushType.validate.errors ?? []).map(describeSchemaError);
    throw new PushRefusal('SCHEMA_VIOLATION', `schema violation: ${listed(problems)}`);
  }
  const unstorable = findUnstorable(json);
  if (unstorable.length > 0)
    throw new PushRefusal('SCHEMA_VIOLATION', `cannot be stored faithfully: ${listed(unstorable)}`);
  return {
    action: request.query.action as string,
    version: request.query.version as string,
    record: json,
    novelties: findNovelties(json, pushType.shape),
    shape: pushType.shape,
  };
}
