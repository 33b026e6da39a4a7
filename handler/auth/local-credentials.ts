import { type AuthConfig, cachedAuthConfig } from './auth-config';
import { authenticate } from './authenticate';

/**
 * Reads under `npm start` and `serverless invoke local`, where nothing stands for API Gateway's
 * IAM authorization: the push credentials, as the deployment mode has them. A bundle built for
 * deployment has iam-only-credentials.ts in this module's place (infra/esbuild-plugins.cjs), so that the read
 * and reports zips carry neither the SSM client nor jose, which they never load deployed.
 */
let defaultLoader: (() => Promise<AuthConfig>) | undefined;

export async function checkLocalCredentials(
  headers: Readonly<Record<string, string>>,
  loadAuth?: () => Promise<AuthConfig>,
): Promise<void> {
  defaultLoader ??= cachedAuthConfig();
  await authenticate(headers, await (loadAuth ?? defaultLoader)());
}
