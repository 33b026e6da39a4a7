import type { APIGatewayProxyResult } from 'aws-lambda';
import { decodePush } from './decode/push-types';
import { type ApiGatewayEvent, toHttpRequest } from './edge/http-request';
import { log } from './edge/log';
import { envelopeReply, PushRefusal } from './edge/reply';
import { replyForError } from './edge/reply-for-error';
import type { CdrStore, Receipt } from './store/cdr-store';
import { defaultStore } from './store/default-store';

/**
 * The push endpoint, `POST /?action=videoCdr&version=1`: event in, envelope out.
 * ErrCode 0 only once the record is durably stored.
 */
export function createPushHandler(store: CdrStore, now: () => Date = () => new Date()) {
  return async (event: ApiGatewayEvent): Promise<APIGatewayProxyResult> => {
    let context: Record<string, unknown> = {};
    try {
      const request = toHttpRequest(event);
      const pushId = request.headers['x-tccc-push-uuid'];
      context = { requestId: request.requestId, pushId };
      if (request.method !== 'POST') {
        throw new PushRefusal('METHOD_NOT_ALLOWED', `method ${request.method} is not allowed; pushes are POST`);
      }
      const push = decodePush(request);
      context = { ...context, sessionId: push.record.SessionId };
      const { unknownFields, unknownValues } = push.novelties;
      const receipt: Receipt = {
        receivedAt: now().toISOString(),
        action: push.action,
        version: push.version,
        requestId: request.requestId,
        ...(pushId !== undefined && { pushId }),
        ...(unknownFields.length > 0 && { unknownFields }),
        ...(unknownValues.length > 0 && { unknownValues }),
      };
      if (receipt.unknownFields || receipt.unknownValues) {
        log('warn', 'push carries fields or values the schema does not document; stored as received', {
          ...context,
          unknownFields,
          unknownValues,
        });
      }
      const outcome = await store.save(push.record, receipt);
      log('info', `push ${outcome}`, { ...context, outcome });
      return envelopeReply('OK', outcome === 'duplicate' ? 'ok: already stored' : 'ok: stored');
    } catch (error) {
      const reply = replyForError(error);
      log(reply.statusCode >= 500 ? 'error' : 'warn', 'push refused', {
        ...context,
        statusCode: reply.statusCode,
        reply: reply.body,
        ...(!(error instanceof PushRefusal) && { error: error instanceof Error ? error.message : String(error) }),
      });
      return reply;
    }
  };
}

export const handler = createPushHandler(defaultStore());
