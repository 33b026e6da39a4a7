import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { type AuthConfig, isDeployed } from '../auth/auth-config';
import { authorizeRead } from '../auth/read-access';
import { createDynamoDbClient } from '../aws/dynamodb-client';
import { tableName } from '../aws/tables';
import { getRoutesHandler } from '../http/get-routes';
import type { HttpRequest } from '../http/http-request';
import type { ApiGatewayEvent } from '../http/lambda-entry';
import { jsonReply } from '../http/reply';
import { DynamoDbReportStore } from '../reports/dynamodb-report-store';
import type { ReportStore } from '../reports/report-store';
import { summarize } from '../reports/summary';
import { parseSummaryRequest } from '../reports/summary-params';

export interface ReportDependencies {
  readonly reports: ReportStore;
  readonly loadAuth?: () => Promise<AuthConfig>;
  readonly deployed?: boolean;
}

interface Route {
  readonly answer: (request: HttpRequest, reports: ReportStore) => Promise<APIGatewayProxyResult>;
  /** Served without credentials locally: the page holds no data, and asks for credentials itself. */
  readonly openLocally?: boolean;
}

/** Report routes by path template, as API Gateway matched them. */
const ROUTES: Readonly<Record<string, Route>> = {
  '/reports/summary': {
    answer: async (request, reports) => jsonReply(200, await summarize(parseSummaryRequest(request.query), reports)),
  },
  '/reports': {
    // A chunk of its own (~590 KB): only the page's requests load and parse it, never the summary's.
    answer: async () => {
      const { REPORTS_PAGE_HEADERS, REPORTS_PAGE_HTML } = await import('../reports/page/generated/page');
      return { statusCode: 200, headers: { ...REPORTS_PAGE_HEADERS }, body: REPORTS_PAGE_HTML };
    },
    openLocally: true,
  },
};

/**
 * `GET /reports/summary` (figures from the aggregates, never from every raw record) and
 * `GET /reports` (the page that draws them). Same access as the read routes; the page,
 * which holds no data, is served without credentials locally.
 */
export function createReportHandler({ reports, loadAuth, deployed = isDeployed() }: ReportDependencies) {
  return getRoutesHandler('report', ROUTES, async (route, request, event) => {
    if (deployed || !route.openLocally) await authorizeRead(event, request, { deployed, loadAuth });
    return route.answer(request, reports);
  });
}

export const handler: (event: ApiGatewayEvent, context?: Context) => Promise<APIGatewayProxyResult> =
  createReportHandler({
    // The report table alone, with the push path's short timeouts: a reader is waiting.
    reports: new DynamoDbReportStore(createDynamoDbClient(), tableName('reports')),
  });
