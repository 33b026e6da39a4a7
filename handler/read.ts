import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyResult } from 'aws-lambda';
import { type AuthConfig, cachedAuthConfig } from './auth/auth-config';
import { authenticate } from './auth/authenticate';
import { classifyError } from './edge/classify-error';
import { type ApiGatewayEvent, toHttpRequest } from './edge/http-request';
import { envelopeReply, jsonReply, PushRefusal } from './edge/reply';
import { logger } from './observability';
import type { CdrStore } from './store/cdr-store';
import { defaultStores } from './store/default-stores';

export interface ReadDependencies {
  readonly store: CdrStore;
  readonly loadAuth?: () => Promise<AuthConfig>;
}

/** Deployed, the route has IAM authorization: API Gateway has already checked the caller. */
function authorizedByIam(event: ApiGatewayEvent): boolean {
  return Boolean((event as APIGatewayProxyEventV2WithIAMAuthorizer).requestContext?.authorizer?.iam);
}

/**
 * Reading back: `GET /cdrs/{SessionId}` answers `{record, receipt}` of the current
 * version; `GET /cdrs/{SessionId}/versions` answers `{versions: [...]}`, every distinct version.
 * Locally it wants the same credentials as pushes.
 */
export function createReadHandler({ store, loadAuth = cachedAuthConfig() }: ReadDependencies) {
  return async (event: ApiGatewayEvent): Promise<APIGatewayProxyResult> => {
    try {
      const request = toHttpRequest(event);
      logger.appendKeys({ requestId: request.requestId });
      if (request.method !== 'GET') {
        throw new PushRefusal('METHOD_NOT_ALLOWED', `method ${request.method} is not allowed; use GET`);
      }
      if (!authorizedByIam(event)) await authenticate(request.headers, await loadAuth());
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
      const { code, errMsg } = classifyError(error);
      const reply = envelopeReply(code, errMsg);
      logger.warn('read refused', { statusCode: reply.statusCode, errCode: code, errMsg });
      return reply;
    } finally {
      logger.resetKeys();
    }
  };
}

export const handler = createReadHandler(defaultStores());
