#!/usr/bin/env node
// `npm run invoke -- <function> <event file>`: `serverless invoke local` against the
// DynamoDB Local that `npm start` runs (start it first). Example:
//   npm run invoke -- push events/http-api-v2.json
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existingEndpoint } from './local-db/existing-endpoint.mjs';
import { DEFAULT_DYNAMODB_PORT, LOCAL_STAGE, localEnv } from './local-env.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [fn = 'push', event = 'events/http-api-v2.json', ...rest] = process.argv.slice(2);
// DYNAMODB_ENDPOINT: the DynamoDB that `DYNAMODB_ENDPOINT=... npm start` uses.
const endpoint = existingEndpoint() ?? `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? DEFAULT_DYNAMODB_PORT}`;
const serverless = path.join(root, 'node_modules', 'serverless', 'bin', 'serverless.js');
const result = spawnSync(
  process.execPath,
  [serverless, 'invoke', 'local', '--stage', LOCAL_STAGE, '--function', fn, '--path', event, ...rest],
  { cwd: root, stdio: 'inherit', env: { ...process.env, ...localEnv(endpoint) } },
);
process.exit(result.status ?? 1);
