// One warm-benchmark process (spawned by bench/run.mjs): loads one bundled handler, pushes
// BENCH_WARMUP HTTP API v2 events through it, then, batch by batch as run.mjs asks over IPC,
// more pushes one after another, timing each `await handler(event)`; the samples go back over
// IPC. Every reply must be 200 with ErrCode 0, or the process fails.
// With `transport` instead of a bundle, the "handler" only POSTs the body to the stub DynamoDB
// over a keep-alive agent: the cost of the HTTP round trip alone, which both handlers pay.
// Also, as run.mjs asks: one push of a given sample (for the write units and log bytes of each
// push type), and a batch of pushes under the V8 CPU profiler (for the CPU breakdown).
// With BENCH_RUN_AND_EXIT=1 (under valgrind, no IPC): the warm-up pushes, then exit.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [bundlePath] = process.argv.slice(2);
const warmup = Number(process.env.BENCH_WARMUP);
/** The Authorization header TCCC would send (run.mjs makes it for the auth mode under test). */
const authorization = process.env.BENCH_AUTHORIZATION;
if (!bundlePath || !(warmup >= 1)) throw new Error('usage: warm-child.mjs <bundle> (env set by run.mjs)');

const record = JSON.parse(readFileSync(path.join(root, 'events', 'video-cdr.sample.json'), 'utf8'));

/** Under valgrind everything runs ~50x slower: the handler's timeouts are stretched alike. */
const stretch = Number(process.env.BENCH_TIMER_STRETCH ?? 1);
if (stretch > 1) {
  const setTimeoutAsIs = globalThis.setTimeout;
  globalThis.setTimeout = (callback, ms, ...args) => setTimeoutAsIs(callback, (ms ?? 0) * stretch, ...args);
}

/**
 * With BENCH_COUNT_OUTPUT=1, the bytes and lines the handler writes to stdout and stderr (its log
 * and EMF lines, which CloudWatch Logs ingests and bills), counted before they go on.
 */
const output = { bytes: 0, lines: 0 };
if (process.env.BENCH_COUNT_OUTPUT === '1') {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = (chunk, ...rest) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      output.bytes += Buffer.byteLength(text);
      output.lines += text.split('\n').length - 1;
      return write(chunk, ...rest);
    };
  }
}

/** The HTTP round trip alone: what any handler pays to reach the stub DynamoDB. */
function transportOnly() {
  const endpoint = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '');
  const agent = new http.Agent({ keepAlive: true });
  return (event, _context) =>
    new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: endpoint.hostname,
          port: endpoint.port,
          method: 'POST',
          path: '/',
          agent,
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': 'DynamoDB_20120810.PutItem',
            'content-length': Buffer.byteLength(event.body),
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ statusCode: 200, body: '{"ErrCode":0,"ErrMsg":"ok"}' }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(event.body);
    });
}

async function loadHandler() {
  if (bundlePath === 'transport') return transportOnly();
  const module = await import(pathToFileURL(bundlePath).href);
  const handler = module.handler ?? module.default?.handler;
  if (typeof handler !== 'function') throw new Error(`${bundlePath} exports no handler`);
  return handler;
}

/**
 * What API Gateway (HTTP API, payload 2.0) hands the function for one TCCC push: by default the
 * video CDR sample under a fresh SessionId and push id.
 */
function pushEvent(n, push = {}) {
  const now = Date.now();
  const query = push.query ?? { action: 'videoCdr', version: '1' };
  return {
    version: '2.0',
    routeKey: 'ANY /',
    rawPath: '/',
    rawQueryString: new URLSearchParams(query).toString(),
    headers: {
      'content-type': 'application/json;charset=utf8',
      'x-tccc-push-uuid': push.pushId ?? randomUUID(),
      host: 'bench.execute-api.ap-southeast-1.amazonaws.com',
      'user-agent': 'TCCC-Push',
      'x-forwarded-for': '127.0.0.1',
      ...(authorization && { authorization }),
    },
    queryStringParameters: query,
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'bench.execute-api.ap-southeast-1.amazonaws.com',
      domainPrefix: 'bench',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'TCCC-Push' },
      requestId: `bench-${process.pid}-${n}`,
      routeKey: 'ANY /',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: push.body ?? JSON.stringify({ ...record, SessionId: randomUUID() }),
    isBase64Encoded: false,
  };
}

/** The Lambda context each invocation gets (its request id fresh): the log lines carry its fields. */
const FUNCTION_NAME = 'tccc-cdr-receiver-bench-push';
function lambdaContext() {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-southeast-1:123456789012:function:${FUNCTION_NAME}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${FUNCTION_NAME}`,
    logStreamName: '2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 15_000,
    done() {},
    fail() {},
    succeed() {},
  };
}

function check(reply, n) {
  let envelope;
  try {
    envelope = JSON.parse(reply?.body);
  } catch {
    envelope = undefined;
  }
  if (reply?.statusCode !== 200 || envelope?.ErrCode !== 0) {
    throw new Error(`push ${n}: expected 200 / ErrCode 0, got ${reply?.statusCode} ${reply?.body}`);
  }
}

const loadStarted = performance.now();
const handler = await loadHandler();
const loadMs = performance.now() - loadStarted;

let pushed = 0;
async function push(sample) {
  const n = pushed++;
  const event = pushEvent(n, sample);
  const context = lambdaContext();
  const t0 = process.hrtime.bigint();
  const reply = await handler(event, context);
  const us = Number(process.hrtime.bigint() - t0) / 1e3;
  check(reply, n);
  return us;
}

// The first push after loading: what a cold start adds to the first request (lazy chunks, first
// connection, credential and secret lookups). Then the rest of the warm-up, untimed.
const firstPushUs = await push();
// Since the process started (performance.now()): a cold start's load and first push together.
const firstReplyMs = performance.now();
for (let n = 1; n < warmup; n++) await push();
if (process.env.BENCH_RUN_AND_EXIT === '1') process.exit(0);
process.send({ type: 'ready', loadMs, firstPushUs, firstReplyMs });

// Then batches of timed pushes, one at a time when run.mjs asks, interleaved with the other kinds.
process.on('message', async (message) => {
  if (message.type === 'batch') {
    const samplesUs = new Float64Array(message.pushes);
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < message.pushes; i++) samplesUs[i] = await push();
    const cpu = process.cpuUsage(cpuBefore);
    process.send({ type: 'batch', samplesUs: Array.from(samplesUs), cpuUs: cpu.user + cpu.system });
  } else if (message.type === 'sample') {
    // One push of a given body and query; what it wrote to stdout/stderr comes back with it.
    const before = { ...output };
    const us = await push(message.push);
    process.send({
      type: 'sample',
      us,
      outputBytes: output.bytes - before.bytes,
      outputLines: output.lines - before.lines,
    });
  } else if (message.type === 'profile') {
    // Only these pushes under the profiler: loading and warm-up stay out of the breakdown.
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: message.intervalUs });
    await session.post('Profiler.start');
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < message.pushes; i++) await push();
    const cpu = process.cpuUsage(cpuBefore);
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    writeFileSync(message.file, JSON.stringify(profile));
    process.send({ type: 'profile', cpuUs: cpu.user + cpu.system });
  } else if (message.type === 'exit') {
    process.send({ type: 'bye', rssBytes: process.memoryUsage().rss }, () => process.disconnect());
  }
});
