import type { APIGatewayProxyResult } from 'aws-lambda';
import { causeOf, classifyError, ERR_CODES, type ErrCodeName, Refusal } from '../common/errors';
import { logger } from '../common/observability';
import type { HttpRequest } from './http-request';

/** The reply TCCC expects: `{"ErrCode": n, "ErrMsg": "..."}`. */
export interface Envelope {
  ErrCode: number;
  ErrMsg: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** A structured result: the same object serves REST API and HTTP API (payload v2). */
export function envelopeReply(name: ErrCodeName, errMsg: string): APIGatewayProxyResult {
  const { errCode, status } = ERR_CODES[name];
  const envelope: Envelope = { ErrCode: errCode, ErrMsg: errMsg };
  return { statusCode: status, headers: JSON_HEADERS, body: JSON.stringify(envelope) };
}

export function jsonReply(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/**
 * The envelope for anything thrown on the way, logged once: a 5xx as an error with its cause
 * (never sent to the client), a refusal as a warning. `what` names the request ("read").
 */
export function errorReply(error: unknown, what: string): APIGatewayProxyResult {
  const { code, errMsg } = classifyError(error);
  const reply = envelopeReply(code, errMsg);
  if (reply.statusCode >= 500) {
    logger.error(`${what} refused`, { statusCode: reply.statusCode, errCode: code, errMsg, cause: causeOf(error) });
  } else logger.warn(`${what} refused`, { statusCode: reply.statusCode, errCode: code, errMsg });
  return reply;
}

/**
 * The route API Gateway matched, from `routes` keyed by path template (never by the path's
 * own text): NOT_FOUND when it is not one of them, METHOD_NOT_ALLOWED when it is not a GET.
 */
export function getRouteOf<Route>(request: HttpRequest, routes: Readonly<Record<string, Route>>): Route {
  const [method, template = ''] = request.route.split(' ');
  const route = Object.hasOwn(routes, template) ? routes[template] : undefined;
  if (!route) throw new Refusal('NOT_FOUND', 'no such route');
  if (method !== 'GET' || request.method !== 'GET') throw new Refusal('METHOD_NOT_ALLOWED', 'this route is GET');
  return route as Route;
}
