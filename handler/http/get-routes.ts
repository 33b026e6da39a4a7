import type { APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../common/observability';
import { type HttpRequest, toHttpRequest } from './http-request';
import { type ApiGatewayEvent, withObservability } from './lambda-entry';
import { errorReply, getRouteOf } from './reply';

/**
 * A handler of GET routes keyed by path template (the read and report functions): the
 * request logged under its id, its route picked (404 and 405 before any credentials are
 * asked for), then `answer`; anything thrown is answered as an envelope, logged as `what`.
 */
export function getRoutesHandler<Route>(
  what: string,
  routes: Readonly<Record<string, Route>>,
  answer: (route: Route, request: HttpRequest, event: ApiGatewayEvent) => Promise<APIGatewayProxyResult>,
) {
  return withObservability(async (event: ApiGatewayEvent): Promise<APIGatewayProxyResult> => {
    try {
      const request = toHttpRequest(event);
      logger.appendKeys({ requestId: request.requestId });
      return await answer(getRouteOf(request, routes), request, event);
    } catch (error) {
      return errorReply(error, what);
    }
  });
}
