import { Misconfigured } from '../common/errors';
import type { AuthConfig } from './auth-config';

/**
 * local-credentials.ts in a bundle built for deployment (infra/esbuild-plugins.cjs): there API
 * Gateway's IAM authorization checks every reader, and a function that finds itself not deployed
 * (no AWS_LAMBDA_FUNCTION_NAME, or an emulator's IS_OFFLINE) refuses rather than read unchecked.
 */
export async function checkLocalCredentials(
  _headers: Readonly<Record<string, string>>,
  _loadAuth?: () => Promise<AuthConfig>,
): Promise<void> {
  throw new Misconfigured(
    'this bundle is built for deployment, where reads are IAM-authorized; run `npm start` locally',
  );
}
