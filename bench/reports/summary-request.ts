import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Summary } from '../../handler/reports/summary';

type Handler = (event: never) => Promise<APIGatewayProxyResult>;

/** GET /reports/summary through the real report handler, timed. */
export async function summaryOf(
  report: Handler,
  query: Record<string, string>,
): Promise<{ ms: number; body: Summary }> {
  const started = performance.now();
  const reply = await report({
    version: '2.0',
    routeKey: 'GET /reports/summary',
    rawPath: '/reports/summary',
    rawQueryString: new URLSearchParams(query).toString(),
    headers: {},
    queryStringParameters: query,
    requestContext: { requestId: `bench-${Math.random()}`, http: { method: 'GET' } },
    isBase64Encoded: false,
  } as never);
  const ms = performance.now() - started;
  if (reply.statusCode !== 200) throw new Error(`summary answered ${reply.statusCode}: ${reply.body}`);
  return { ms, body: JSON.parse(reply.body) as Summary };
}
