#!/usr/bin/env node
// `npm run bench:load`: the local HTTP stack (`npm start`: serverless-offline + DynamoDB Local,
// fresh data folder) under 10,000 pushes at concurrency 32, 20% of them retries of another
// push with the same X-TCCC-PUSH-UUID, in shuffled order. Then every stored record is read
// back from DynamoDB and compared with the unique pushes: zero lost, zero doubled.
// Prints throughput and latency percentiles; exits 1 if anything was lost or doubled.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { localClient } from '../scripts/local-tables.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOTAL = Number(process.env.LOAD_PUSHES ?? 10_000);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 32);
const RETRY_SHARE = 0.2;
const TABLE = 'tccc-cdr-receiver-dev-cdrs';

const freePort = () =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function startStack() {
  const ports = { http: await freePort(), lambda: await freePort(), dynamodb: await freePort() };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tccc-load-'));
  const child = spawn(process.execPath, [path.join(root, 'scripts/start-local.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(ports.http),
      LAMBDA_PORT: String(ports.lambda),
      DYNAMODB_PORT: String(ports.dynamodb),
      DYNAMODB_DATA_DIR: dataDir,
      TCCC_AUTH: 'none',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stack did not start:\n${output}`)), 120_000);
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('Ctrl-C stops')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => reject(new Error(`the stack exited (${code}):\n${output}`)));
  });
  // Keep draining its output, or the pipes fill and the stack stalls.
  child.stdout.resume();
  child.stderr.resume();
  const stop = async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { base: `http://127.0.0.1:${ports.http}`, dynamodb: `http://127.0.0.1:${ports.dynamodb}`, stop };
}

function plan() {
  const sample = JSON.parse(readFileSync(path.join(root, 'events/video-cdr.sample.json'), 'utf8'));
  const uniqueCount = Math.round(TOTAL * (1 - RETRY_SHARE));
  const unique = Array.from({ length: uniqueCount }, (_, index) => ({
    pushId: randomUUID(),
    record: { ...sample, SessionId: randomUUID(), EndedTimestamp: sample.EndedTimestamp + index },
  }));
  const retries = Array.from({ length: TOTAL - uniqueCount }, () => unique[Math.floor(Math.random() * uniqueCount)]);
  const pushes = [...unique, ...retries];
  for (let i = pushes.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [pushes[i], pushes[j]] = [pushes[j], pushes[i]];
  }
  return { unique, pushes };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function drive(base, pushes) {
  const latencies = [];
  const failures = [];
  let next = 0;
  const worker = async () => {
    while (next < pushes.length) {
      const { pushId, record } = pushes[next++];
      const started = performance.now();
      const reply = await fetch(`${base}/?action=videoCdr&version=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=utf8', 'x-tccc-push-uuid': pushId },
        body: JSON.stringify(record),
      });
      const envelope = await reply.json();
      latencies.push(performance.now() - started);
      if (reply.status !== 200 || envelope.ErrCode !== 0) failures.push({ pushId, status: reply.status, envelope });
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b), failures };
}

async function verify(endpoint, unique) {
  const client = localClient(endpoint);
  let lost = 0;
  let doubled = 0;
  let altered = 0;
  let index = 0;
  const check = async () => {
    while (index < unique.length) {
      const { record } = unique[index++];
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'SessionId = :s',
          ExpressionAttributeValues: { ':s': { S: record.SessionId } },
        }),
      );
      const current = Items.filter((item) => item.recordKey.S === 'CURRENT');
      const versions = Items.filter((item) => item.recordKey.S.startsWith('VERSION#'));
      if (current.length === 0) lost++;
      if (versions.length > 1) doubled++;
      if (current[0]) {
        const { recordKey: _key, receipt: _receipt, ...stored } = unmarshall(current[0]);
        if (!isDeepStrictEqual(stored, record)) altered++;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, check));
  client.destroy();
  return { lost, doubled, altered };
}

const stack = await startStack();
try {
  const { unique, pushes } = plan();
  console.log(
    `load: ${pushes.length} pushes (${unique.length} unique, ${pushes.length - unique.length} retries), concurrency ${CONCURRENCY}`,
  );
  const { seconds, latencies, failures } = await drive(stack.base, pushes);
  const result = await verify(stack.dynamodb, unique);
  const ms = (value) => `${value.toFixed(1)} ms`;
  console.log(`throughput   ${(pushes.length / seconds).toFixed(0)} pushes/s (${seconds.toFixed(1)} s)`);
  console.log(
    `latency      p50 ${ms(percentile(latencies, 50))}  p99 ${ms(percentile(latencies, 99))}  max ${ms(latencies.at(-1))}`,
  );
  console.log(`non-zero     ${failures.length}${failures.length ? ` e.g. ${JSON.stringify(failures[0])}` : ''}`);
  console.log(
    `stored       lost ${result.lost}, doubled ${result.doubled}, altered ${result.altered} of ${unique.length}`,
  );
  process.exitCode = result.lost || result.doubled || result.altered || failures.length ? 1 : 0;
} finally {
  await stack.stop();
}
