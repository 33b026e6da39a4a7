// Preloaded (`node --require`) into serverless-offline's process by scripts/start-local.mjs,
// so that `npm start` hands the handlers every request body as the bytes the client sent:
// base64 with `isBase64Encoded: true`, as API Gateway does for the bodies it base64-encodes.
//
// Why: serverless-offline@14 decodes a body as UTF-8 text unless its Content-Type names
// application/octet-stream or multipart/form-data (src/utils/index.js detectEncoding), so
// invalid UTF-8 becomes U+FFFD before the handler runs and two different bodies look the same.
// It decides by the request's parsed header map, while the event's headers are built from the
// raw header list. So, for the HTTP server only and after the body has been read, this marks
// the parsed map as binary: serverless-offline then builds the event from the raw bytes
// (`Buffer.toString('base64')`), and the handler still sees the Content-Type as sent.
// tests/local/npm-start-body-bytes.test.ts checks both through `npm start`.
'use strict';

const { createRequire } = require('node:module');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
// serverless-offline's own copy of hapi, whichever node_modules folder holds it.
const offlineRequire = createRequire(path.join(root, 'node_modules', 'serverless-offline', 'package.json'));
const hapi = offlineRequire('@hapi/hapi');

/** The HTTP server's port, as serverless.yml gives it to serverless-offline (custom.serverless-offline.httpPort). */
const httpPort = Number(process.env.PORT ?? 3000);

function markBodyAsBinary(request, h) {
  if (Buffer.isBuffer(request.payload) && request.payload.length > 0) {
    request.headers['content-type'] = 'application/octet-stream';
  }
  return h.continue;
}

// hapi exports a factory; its servers share one prototype, reached through a server never started.
const serverPrototype = Object.getPrototypeOf(hapi.server());
const start = serverPrototype.start;
serverPrototype.start = function startWithBodyBytes(...args) {
  // Not the Lambda invoke server (LAMBDA_PORT) nor any other: only the one serving the API.
  if (Number(this.settings.port) === httpPort) this.ext('onPreHandler', markBodyAsBinary);
  return start.apply(this, args);
};
