import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * TCCC's API (ccc, 2020-02-10) as far as reconciling uses it: DescribeTelCdr,
 * DescribeProtectedTelCdr, DescribeIMCdrList, with the quirks ../shared/tccc-pull-apis.md
 * documents. No TCCC emulator exists, so this one is written from the documentation, not
 * from the SDK: every request's TC3-HMAC-SHA256 signature is recomputed here with node:crypto
 * (canonical request, string to sign, the TC3 key chain) and a request that fails gets
 * TCCC's own error (`AuthFailure.SignatureFailure`, `AuthFailure.SignatureExpired`, ...).
 *
 * - Telephone CDRs: `StartTimeStamp`/`EndTimeStamp` (capital S; `StartTimestamp` is refused
 *   as an unknown parameter), `PageSize` <= 100, `PageNumber` a 0-based page, a span under 90
 *   days within the last 180 (`InvalidParameterValue`). Filtered on the call's StartTimestamp.
 * - Chats: `StartTimestamp`/`EndTimestamp`, `Limit` <= 100 (20 by default), `Offset` a record
 *   offset. Filtered on the chat's Timestamp.
 * - More than `ratePerSecond` requests within one second: `RequestLimitExceeded`.
 * - `failures`: scripted errors, for a given action, SdkAppId and page.
 * Every request is recorded, answered or not.
 */
export const STAND_IN_SECRET_ID = 'AKIDstandin0000000000000000000000000';
export const STAND_IN_SECRET_KEY = 'stand-in-secret-key-0000000000000000';

export type TelCdrInfo = Record<string, unknown> & { SessionId: string; StartTimestamp: number };
export type ImCdrInfo = Record<string, unknown> & { SessionId: string; Timestamp: number };

export interface StandInData {
  /** Per SdkAppId. */
  telCdrs?: Record<string, TelCdrInfo[]>;
  protectedTelCdrs?: Record<string, TelCdrInfo[]>;
  imCdrs?: Record<string, ImCdrInfo[]>;
}

export interface Failure {
  action: string;
  sdkAppId?: number;
  /** PageNumber (telephone) or Offset (chats); any page when absent. */
  page?: number;
  code: string;
  /** How many requests it fails; every one when absent. */
  times?: number;
}

export interface RecordedRequest {
  action: string;
  params: Record<string, unknown>;
  host: string;
  /** The error code answered, or undefined for a result. */
  error?: string;
  at: number;
}

const VERSION = '2020-02-10';
const MAX_SKEW_SECONDS = 300;
const DAY = 86_400;

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The signature TCCC expects (TC3-HMAC-SHA256), computed from the request as received. */
export function expectedSignature(input: {
  secretKey: string;
  method: string;
  path: string;
  query: string;
  contentType: string;
  host: string;
  body: Buffer;
  timestamp: number;
  date: string;
  service: string;
}): string {
  const canonicalRequest = [
    input.method,
    input.path,
    input.query,
    `content-type:${input.contentType}\nhost:${input.host}\n`,
    'content-type;host',
    sha256Hex(input.body),
  ].join('\n');
  const scope = `${input.date}/${input.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(input.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${input.secretKey}`, input.date), input.service), 'tc3_request');
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

