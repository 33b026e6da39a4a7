import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { type AuthConfig, isDeployed } from '../auth/auth-config';
import { authorizeRead } from '../auth/read-access';
import { createDynamoDbClient } from '../aws/dynamodb-client';
import { tableName } from '../aws/tables';
import { Refusal } from '../common/errors';
import { quoted } from '../common/escape';
import { MAX_SESSION_ID_LENGTH } from '../common/limits';
import { getRoutesHandler } from '../http/get-routes';
import type { HttpRequest } from '../http/http-request';
import type { ApiGatewayEvent } from '../http/lambda-entry';
import { envelopeReply, jsonReply } from '../http/reply';
import { encodeCursor } from '../query/cursor';
import { DynamoDbSessionQuery } from '../query/dynamodb-session-query';
import type { SessionQueryStore } from '../query/session-query';
import { parseSessionQuery } from '../query/session-query-params';
import { DynamoDbRecordStore } from '../records/dynamodb-record-store';
import type { RecordStore } from '../records/record-store';

export interface ReadDependencies {
  readonly store: RecordStore;
  /** `GET /sessions`; by default on the record table's indexes. */
  readonly sessions?: SessionQueryStore;
  readonly loadAuth?: () => Promise<AuthConfig>;
  /** Deployed behind API Gateway's IAM authorization (not serverless-offline, not `invoke local`). */
  readonly deployed?: boolean;
}

/** The video CDR's own routes answer only its records. */
const VIDEO_CDR = 'videoCdr';

type Route = (
  request: HttpRequest,
  stores: { store: RecordStore; sessions: SessionQueryStore },
) => Promise<APIGatewayProxyResult>;

const notFound = (sessionId: string) => envelopeReply('NOT_FOUND', `nothing stored for SessionId ${quoted(sessionId)}`);

/** Read routes by path template, as API Gateway matched them (never by the path's own text). */
const ROUTES: Readonly<Record<string, Route>> = {
  '/sessions': async (request, { sessions }) => {
    const { filter, limit, position } = parseSessionQuery(request.query);
    const page = await sessions.page(filter, position, limit);
    return jsonReply(200, {
      items: page.items,
      cursor: page.position === null ? null : encodeCursor(filter, page.position),
    });
  },
  '/cdrs/{SessionId}': async (request, { store }) => {
    const sessionId = sessionIdOf(request);
    const [current] = await store.currentRecords(sessionId, VIDEO_CDR);
    return current ? jsonReply(200, { record: current.record, receipt: current.receipt }) : notFound(sessionId);
  },
  '/cdrs/{SessionId}/versions': async (request, { store }) => {
    const sessionId = sessionIdOf(request);
    const versions = await store.versions(sessionId, VIDEO_CDR);
    if (versions.length === 0) return notFound(sessionId);
    return jsonReply(200, { versions: versions.map(({ record, receipt }) => ({ record, receipt })) });
  },
  '/sessions/{SessionId}': async (request, { store }) => {
    const sessionId = sessionIdOf(request);
    const items = await store.currentRecords(sessionId);
    return items.length > 0 ? jsonReply(200, { SessionId: sessionId, items }) : notFound(sessionId);
  },
  '/sessions/{SessionId}/versions': async (request, { store }) => {
    const sessionId = sessionIdOf(request);
    const items = await store.versions(sessionId);
    return items.length > 0 ? jsonReply(200, { SessionId: sessionId, items }) : notFound(sessionId);
  },
};

/** A SessionId as pushes have it: 1 to MAX_SESSION_ID_LENGTH characters. */
function sessionIdOf(request: HttpRequest): string {
  const sessionId = request.pathParameters.SessionId ?? '';
  if (sessionId.length === 0 || sessionId.length > MAX_SESSION_ID_LENGTH) {
    throw new Refusal('INVALID_PARAMETER', `path parameter SessionId must be 1 to ${MAX_SESSION_ID_LENGTH} characters`);
  }
  return sessionId;
}

/** Reading back, by SessionId or by end time; who may read: read-access.ts. */
export function createReadHandler({
  store,
  sessions = new DynamoDbSessionQuery(createDynamoDbClient(), tableName('records')),
  loadAuth,
  deployed = isDeployed(),
}: ReadDependencies) {
  return getRoutesHandler('read', ROUTES, async (route, request, event) => {
    await authorizeRead(event, request, { deployed, loadAuth });
    return route(request, { store, sessions });
  });
}

export const handler: (event: ApiGatewayEvent, context?: Context) => Promise<APIGatewayProxyResult> = createReadHandler(
  readStores(),
);

/** The read function reads records, by key and by end time, on one client; nothing else. */
function readStores() {
  const client = createDynamoDbClient();
  return {
    store: new DynamoDbRecordStore(client, tableName('records')),
    sessions: new DynamoDbSessionQuery(client, tableName('records')),
  };
}
