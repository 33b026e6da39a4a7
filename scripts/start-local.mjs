#!/usr/bin/env node
// `npm start`: DynamoDB Local (data kept in .dynamodb/) + the tables of infra/ +
// serverless-offline serving the real handlers on http://localhost:${PORT:-3000}.
// Ctrl-C stops everything it started.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDynamoDbLocal } from './dynamodb-local.mjs';
import { DEFAULT_DYNAMODB_PORT, LOCAL_STAGE, localEnv } from './local-env.mjs';
import { ensureLocalTables } from './local-tables.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 3000);
const dynamoDbPort = Number(process.env.DYNAMODB_PORT ?? DEFAULT_DYNAMODB_PORT);
const dbPath = process.env.DYNAMODB_DATA_DIR ?? path.join(root, '.dynamodb');

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

const db = await startDynamoDbLocal({ port: dynamoDbPort, dbPath });
let offline;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
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
  await ensureLocalTables(db.endpoint, LOCAL_STAGE);
  const serverless = path.join(root, 'node_modules', 'serverless', 'bin', 'serverless.js');
  // Bodies reach the handlers as the bytes sent, not as serverless-offline's UTF-8 decoding of them.
  const bodyBytes = path.join(root, 'scripts', 'offline-body-bytes.cjs');
  offline = spawn(process.execPath, ['--require', bodyBytes, serverless, 'offline', 'start', '--stage', LOCAL_STAGE], {
    cwd: root,
    env: { ...process.env, ...localEnv(db.endpoint), PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  offline.on('exit', (code) => {
    if (!stopping) {
      console.error(`serverless offline stopped (exit code ${code}); stopping DynamoDB Local`);
      stop(code ?? 1);
    }
  });
  const base = `http://localhost:${port}`;
  await waitForHttp(`${base}/cdrs/ready-check`, offline, 60_000);
  const sample = path.relative(root, path.join(root, 'events', 'video-cdr.sample.json'));
  const sessionId = JSON.parse(readFileSync(path.join(root, sample), 'utf8')).SessionId;
  console.log(`
tccc-cdr-receiver is listening on ${base}  (DynamoDB Local at ${db.endpoint}, data in ${path.relative(root, dbPath) || dbPath}/)

  Push the sample CDR:
    curl -sS -X POST '${base}/?action=videoCdr&version=1' -H 'Content-Type: application/json;charset=utf8' --data-binary @${sample}

  Read it back:
    curl -sS ${base}/cdrs/${sessionId}

Ctrl-C stops the receiver and DynamoDB Local.
`);
} catch (error) {
  console.error(`npm start failed: ${error.message}`);
  await stop(1);
}
