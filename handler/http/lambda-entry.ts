import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, Context } from 'aws-lambda';
import { logger, metrics } from '../common/observability';

/** Both API Gateway payload formats: REST API (v1) and HTTP API (v2). */
export type ApiGatewayEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

type Handler = (event: ApiGatewayEvent) => Promise<APIGatewayProxyResult>;

/**
 * What Powertools' injectLambdaContext and logMetrics middlewares do, without middy: every
 * log line carries the function's name, version and request id, the cold start is counted
 * once per container, metrics are flushed and per-request keys dropped after each request.
 */
export function withObservability(handle: Handler) {
  return async (event: ApiGatewayEvent, context?: Context): Promise<APIGatewayProxyResult> => {
    if (context) logger.addContext(context);
    metrics.captureColdStartMetric();
    try {
      return await handle(event);
    } finally {
      // A read or token request usually counts nothing: then there is no EMF line to write (nor a warning).
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
