// Preloaded (`node --require`) into serverless-offline's process by scripts/start-local.mjs,
// beside ../offline-body-bytes.cjs, so that `npm start` answers as the deployed API does where
// serverless-offline@14 does not (docs/local-security.md):
// - it answers every Origin with `access-control-allow-origin: <that origin>` and credentials,
//   and checks no Host: any web page could read and write the local records. Every hapi server
//   of the process (the API and the Lambda invoke endpoint) now refuses a foreign Host, Origin
//   or Sec-Fetch-Site before routing, and no reply carries a CORS grant: the reports page is
//   same-origin and needs none.
// - it gives a push sent without Content-Type `application/json`
//   (LambdaProxyIntegrationEventV2: "Set a default Content-Type if not provided"), so the
//   handler stored what API Gateway hands it without one, and it answers 1005. The API
//   server marks such a request with a header named with a random per-process suffix (no
//   client can send it), and the event loses the marker and the invented Content-Type.
// tests/local/npm-start-local-only.test.ts checks each through `npm start`.
'use strict';

const { randomBytes } = require('node:crypto');
const { realpathSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { foreignRequest } = require('./local-requests.cjs');

const root = path.resolve(__dirname, '..', '..');
const offlineDir = path.dirname(realpathSync(path.join(root, 'node_modules', 'serverless-offline', 'package.json')));
const hapi = createRequire(path.join(offlineDir, 'package.json'))('@hapi/hapi');
/** The API server's port, as serverless.yml gives it to serverless-offline (custom.serverless-offline.httpPort). */
const httpPort = Number(process.env.PORT ?? 3000);
const NO_CONTENT_TYPE = `x-tccc-no-content-type-${randomBytes(12).toString('hex')}`;

function refuseForeign(port) {
  return (request, h) => {
    const why = foreignRequest(request.headers, port);
    if (why === null) return h.continue;
    return h
      .response(JSON.stringify({ ErrCode: 1008, ErrMsg: why }))
      .code(403)
      .type('application/json')
      .takeover();
  };
}

function markAbsentContentType(request, h) {
  const raw = request.raw.req;
  if (raw.headers['content-type'] === undefined) raw.rawHeaders.push(NO_CONTENT_TYPE, '1');
  return h.continue;
}

/**
 * Runs after serverless-offline's own onPreResponse (registered before the server starts),
 * which grants CORS to any Origin and turns a preflight's answer, our refusal too, into a 200.
 */
function withoutCorsGrants(port) {
  return (request, h) => {
    const response = request.response;
    const headers = response.isBoom ? response.output.headers : response.headers;
    for (const name of Object.keys(headers ?? {})) {
      if (name.toLowerCase().startsWith('access-control-')) delete headers[name];
    }
    if (!response.isBoom && foreignRequest(request.headers, port) !== null) response.code(403);
    return h.continue;
  };
}

const serverPrototype = Object.getPrototypeOf(hapi.server());
const start = serverPrototype.start;
serverPrototype.start = function startLocalOnly(...args) {
  const port = Number(this.settings.port);
  this.ext('onRequest', refuseForeign(port));
  if (port === httpPort) this.ext('onRequest', markAbsentContentType);
  this.ext('onPreResponse', withoutCorsGrants(port));
  return start.apply(this, args);
};

const eventModule = path.join(offlineDir, 'src', 'events', 'http', 'lambda-events', 'LambdaProxyIntegrationEventV2.js');
import(pathToFileURL(eventModule).href)
  .then(({ default: EventV2 }) => {
    const create = EventV2.prototype.create;
    EventV2.prototype.create = function createAsSent(...args) {
      const event = create.apply(this, args);
      if (event.headers && NO_CONTENT_TYPE in event.headers) {
        delete event.headers[NO_CONTENT_TYPE];
        delete event.headers['content-type'];
      }
      return event;
    };
  })
  .catch((error) => {
    console.error(`npm start: cannot patch serverless-offline's events (${error.message})`);
    process.exit(1);
  });
