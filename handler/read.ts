import type { APIGatewayProxyResult } from 'aws-lambda';
import { type ApiGatewayEvent, toHttpRequest } from './edge/http-request';
import { log } from './edge/log';
import { envelopeReply, jsonReply, PushRefusal } from './edge/reply';
import { replyForError } from './edge/reply-for-error';
import type { CdrStore } from './store/cdr-store';
import { defaultStore } from './store/default-store';

/**
 * Reading back: `GET /cdrs/{SessionId}` answers `{record, receipt}` of the current
 * version; `GET /cdrs/{SessionId}/versions` answers `{versions: [...]}`, every distinct version.
 */
export function createReadHandler(store: CdrStore) {
  return async (event: ApiGatewayEvent): Promise<APIGatewayProxyResult> => {
    try {
      const request = toHttpRequest(event);
      if (request.method !== 'GET') {
        throw new PushRefusal('METHOD_NOT_ALLOWED', `method ${request.method} is not allowed; use GET`);
      }
      const sessionId = request.pathParameters.SessionId ?? '';
      if (request.path.endsWith('/versions')) {
        const versions = await store.listVersions(sessionId);
        if (versions.length === 0) return envelopeReply('NOT_FOUND', `no record for SessionId ${sessionId}`);
        return jsonReply(200, { versions });
      }
      const current = await store.getCurrent(sessionId);
      if (!current) return envelopeReply('NOT_FOUND', `no record for SessionId ${sessionId}`);
      return jsonReply(200, current);
    } catch (error) {
      const reply = replyForError(error);
      log('error', 'read failed', { statusCode: reply.statusCode, reply: reply.body });
      return reply;
    }
  };
}

export const handler = createReadHandler(defaultStore());
