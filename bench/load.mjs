#!/usr/bin/env node
// `npm run bench:load`: the local HTTP stack (`npm start`: serverless-offline + DynamoDB Local,
// fresh data folder, free ports) under 10,000 pushes of all five push types at concurrency 32:
// phone sessions (a `cdr` and its two `record` pushes, caller and agent side, sometimes an IVR
// `voicemail`), video and chat sessions, sessions with two voicemails; 20% of the pushes are
// retries of another push with the same X-TCCC-PUSH-UUID, all in shuffled order, and a push
// answered non-zero is pushed again as TCCC does (at most 3 more times). Then every session is
// read back from DynamoDB: each record exactly one current item (`R#<action>#<natural key>`)
// holding the record as sent, nothing else. Prints per-type counts, throughput and latency
// percentiles; exits 1 if a push was given up (refused 4 times), lost, doubled or altered.
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
import { LOCAL_STAGE } from '../scripts/local-env.mjs';
import { localClient, tableDefinitions } from '../scripts/local-tables.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOTAL = Number(process.env.LOAD_PUSHES ?? 10_000);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 32);
const RETRY_SHARE = 0.2;
/** TCCC pushes again at most 3 times after a non-zero ErrCode. */
const TCCC_RETRIES = 3;
const TABLE = tableDefinitions(LOCAL_STAGE).find((table) => table.logicalId === 'CdrTable').TableName;
const ACTIONS = ['cdr', 'record', 'voicemail', 'imcdr', 'videoCdr'];

/** What identifies a record of each type within its session: handler/push-types/push-registry.ts's naturalKey. */
const NATURAL_KEY = {
  cdr: ['SdkAppId'],
  record: ['SdkAppId', 'RecordId'],
  voicemail: ['SdkAppId', 'Timestamp'],
  imcdr: ['SdkAppId'],
  videoCdr: ['SdkAppId'],
};
const ORDERING = {
  cdr: 'EndedTimestamp',
  record: 'Timestamp',
  voicemail: 'Timestamp',
  imcdr: 'EndedTimestamp',
  videoCdr: 'EndedTimestamp',
};

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
  const collect = (chunk) => {
    output = (output + chunk).slice(-20_000);
  };
  // Keep draining its output, or the pipes fill and the stack stalls.
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const base = `http://127.0.0.1:${ports.http}`;
  // Ready once serverless-offline answers: it starts only after DynamoDB Local and the tables.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the stack exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`the stack did not start within 180 s:\n${output}`);
    try {
      await fetch(`${base}/sessions/ready-check`, { signal: AbortSignal.timeout(2000) });
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGINT');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { base, dynamodb: `http://127.0.0.1:${ports.dynamodb}`, stop };
}

// ---------------------------------------------------------------- the pushes

const sample = (name) => JSON.parse(readFileSync(path.join(root, 'events', `${name}.sample.json`), 'utf8'));
const SAMPLES = {
  cdr: sample('cdr'),
  recordCaller: sample('record-caller'),
  recordAgent: sample('record'),
  voicemail: sample('voicemail'),
  imcdr: sample('imcdr'),
  videoCdr: sample('video-cdr'),
};

function push(action, record, version = '1') {
  const naturalKey = NATURAL_KEY[action].map((field) => String(record[field])).join('#');
  return {
    action,
    version,
    pushId: randomUUID(),
    record,
    body: JSON.stringify(record),
    sessionId: record.SessionId,
    recordKey: `R#${action}#${naturalKey}`,
  };
}

/** A voicemail as TCCC sends it (no version), or with version=1: both are accepted. */
const voicemail = (sessionId, index, offset) =>
  push(
    'voicemail',
    { ...SAMPLES.voicemail, SessionId: sessionId, Timestamp: SAMPLES.voicemail.Timestamp + index * 10 + offset },
    index % 2 === 0 ? null : '1',
  );

