#!/usr/bin/env node
// `npm start`: DynamoDB Local (data kept in .dynamodb/), or the DynamoDB at DYNAMODB_ENDPOINT,
// + the tables of infra/ + serverless-offline serving the real handlers on
// http://localhost:${PORT:-3000}. Ctrl-C stops everything it started.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDynamoDbLocal } from './dynamodb-local.mjs';
import { banner } from './local-banner.mjs';
import { BadEndpoint, existingEndpoint } from './local-db/existing-endpoint.mjs';
import { LOCAL_STAGE, localEnv, localSigningKey } from './local-env.mjs';
import { chooseLocalPorts, PortUnavailable } from './local-ports.mjs';
import { ensureLocalTables } from './local-tables.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dbPath = process.env.DYNAMODB_DATA_DIR ?? path.join(root, '.dynamodb');
const mode = process.env.TCCC_AUTH || 'none';

let ports;
let notes;
let existing;
try {
  existing = existingEndpoint();
  ({ ports, notes } = await chooseLocalPorts(process.env, { without: existing ? ['DYNAMODB_PORT'] : [] }));
} catch (error) {
  if (!(error instanceof PortUnavailable || error instanceof BadEndpoint)) throw error;
  console.error(`npm start: ${error.message}`);
  process.exit(1);
}
console.log(
  `npm start: the receiver on port ${ports.PORT}, ` +
    (existing ? `the DynamoDB at ${existing} (DYNAMODB_ENDPOINT), ` : `DynamoDB Local on ${ports.DYNAMODB_PORT}, `) +
    `serverless-offline's Lambda endpoint on ${ports.LAMBDA_PORT}`,
);
for (const note of notes) console.log(`npm start: ${note}`);
const signingKey = localSigningKey();
if (signingKey.TCCC_OAUTH_SIGNING_KEY) {
  notes.push('TCCC_OAUTH_SIGNING_KEY is not set: this run signs access tokens with a random key of its own');
  console.log(`npm start: ${notes.at(-1)}; they stop working when it stops`);
}

async function waitForHttp(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`serverless offline exited with code ${child.exitCode}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

let db;
try {
  // A DynamoDB of the user's own is neither started nor stopped here.
  db = existing
    ? { endpoint: existing, existing: true, stop: async () => {} }
    : await startDynamoDbLocal({ port: ports.DYNAMODB_PORT, dbPath });
} catch (error) {
  console.error(`npm start: DynamoDB Local did not start: ${error.message}`);
  process.exit(1);
}
let offline;
let consumer;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  if (consumer && consumer.exitCode === null) {
    const exited = new Promise((resolve) => consumer.once('exit', resolve));
    consumer.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (consumer.exitCode === null) consumer.kill('SIGKILL');
  }
  if (offline && offline.exitCode === null) {
    const exited = new Promise((resolve) => offline.once('exit', resolve));
    offline.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (offline.exitCode === null) offline.kill('SIGKILL');
  }
  await db.stop();
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

try {
  const tables = await ensureLocalTables(db.endpoint, LOCAL_STAGE);
  // Serverless-offline has no DynamoDB Streams: the reports' consumer runs beside it, fed by a poller.
  consumer = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'local-stream-consumer.ts')], {
    cwd: root,
    env: {
      ...process.env,
      ...localEnv(db.endpoint),
      CDR_TABLE_NAME: tables.CdrTable,
      REPORT_TABLE_NAME: tables.ReportTable,
      PRIVACY_TABLE_NAME: tables.PrivacyTable,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  consumer.on('exit', (code) => {
    if (!stopping) {
      console.error(`the reports' stream consumer stopped (exit code ${code}); stopping`);
      stop(code ?? 1);
    }
  });
  const serverless = path.join(root, 'node_modules', 'serverless', 'bin', 'serverless.js');
  // Bodies reach the handlers as the bytes sent, not as serverless-offline's UTF-8 decoding of them.
  const bodyBytes = path.join(root, 'scripts', 'offline-body-bytes.cjs');
  // Only this machine's own pages and tools, no CORS grants, no invented Content-Type.
  const localOnly = path.join(root, 'scripts', 'local-guard', 'offline-guard.cjs');
  // --localEnvironment: the handlers see this environment (TCCC_BASIC_PASSWORD, ...), not only
  // serverless.yml's; the secrets reach them without ever entering a template.
  offline = spawn(
    process.execPath,
    [
      '--require',
      bodyBytes,
      '--require',
      localOnly,
      serverless,
      'offline',
      'start',
      '--stage',
      LOCAL_STAGE,
      '--localEnvironment',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        ...localEnv(db.endpoint),
        ...signingKey,
        PORT: String(ports.PORT),
        LAMBDA_PORT: String(ports.LAMBDA_PORT),
        ...(existing ? {} : { DYNAMODB_PORT: String(ports.DYNAMODB_PORT) }),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  offline.on('exit', (code) => {
    if (!stopping) {
      console.error(`serverless offline stopped (exit code ${code}); stopping DynamoDB Local`);
      stop(code ?? 1);
    }
  });
  await waitForHttp(`http://localhost:${ports.PORT}/cdrs/ready-check`, offline, 60_000);
  const sample = path.join('events', 'video-cdr.sample.json');
  const sessionId = JSON.parse(readFileSync(path.join(root, sample), 'utf8')).SessionId;
  const relative = path.relative(root, dbPath);
  const dataDir = relative && !relative.startsWith('..') ? relative : dbPath;
  console.log(banner({ mode, ports, db, dataDir, sample, sessionId, notes }));
} catch (error) {
  console.error(`npm start failed: ${error.message}`);
  await stop(1);
}