function integer(params: Record<string, unknown>, name: string, required: boolean): number | undefined {
  const value = params[name];
  if (value === undefined) {
    if (required) throw new ApiError('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ApiError('InvalidParameter', `The value type of parameter \`${name}\` is not valid.`);
  }
  return value;
}

function onlyKnown(params: Record<string, unknown>, known: readonly string[]): void {
  for (const name of Object.keys(params)) {
    if (!known.includes(name)) throw new ApiError('UnknownParameter', `The parameter \`${name}\` is not recognized`);
  }
}

export function tcccApiStandIn(
  data: StandInData,
  {
    secretId = STAND_IN_SECRET_ID,
    secretKey = STAND_IN_SECRET_KEY,
    ratePerSecond = 20,
    failures = [] as Failure[],
    now = () => Date.now(),
  } = {},
) {
  const requests: RecordedRequest[] = [];
  const recent: number[] = [];
  let counter = 0;

  function verify(request: http.IncomingMessage, body: Buffer): string {
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(',') : value;
    };
    const authorization = header('authorization') ?? '';
    const match =
      /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
        authorization,
      );
    if (!match) throw new ApiError('AuthFailure.InvalidAuthorization', 'Authorization is not TC3-HMAC-SHA256.');
    const [, id, date, service, signedHeaders, signature] = match as unknown as string[];
    if (id !== secretId) throw new ApiError('AuthFailure.SecretIdNotFound', 'The SecretId is not found.');
    if (signedHeaders !== 'content-type;host') {
      throw new ApiError('AuthFailure.SignatureFailure', 'SignedHeaders must be content-type;host.');
    }
    const timestamp = Number(header('x-tc-timestamp'));
    if (!Number.isInteger(timestamp) || Math.abs(now() / 1000 - timestamp) > MAX_SKEW_SECONDS) {
      throw new ApiError('AuthFailure.SignatureExpired', 'The signature has expired.');
    }
    if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) {
      throw new ApiError('AuthFailure.SignatureFailure', 'The credential date is not the timestamp’s.');
    }
    // The Host header without its port; the scope's service is the host's first label (`ccc`
    // for TCCC's hosts, `127` for 127.0.0.1, as the SDK derives it from its endpoint).
    const host = (header('host') ?? '').replace(/:\d+$/, '');
    if (service !== host.split('.')[0] && service !== 'ccc') {
      throw new ApiError('AuthFailure.SignatureFailure', 'The credential scope names another service.');
    }
    const [path, query = ''] = (request.url ?? '/').split('?') as [string, string?];
    const expected = expectedSignature({
      secretKey,
      method: request.method ?? '',
      path,
      query,
      contentType: (header('content-type') ?? '').trim().toLowerCase(),
      host: host.toLowerCase(),
      body,
      timestamp,
      date: date as string,
      service: service as string,
    });
    if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature as string))) {
      throw new ApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.');
    }
    if (header('x-tc-version') !== VERSION) {
      throw new ApiError('InvalidParameterValue', `X-TC-Version must be ${VERSION} for ccc.`);
    }
    return header('x-tc-action') ?? '';
  }

  function throttled(): boolean {
    const at = now();
    while (recent.length > 0 && (recent[0] as number) <= at - 1000) recent.shift();
    // A refused request uses none of the quota.
    if (recent.length >= ratePerSecond) return true;
    recent.push(at);
    return false;
  }

  function scripted(action: string, sdkAppId: unknown, page: unknown): void {
    const failure = failures.find(
      (f) =>
        f.action === action &&
        (f.sdkAppId === undefined || f.sdkAppId === sdkAppId) &&
        (f.page === undefined || f.page === page) &&
        (f.times === undefined || f.times > 0),
    );
    if (!failure) return;
    if (failure.times !== undefined) failure.times -= 1;
    throw new ApiError(failure.code, `scripted ${failure.code}`);
  }

  function checkWindow(start: number, end: number, reach: boolean): void {
    if (end < start) throw new ApiError('InvalidParameterValue', 'EndTimeStamp is before StartTimeStamp.');
    if (end - start >= 90 * DAY) throw new ApiError('InvalidParameterValue', 'The time span must be under 90 days.');
    if (reach && start < now() / 1000 - 180 * DAY) {
      throw new ApiError('InvalidParameterValue', 'Only the last 180 days can be queried.');
    }
  }

  function telCdrs(action: string, params: Record<string, unknown>, source: StandInData['telCdrs']) {
    const known = ['SdkAppId', 'StartTimeStamp', 'EndTimeStamp', 'PageSize', 'PageNumber', 'InstanceId'];
    onlyKnown(params, action === 'DescribeTelCdr' ? [...known, 'Phones', 'SessionIds', 'Limit', 'Offset'] : known);
    const start = integer(params, 'StartTimeStamp', true) as number;
    const end = integer(params, 'EndTimeStamp', true) as number;
    const sdkAppId = integer(params, 'SdkAppId', true) as number;
    const pageSize = integer(params, 'PageSize', true) as number;
    const pageNumber = integer(params, 'PageNumber', true) as number;
    if (pageSize < 1 || pageSize > 100) throw new ApiError('InvalidParameterValue', 'PageSize must be 1 to 100.');
    if (pageNumber < 0) throw new ApiError('InvalidParameterValue', 'PageNumber starts at 0.');
    checkWindow(start, end, action === 'DescribeTelCdr');
    scripted(action, sdkAppId, pageNumber);
    const all = (source?.[String(sdkAppId)] ?? [])
      .filter((cdr) => cdr.StartTimestamp >= start && cdr.StartTimestamp <= end)
      .sort((a, b) => a.StartTimestamp - b.StartTimestamp || a.SessionId.localeCompare(b.SessionId));
    return {
      TotalCount: all.length,
      TelCdrList: all.slice(pageNumber * pageSize, (pageNumber + 1) * pageSize),
    };
  }

  function imCdrs(params: Record<string, unknown>) {
    onlyKnown(params, ['SdkAppId', 'StartTimestamp', 'EndTimestamp', 'Limit', 'Offset', 'Type']);
    const sdkAppId = integer(params, 'SdkAppId', true) as number;
    const start = integer(params, 'StartTimestamp', true) as number;
    const end = integer(params, 'EndTimestamp', true) as number;
    const limit = integer(params, 'Limit', false) ?? 20;
    const offset = integer(params, 'Offset', false) ?? 0;
    const type = integer(params, 'Type', false);
    if (limit < 1 || limit > 100) throw new ApiError('InvalidParameterValue', 'Limit must be 1 to 100.');
    if (offset < 0) throw new ApiError('InvalidParameterValue', 'Offset starts at 0.');
    checkWindow(start, end, false);
    scripted('DescribeIMCdrList', sdkAppId, offset);
    const all = (data.imCdrs?.[String(sdkAppId)] ?? [])
      .filter((chat) => chat.Timestamp >= start && chat.Timestamp <= end && (type === undefined || chat.Type === type))
      .sort((a, b) => a.Timestamp - b.Timestamp || a.SessionId.localeCompare(b.SessionId));
    return { TotalCount: all.length, IMCdrList: all.slice(offset, offset + limit) };
  }

  function answer(action: string, params: Record<string, unknown>): Record<string, unknown> {
    switch (action) {
      case 'DescribeTelCdr':
        return telCdrs(action, params, data.telCdrs);
      case 'DescribeProtectedTelCdr':
        return telCdrs(action, params, data.protectedTelCdrs);
      case 'DescribeIMCdrList':
        return imCdrs(params);
      default:
        throw new ApiError('InvalidAction', `The action \`${action}\` is not stood in for.`);
    }
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const requestId = `stand-in-${++counter}`;
      let action = String(request.headers['x-tc-action'] ?? '');
      let params: Record<string, unknown> = {};
      let reply: Record<string, unknown>;
      try {
        params = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        params = {};
      }
      try {
        if (request.method !== 'POST') throw new ApiError('UnsupportedOperation', 'POST only.');
        action = verify(request, body);
        if (throttled()) throw new ApiError('RequestLimitExceeded', 'Your current request times exceeds the limit.');
        reply = { ...answer(action, params), RequestId: requestId };
        requests.push({ action, params, host: String(request.headers.host), at: now() });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        reply = { Error: { Code: error.code, Message: error.message }, RequestId: requestId };
        requests.push({ action, params, host: String(request.headers.host), error: error.code, at: now() });
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ Response: reply }));
    });
  });

  return {
    requests,
    /** `127.0.0.1:<port>`, as the SDK's endpoint setting takes it. */
    endpoint: '',
    async start(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      return this.endpoint;
    },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