/** A phone session: its CDR, the caller's and the agent's recordings, and now and then an IVR voicemail. */
function phoneSession(index, withVoicemail) {
  const SessionId = randomUUID();
  const [user, agent] = [`rec-user-${index}`, `rec-agent-${index}`];
  const ended = SAMPLES.cdr.EndedTimestamp + index;
  const pushes = [
    push('cdr', {
      ...SAMPLES.cdr,
      SessionId,
      EndedTimestamp: ended,
      RecordId: user,
      ServeParticipants: SAMPLES.cdr.ServeParticipants.map((leg) => ({ ...leg, RecordId: agent })),
    }),
    push('record', { ...SAMPLES.recordCaller, SessionId, RecordId: user, Timestamp: ended + 1 }),
    push('record', { ...SAMPLES.recordAgent, SessionId, RecordId: agent, Timestamp: ended + 1 }),
  ];
  if (withVoicemail) pushes.push(voicemail(SessionId, index, 0));
  return pushes;
}

const chatOrVideo = (action, index) =>
  push(action, { ...SAMPLES[action], SessionId: randomUUID(), EndedTimestamp: SAMPLES[action].EndedTimestamp + index });

/**
 * The unique pushes, per 20: 5 `cdr`, 10 `record` (2 per cdr), 2 `videoCdr`, 2 `imcdr`, 1
 * `voicemail` (half in phone sessions, half two to a session of their own).
 */
function uniquePushes(count) {
  const cdrs = Math.round(count / 4);
  const voicemails = Math.round(count / 20);
  const inPhoneSessions = Math.min(cdrs, Math.ceil(voicemails / 2));
  const pairs = Math.floor((voicemails - inPhoneSessions) / 2);
  const others = count - 3 * cdrs - inPhoneSessions - 2 * pairs;
  const pushes = [];
  for (let i = 0; i < cdrs; i++) pushes.push(...phoneSession(i, i < inPhoneSessions));
  for (let i = 0; i < pairs; i++) {
    const SessionId = randomUUID();
    pushes.push(voicemail(SessionId, i, 1), voicemail(SessionId, i + 1, 2));
  }
  for (let i = 0; i < others; i++) pushes.push(chatOrVideo(i % 2 === 0 ? 'videoCdr' : 'imcdr', i));
  return pushes;
}

function plan() {
  const unique = uniquePushes(Math.round(TOTAL * (1 - RETRY_SHARE)));
  const retries = Array.from({ length: TOTAL - unique.length }, () => ({
    ...unique[Math.floor(Math.random() * unique.length)],
    retry: true,
  }));
  const pushes = [...unique, ...retries];
  for (let i = pushes.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [pushes[i], pushes[j]] = [pushes[j], pushes[i]];
  }
  return { unique, pushes };
}

