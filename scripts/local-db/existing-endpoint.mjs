// `DYNAMODB_ENDPOINT=http://host:port npm start`: a DynamoDB the user already runs (their own
// DynamoDB Local, a container) instead of the one npm start would start. Only its origin is
// used and printed: a URL with credentials, a path or a query is refused rather than guessed at.

/** A DYNAMODB_ENDPOINT npm start cannot use: it says why and stops. */
export class BadEndpoint extends Error {
  name = 'BadEndpoint';
}

/** The endpoint's origin (`http://host:port`), or undefined when DYNAMODB_ENDPOINT is unset or empty. */
export function existingEndpoint(env = process.env) {
  const text = env.DYNAMODB_ENDPOINT;
  if (!text) return undefined;
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new BadEndpoint('DYNAMODB_ENDPOINT is not a URL; give it as http://host:port');
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password) {
    throw new BadEndpoint(
      'DYNAMODB_ENDPOINT must be an http:// or https:// URL without credentials (http://host:port)',
    );
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new BadEndpoint('DYNAMODB_ENDPOINT must name only the scheme, host and port (http://host:port)');
  }
  return url.origin;
}
