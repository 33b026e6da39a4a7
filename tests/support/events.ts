import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import type { VideoCdrV1 } from '../../handler/push-types/generated/video-cdr-v1';

export const EVENTS_DIR = path.join(__dirname, '..', '..', 'events');

/** The original document's sample, repaired (real SdkAppId, closing brace), with a fresh SessionId. */
export function sampleRecord(overrides: Record<string, unknown> = {}): VideoCdrV1 {
  const record = JSON.parse(readFileSync(path.join(EVENTS_DIR, 'video-cdr.sample.json'), 'utf8')) as VideoCdrV1;
  return { ...record, SessionId: randomUUID(), ...overrides };
}

/** The sample body of a push type (events/<name>.sample.json), with a fresh SessionId unless one is given. */
export function sampleOf(
  name: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> & {
  SessionId: string;
} {
  const record = JSON.parse(readFileSync(path.join(EVENTS_DIR, `${name}.sample.json`), 'utf8'));
  return { ...record, SessionId: randomUUID(), ...overrides };
}

/** The original document's sample exactly as printed: not valid JSON. */
export function samplePrintedText(): string {
  return readFileSync(path.join(EVENTS_DIR, 'video-cdr.as-printed.txt'), 'utf8');
}

export interface RequestSpec {
  method?: string;
  path?: string;
  /** The path template API Gateway matched, e.g. `/cdrs/{SessionId}`; defaults to the path. */
  route?: string;
  query?: Record<string, string> | null;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  pathParameters?: Record<string, string>;
}

const PUSH_QUERY = { action: 'videoCdr', version: '1' };
const TCCC_HEADERS = { 'content-type': 'application/json;charset=utf8' };

/** An HTTP API (payload v2) event; defaults are TCCC's push. */
export function httpApiEvent(spec: RequestSpec = {}): APIGatewayProxyEventV2 {
  const query = spec.query === undefined ? PUSH_QUERY : spec.query;
  const method = spec.method ?? 'POST';
  const rawPath = spec.path ?? '/';
  return {
    version: '2.0',
    routeKey: `${method} ${spec.route ?? rawPath}`,
    rawPath,
    rawQueryString: new URLSearchParams(query ?? {}).toString(),
    headers: spec.headers ?? TCCC_HEADERS,
    ...(query && { queryStringParameters: query }),
    ...(spec.pathParameters && { pathParameters: spec.pathParameters }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: randomUUID(),
      routeKey: `${method} ${spec.route ?? rawPath}`,
      stage: '$default',
      time: '25/Nov/2026:12:00:00 +0000',
      timeEpoch: 1795608000000,
    },
    ...(spec.body !== undefined && { body: spec.body }),
    isBase64Encoded: spec.isBase64Encoded ?? false,
  };
}

/** A REST API (payload v1) event; header names keep their case, as REST APIs deliver them. */
export function restApiEvent(spec: RequestSpec = {}): APIGatewayProxyEvent {
  const query = spec.query === undefined ? PUSH_QUERY : spec.query;
  const headers = spec.headers ?? { 'Content-Type': 'application/json;charset=utf8' };
  const method = spec.method ?? 'POST';
  return {
    resource: spec.route ?? spec.path ?? '/',
    path: spec.path ?? '/',
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, [value]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    pathParameters: spec.pathParameters ?? null,
    stageVariables: null,
    requestContext: {
      requestId: randomUUID(),
      httpMethod: method,
      path: `/dev${spec.path ?? '/'}`,
      stage: 'dev',
    } as APIGatewayProxyEvent['requestContext'],
    body: spec.body ?? null,
    isBase64Encoded: spec.isBase64Encoded ?? false,
  };
}

/** TCCC's push of `record` as an HTTP API event. */
export function pushEvent(record: unknown, spec: RequestSpec = {}): APIGatewayProxyEventV2 {
  return httpApiEvent({ body: JSON.stringify(record), ...spec });
}

/** `GET /cdrs/{SessionId}` (or `/sessions/...` by `base`) with `suffix` such as `/versions`. */
export function readEvent(sessionId: string, suffix = '', base = '/cdrs'): APIGatewayProxyEventV2 {
  return httpApiEvent({
    method: 'GET',
    path: `${base}/${encodeURIComponent(sessionId)}${suffix}`,
    route: `${base}/{SessionId}${suffix}`,
    query: null,
    headers: {},
    pathParameters: { SessionId: sessionId },
  });
}