// ---------------------------------------------------------------- sending

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function send(base, { action, version, pushId, body }) {
  const query = version === null ? `action=${action}` : `action=${action}&version=${version}`;
  const started = performance.now();
  try {
    const reply = await fetch(`${base}/?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=utf8', 'x-tccc-push-uuid': pushId },
      body,
    });
    const envelope = await reply.json();
    return { ms: performance.now() - started, ok: reply.status === 200 && envelope.ErrCode === 0, reply: envelope };
  } catch (error) {
    return { ms: performance.now() - started, ok: false, reply: String(error) };
  }
}

async function drive(base, pushes) {
  const latencies = Object.fromEntries(ACTIONS.map((action) => [action, []]));
  const refused = [];
  let next = 0;
  let nonZero = 0;
  const worker = async () => {
    while (next < pushes.length) {
      const planned = pushes[next++];
      for (let attempt = 0; attempt <= TCCC_RETRIES; attempt++) {
        const { ms, ok, reply } = await send(base, planned);
        latencies[planned.action].push(ms);
        if (ok) break;
        nonZero++;
        if (attempt === TCCC_RETRIES) refused.push({ action: planned.action, pushId: planned.pushId, reply });
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  for (const list of Object.values(latencies)) list.sort((a, b) => a - b);
  return { seconds, latencies, nonZero, refused };
}

// ---------------------------------------------------------------- verifying

/** Every session read back: each record once, as sent, and no other item. */
async function verify(endpoint, unique) {
  const client = localClient(endpoint);
  const bySession = new Map();
  for (const planned of unique)
    bySession.set(planned.sessionId, [...(bySession.get(planned.sessionId) ?? []), planned]);
  const counts = Object.fromEntries(ACTIONS.map((action) => [action, { stored: 0, lost: 0, doubled: 0, altered: 0 }]));
  const sessions = [...bySession];
  let index = 0;
  const check = async () => {
    while (index < sessions.length) {
      const [sessionId, expected] = sessions[index++];
      const items = [];
      let ExclusiveStartKey;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'SessionId = :s',
            ExpressionAttributeValues: { ':s': { S: sessionId } },
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      for (const planned of expected) {
        const count = counts[planned.action];
        const matching = items.filter((item) => item.recordKey === planned.recordKey);
        if (matching.length === 0) {
          count.lost++;
          continue;
        }
        count.stored++;
        const [item] = matching;
        const faithful =
          item.action === planned.action &&
          item.ordering === planned.record[ORDERING[planned.action]] &&
          isDeepStrictEqual(item.record, planned.record) &&
          item.receipt?.pushId === planned.pushId;
        if (!faithful) count.altered++;
      }
      // Anything else (a second item of a record, a version item) is a record stored twice.
      for (const item of items) {
        if (!expected.some((planned) => planned.recordKey === item.recordKey)) counts[item.action].doubled++;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, check));
  client.destroy();
  return counts;
}

// ---------------------------------------------------------------- the run

const table = (rows) => {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  return rows
    .map((row) =>
      row.map((cell, column) => String(cell)[column === 0 ? 'padEnd' : 'padStart'](widths[column])).join('  '),
    )
    .join('\n');
};

const stack = await startStack();
try {
  const { unique, pushes } = plan();
  console.log(
    `load: ${pushes.length} pushes (${unique.length} unique records, ${pushes.length - unique.length} retries), concurrency ${CONCURRENCY}, ${new Date().toISOString()}`,
  );
  const { seconds, latencies, nonZero, refused } = await drive(stack.base, pushes);
  const counts = await verify(stack.dynamodb, unique);
  const ms = (value) => (value === undefined ? '-' : value.toFixed(1));
  const rows = [['type', 'pushes', 'retries', 'records', 'stored', 'lost', 'doubled', 'altered', 'p50 ms', 'p99 ms']];
  const total = { pushes: 0, retries: 0, records: 0, stored: 0, lost: 0, doubled: 0, altered: 0 };
  for (const action of ACTIONS) {
    const row = {
      pushes: pushes.filter((p) => p.action === action).length,
      retries: pushes.filter((p) => p.action === action && p.retry).length,
      records: unique.filter((p) => p.action === action).length,
      ...counts[action],
    };
    for (const key of Object.keys(total)) total[key] += row[key];
    const sorted = latencies[action];
    rows.push([action, ...Object.values(row), ms(percentile(sorted, 50)), ms(percentile(sorted, 99))]);
  }
  const all = Object.values(latencies)
    .flat()
    .sort((a, b) => a - b);
  rows.push(['all', ...Object.values(total), ms(percentile(all, 50)), ms(percentile(all, 99))]);
  console.log(table(rows));
  console.log(`throughput   ${(pushes.length / seconds).toFixed(0)} pushes/s (${seconds.toFixed(1)} s)`);
  console.log(
    `latency      p50 ${ms(percentile(all, 50))} ms  p99 ${ms(percentile(all, 99))} ms  max ${ms(all.at(-1))} ms`,
  );
  console.log(
    `non-zero     ${nonZero} replies, ${refused.length} pushes given up after ${TCCC_RETRIES} retries${refused.length ? ` e.g. ${JSON.stringify(refused[0])}` : ''}`,
  );
  console.log(
    `stored       lost ${total.lost}, doubled ${total.doubled}, altered ${total.altered} of ${unique.length}`,
  );
  process.exitCode = total.lost || total.doubled || total.altered || refused.length ? 1 : 0;
} finally {
  await stack.stop();
}
