import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { Refusal } from '../common/errors';
import type { HttpRequest } from '../http/http-request';
import type { ApiGatewayEvent } from '../http/lambda-entry';
import type { AuthConfig } from './auth-config';
import { checkLocalCredentials } from './local-credentials';

/**
 * Who may read: deployed, API Gateway's IAM authorization has checked the caller and says
 * so in the request context. Locally nothing a client sends can stand for that
 * (serverless-offline fills the context from a header), so the push credentials are asked
 * for instead.
 */
export async function authorizeRead(
  event: ApiGatewayEvent,
  request: HttpRequest,
  access: { deployed: boolean; loadAuth?: () => Promise<AuthConfig> },
): Promise<void> {
  if (!access.deployed) return checkLocalCredentials(request.headers, access.loadAuth);
  if (!(event as APIGatewayProxyEventV2WithIAMAuthorizer).requestContext?.authorizer?.iam) {
    throw new Refusal('UNAUTHORIZED', 'this route needs IAM authorization');
  }
}
