import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ApiGatewayEvent } from './lambda-entry';

/** One HTTP request, whatever API Gateway flavour delivered it. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /** The route API Gateway matched, as method and path template: `GET /cdrs/{SessionId}`. */
  readonly route: string;
  /** Header names lower-cased: HTTP API lower-cases them, REST API does not. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly pathParameters: Readonly<Record<string, string>>;
  /** The body as sent: still base64 when `isBase64Encoded`. */
  readonly body: string;
  readonly isBase64Encoded: boolean;
  readonly requestId: string;
}

function isHttpApiEvent(event: ApiGatewayEvent): event is APIGatewayProxyEventV2 {
  return (event as APIGatewayProxyEventV2).version === '2.0';
}

/**
 * Header and query maps have no prototype: a client names their keys, and a key such as
 * `constructor` or `__proto__` must be a plain entry, never Object.prototype's.
 */
const clientKeyed = (): Record<string, string> => Object.create(null);

function definedEntries(record: Record<string, string | undefined> | null | undefined): Record<string, string> {
  const out = clientKeyed();
  for (const [key, value] of Object.entries(record ?? {})) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function lowerCaseKeys(record: Record<string, string>): Record<string, string> {
  const out = clientKeyed();
  for (const [key, value] of Object.entries(record)) {
    const name = key.toLowerCase();
    // Same header twice under different casings: join them as HTTP does.
    out[name] = out[name] === undefined ? value : `${out[name]},${value}`;
  }
  return out;
}

/** A REST API repeats a query key in multiValueQueryStringParameters; join repeats as HTTP API does. */
function restApiQuery(event: APIGatewayProxyEvent): Record<string, string> {
  const multi = event.multiValueQueryStringParameters;
  if (!multi) return definedEntries(event.queryStringParameters);
  const out = clientKeyed();
  for (const [key, values] of Object.entries(multi)) {
    if (values) out[key] = values.join(',');
  }
  return out;
}

export function toHttpRequest(event: ApiGatewayEvent): HttpRequest {
  if (isHttpApiEvent(event)) {
    return {
      method: event.requestContext.http.method.toUpperCase(),
      path: event.rawPath,
      route: event.routeKey,
      headers: lowerCaseKeys(definedEntries(event.headers)),
      query: definedEntries(event.queryStringParameters),
      pathParameters: definedEntries(event.pathParameters),
      body: event.body ?? '',
      isBase64Encoded: event.isBase64Encoded,
      requestId: event.requestContext.requestId,
    };
  }
  return {
    method: event.httpMethod.toUpperCase(),
    path: event.path,
    route: `${event.httpMethod.toUpperCase()} ${event.resource}`,
    headers: lowerCaseKeys(definedEntries(event.headers)),
    query: restApiQuery(event),
    pathParameters: definedEntries(event.pathParameters),
    body: event.body ?? '',
    isBase64Encoded: event.isBase64Encoded,
    requestId: event.requestContext.requestId,
  };
}
