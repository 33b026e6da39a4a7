#!/usr/bin/env node
// `npm run bench`: our push handler next to a "floor" handler (bench/floor-handler.ts: JSON.parse,
// one PutItem, the envelope) in one run: bundle size, cold load, first push, warm time per push,
// a CPU breakdown of the warm push, write units and cost per push type.
// See bench/README.md. Exits 0 when it could measure, whatever the figures; non-zero on errors.
import { fork, spawn, spawnSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { load as loadYaml } from 'js-yaml';
import { startDynamoDbLocal } from '../scripts/dynamodb-local.mjs';
import { ensureLocalTables } from '../scripts/local-tables.mjs';
import { costPerMillion, PRICES, startCapacityProxy } from './capacity.mjs';
import { breakdown, GROUPS } from './cpu-profile.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'bench', 'out');

function intEnv(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name}=${raw}: expected an integer >= ${min}`);
  return value;
}

function choiceEnv(name, fallback, choices) {
  const value = process.env[name] || fallback;
  if (!choices.includes(value)) throw new Error(`${name}=${value}: expected one of ${choices.join(', ')}`);
  return value;
}

const config = {
  coldRuns: intEnv('BENCH_COLD_RUNS', 20, 1),
  /** Timed pushes per warm process, after the warm-up, in batches interleaved with the other kinds. */
  warmPushes: intEnv('BENCH_WARM_PUSHES', 5000, 1),
  warmBatches: intEnv('BENCH_WARM_BATCHES', 10, 1),
  warmup: intEnv('BENCH_WARMUP', 500, 1),
  /** Fresh processes per kind, one after the other: the warm figures pool them. */
  warmProcesses: intEnv('BENCH_WARM_PROCESSES', 2, 1),
  /** How TCCC authenticates to our handler (TCCC_AUTH); the floor ignores the header. */
  auth: choiceEnv('BENCH_AUTH', 'basic', ['none', 'basic', 'oauth2']),
  /** Where our handler reads the auth secrets: SSM (as deployed; the stub answers) or the environment. */
  secrets: choiceEnv('BENCH_SECRETS', 'ssm', ['ssm', 'env']),
  /** Extra node flags for the warm children, e.g. `--cpu-prof --cpu-prof-dir=bench/out/prof`. */
  warmExecArgv: (process.env.BENCH_WARM_EXEC_ARGV ?? '').split(/\s+/).filter(Boolean),
  /** Fresh processes per kind timed from loading to the end of their first push. */
  firstPushRuns: intEnv('BENCH_FIRST_RUNS', 12, 1),
  /** Pushes under the CPU profiler per kind (unminified build, own process); 0 skips the breakdown. */
  profilePushes: intEnv('BENCH_PROFILE_PUSHES', 4000, 0),
  /** Rounds the profiled pushes are split into, alternating between the kinds. */
  profileRounds: intEnv('BENCH_PROFILE_ROUNDS', 4, 1),
  /** Write units per push type: through DynamoDB Local (`local`) or skipped (`off`). */
  capacity: choiceEnv('BENCH_CAPACITY', 'local', ['local', 'off']),
  /** Instructions per warm push under valgrind (opt-in, a few minutes): a figure load does not move. */
  instructions: choiceEnv('BENCH_INSTRUCTIONS', '0', ['0', '1']) === '1',
  /** Pushes the two valgrind runs per kind differ by (after 300 in both). */
  instructionPushes: intEnv('BENCH_INSTRUCTION_PUSHES', 1000, 100),
  /** For the cost model only: one DynamoDB round trip from Lambda, in ms (not measured here). */
  dynamoDbRoundTripMs: intEnv('BENCH_DYNAMODB_RTT_MS', 5, 0),
};

const TARGETS = {
  sizeDeltaBytes: 60 * 1024,
  coldDeltaMs: 5,
  firstPushDeltaMs: 10,
  warmRatio: 1.1,
  /** What to aim for, below the target. */
  warmRatioAim: 1.05,
};

const KINDS = {
  ours: path.join('handler', 'functions', 'push.ts'),
  floor: path.join('bench', 'floor-handler.ts'),
};

// ---------------------------------------------------------------------------------------------
// statistics

/** Nearest-rank percentile of an ascending array. */
const percentile = (asc, p) => asc[Math.min(asc.length - 1, Math.max(0, Math.ceil((p / 100) * asc.length) - 1))];
const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;
function summary(values) {
  const asc = Float64Array.from(values).sort();
  return {
    n: asc.length,
    mean: mean(asc),
    p50: percentile(asc, 50),
    p90: percentile(asc, 90),
    p99: percentile(asc, 99),
  };
}

// ---------------------------------------------------------------------------------------------
// 1. bundles, built as serverless-esbuild builds them from serverless.yml's custom.esbuild

/** Options serverless-esbuild consumes itself and removes before calling esbuild (its dist/bundle.js). */
const PLUGIN_ONLY_OPTIONS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  // infra/esbuild-plugins.cjs names chunks per entry for the zips; the bench builds each entry apart.
  'plugins',
];

/**
 * serverless.yml's custom.esbuild over serverless-esbuild's defaults (bundle, platform node, the
 * target of provider.runtime, exclude aws-sdk, .js), then what the plugin does with them: exclude
 * joins external, outputFileExtension becomes outExtension. Each entry is then built on its own.
 */
function esbuildOptions() {
  const serverless = loadYaml(readFileSync(path.join(root, 'serverless.yml'), 'utf8'));
  const custom = serverless?.custom?.esbuild ?? {};
  if (custom.config) throw new Error('custom.esbuild.config (options from a JS file) is not supported by the bench');
  const runtimeTarget = /^nodejs(\d+)\.x$/.exec(serverless?.provider?.runtime ?? '')?.[1];
  const merged = {
    bundle: true,
    platform: 'node',
    ...(runtimeTarget && { target: `node${runtimeTarget}` }),
    exclude: ['aws-sdk'],
    external: [],
    outputFileExtension: '.js',
    ...custom,
  };
  // serverless.yml resolves the extension per command (scripts/bundle-extension.cjs): deployed, .mjs.
  if (String(merged.outputFileExtension).startsWith('${')) merged.outputFileExtension = '.mjs';
  const options = Object.fromEntries(Object.entries(merged).filter(([key]) => !PLUGIN_ONLY_OPTIONS.includes(key)));
  const exclude = [merged.exclude ?? []].flat();
  options.external = [...[merged.external ?? []].flat(), ...(exclude.includes('*') ? [] : exclude)];
  if (merged.outputFileExtension !== '.js') options.outExtension = { '.js': merged.outputFileExtension };
  return options;
}

/** Bytes of the given outputs by where they came from: a package under node_modules, or our source. */
function bytesByOrigin(metafile, files) {
  const out = {};
  for (const file of files) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[file].inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const origin = match ? match[1] : input.split('/').slice(0, 2).join('/');
      out[origin] = (out[origin] ?? 0) + bytesInOutput;
    }
  }
  return out;
}

/**
 * The entry's output and what a cold start loads with it (chunks it imports statically), apart from
 * chunks loaded only on demand (dynamic import()).
 */
function bundleOf(metafile, entry) {
  const outputs = Object.entries(metafile.outputs).filter(([file]) => !file.endsWith('.map'));
  const entryFile = outputs.find(([, output]) => output.entryPoint === entry.split(path.sep).join('/'))?.[0];
  if (!entryFile) throw new Error(`esbuild produced no output for ${entry}`);
  const atInit = new Set([entryFile]);
  for (const file of atInit) {
    for (const { path: imported, kind, external } of metafile.outputs[file].imports) {
      if (!external && kind !== 'dynamic-import' && metafile.outputs[imported]) atInit.add(imported);
    }
  }
  const bytes = (files) => files.reduce((sum, file) => sum + statSync(path.join(root, file)).size, 0);
  const allFiles = outputs.map(([file]) => file);
  return {
    file: path.join(root, entryFile),
    files: allFiles,
    initFiles: [...atInit],
    initBytes: bytes([...atInit]),
    totalBytes: bytes(allFiles),
    byOrigin: bytesByOrigin(metafile, [...atInit]),
  };
}

/** Each kind built with `options` into bench/out/<prefix><kind>/. */
async function bundleAll(options, prefix = '') {
  const bundles = {};
  for (const [kind, entry] of Object.entries(KINDS)) {
    const result = await build({
      ...options,
      absWorkingDir: root,
      entryPoints: [entry],
      outdir: path.join(outDir, `${prefix}${kind}`),
      metafile: true,
      logLevel: 'error',
    });
    writeFileSync(path.join(outDir, `${prefix}${kind}.meta.json`), JSON.stringify(result.metafile));
    bundles[kind] = bundleOf(result.metafile, entry);
  }
  return bundles;
}

// ---------------------------------------------------------------------------------------------
// auth: the credentials TCCC would send, and the secrets our handler checks them against

const SECRETS_PATH = '/tccc-cdr-receiver/bench/';
const SECRETS = {
  'basic-username': 'tccc-push',
  'basic-password': 'bench-password-7f3a9c1e52d84b06',
  'oauth-client-id': 'tccc-bench-client',
  'oauth-client-secret': 'bench-client-secret-0d9e8f7a6b5c4d3e',
  // 256 bits, base64, as `openssl rand -base64 32` prints them (fixed: the bench signs its own tokens).
  'oauth-signing-key': Buffer.alloc(32, 0x5a).toString('base64'),
};

/** An access token as handler/auth/access-tokens.ts issues them: HS256, typ at+jwt. */
function accessToken() {
  const key = Buffer.from(SECRETS['oauth-signing-key'], 'base64');
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: 'tccc-cdr-receiver',
    aud: 'tccc-push',
    sub: SECRETS['oauth-client-id'],
    iat: now,
    exp: now + 3600,
  };
  const signed = `${part({ alg: 'HS256', typ: 'at+jwt' })}.${part(claims)}`;
  return `${signed}.${createHmac('sha256', key).update(signed).digest('base64url')}`;
}

function authorizationHeader() {
  if (config.auth === 'basic') {
    return `Basic ${Buffer.from(`${SECRETS['basic-username']}:${SECRETS['basic-password']}`).toString('base64')}`;
  }
  if (config.auth === 'oauth2') return `Bearer ${accessToken()}`;
  return undefined;
}

/** TCCC_* as serverless.yml sets them, secrets from SSM (the stub) or, BENCH_SECRETS=env, the environment. */
function authEnv(stubUrl) {
  const env = { TCCC_AUTH: config.auth, TCCC_ALLOW_UNAUTHENTICATED: 'false' };
  if (config.auth === 'none') return env;
  if (config.secrets === 'ssm') return { ...env, TCCC_SECRETS_PATH: SECRETS_PATH, AWS_ENDPOINT_URL_SSM: stubUrl };
  for (const [name, value] of Object.entries(SECRETS)) env[`TCCC_${name.toUpperCase().replace(/-/g, '_')}`] = value;
  return env;
}

// ---------------------------------------------------------------------------------------------
// 2. cold load: fresh processes, interleaved

/**
 * A clean environment: none of the caller's AWS settings, dummy credentials, no config files; the
 * function's environment as serverless.yml sets it; endpoints at the stub (never called at load).
 */
function benchEnv(stubUrl, extra = {}) {
  return {
    PATH: process.env.PATH ?? '',
    HOME: os.tmpdir(),
    AWS_REGION: 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-not-a-real-key',
    AWS_CONFIG_FILE: path.join(outDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(outDir, 'no-aws-credentials'),
    AWS_ENDPOINT_URL_DYNAMODB: stubUrl,
    CDR_TABLE_NAME: 'tccc-cdr-receiver-bench-cdrs',
    QUARANTINE_TABLE_NAME: 'tccc-cdr-receiver-bench-quarantine',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    ...authEnv(stubUrl),
    // The SDK warns once, at client creation, that Node 20 support ends; Lambda runs Node 22.
    NODE_NO_WARNINGS: '1',
    ...extra,
  };
}

/** The tail of a child's stderr: a minified bundle's stack trace quotes whole lines of it. */
const tail = (text) => (text.length > 1500 ? `...${text.slice(-1500)}` : text);

/**
 * The child's script, the same for all three kinds (bare: nothing to load): it prints
 * performance.now() once the bundle is loaded (ms since its process started) and how long the
 * import() itself took. The parent also times spawn to exit with process.hrtime.
 */
function coldScript(bundle) {
  // cpu: the process's CPU time (user + system) until loaded, in ms: less disturbed by other work.
  const report =
    'const c=process.cpuUsage();process.stdout.write(JSON.stringify({loaded:t1,load:t1-t0,cpu:(c.user+c.system)/1e3}))';
  if (!bundle) return `const t0=performance.now(),t1=t0;${report}`;
  return (
    `const t0=performance.now();import(${JSON.stringify(pathToFileURL(bundle).href)}).then((m)=>{` +
    `if(typeof(m.handler??m.default?.handler)!=='function')throw new Error('no handler export');` +
    `const t1=performance.now();${report}}).catch((e)=>{console.error(e);process.exit(1)})`
  );
}

function coldRun(bundle, env) {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['-e', coldScript(bundle)], { env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0 || child.error) {
    throw new Error(
      `cold load of ${bundle ?? 'nothing'} failed: ${child.error ?? `exit ${child.status}`}\n${tail(child.stderr)}`,
    );
  }
  const { loaded, load, cpu } = JSON.parse(child.stdout);
  return { wallMs, loadedMs: loaded, loadMs: load, cpuMs: cpu };
}

function coldLoad(bundles) {
  const env = benchEnv('http://127.0.0.1:9');
  const kinds = [
    ['bare', undefined],
    ['floor', bundles.floor.file],
    ['ours', bundles.ours.file],
  ];
  for (const [, bundle] of kinds) coldRun(bundle, env); // page cache, discarded
  const runs = Object.fromEntries(kinds.map(([kind]) => [kind, []]));
  for (let i = 0; i < config.coldRuns; i++) {
    // Rotate the order so that no kind always runs right after the same other one.
    for (let k = 0; k < kinds.length; k++) {
      const [kind, bundle] = kinds[(i + k) % kinds.length];
      runs[kind].push(coldRun(bundle, env));
    }
  }
  const result = {};
  for (const [kind, list] of Object.entries(runs)) {
    result[kind] = {
      wallMs: summary(list.map((r) => r.wallMs)),
      loadedMs: summary(list.map((r) => r.loadedMs)),
      loadMs: summary(list.map((r) => r.loadMs)),
      cpuMs: summary(list.map((r) => r.cpuMs)),
    };
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// 3. warm: a stub DynamoDB (and SSM) in this process, each handler in its own child

/**
 * Answers every DynamoDB JSON call at once with 200 `{}`, and SSM GetParameter / GetParameters
 * with the bench's secrets (ParameterNotFound / InvalidParameters for others), counting the
 * operations by x-amz-target.
 */
function startStub() {
  const counts = {};
  const server = http.createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const [service, operation = `(no x-amz-target: ${req.method} ${req.url})`] = target.split('.');
    counts[operation] = (counts[operation] ?? 0) + 1;
    const chunks = [];
    const ssm = service === 'AmazonSSM';
    req.on('data', (chunk) => ssm && chunks.push(chunk));
    req.on('end', () => {
      let status = 200;
      let body = '{}';
      const input = ssm ? JSON.parse(Buffer.concat(chunks).toString() || '{}') : {};
      const secretOf = (name) =>
        name?.startsWith(SECRETS_PATH) ? SECRETS[name.slice(SECRETS_PATH.length)] : undefined;
      const parameter = (name) => ({ Name: name, Type: 'SecureString', Value: secretOf(name), Version: 1 });
      if (ssm && operation === 'GetParameters') {
        // One call for several names: the unknown ones come back as InvalidParameters, as SSM does.
        const names = input.Names ?? [];
        body = JSON.stringify({
          Parameters: names.filter(secretOf).map(parameter),
          InvalidParameters: names.filter((name) => !secretOf(name)),
        });
      } else if (ssm) {
        const name = operation === 'GetParameter' ? input.Name : undefined;
        if (secretOf(name)) {
          body = JSON.stringify({ Parameter: parameter(name) });
        } else {
          status = 400;
          body = JSON.stringify({
            __type: 'ParameterNotFound',
            message: `${name ?? operation}: not in the bench stub`,
          });
        }
      }
      res.writeHead(status, {
        'content-type': ssm ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0',
        'content-length': String(Buffer.byteLength(body)),
      });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, counts, url: `http://127.0.0.1:${server.address().port}` }));
  });
}

/**
 * One warm process (bench/warm-child.mjs): loaded and warmed up once, then asked for batches of
 * timed pushes over IPC, so that the kinds' batches interleave while each keeps its own process.
 */
function startWarmChild(kind, bundle, stub, { warmup = config.warmup, env = {}, execArgv = config.warmExecArgv } = {}) {
  const authorization = authorizationHeader();
  const child = fork(path.join(root, 'bench', 'warm-child.mjs'), [bundle], {
    execArgv,
    env: benchEnv(stub.url, {
      BENCH_WARMUP: String(warmup),
      ...(authorization && { BENCH_AUTHORIZATION: authorization }),
      ...env,
    }),
    // The handler's log and metric lines go to /dev/null (still written: a real cost).
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  let pending;
  const next = (type) =>
    new Promise((resolve, reject) => {
      pending = { type, resolve, reject };
    });
  child.on('message', (message) => {
    if (pending?.type === message.type) pending.resolve(message);
  });
  const fail = (reason) => pending?.reject(new Error(`warm process "${kind}" ${reason}\n${tail(stderr)}`));
  child.on('error', (error) => fail(`failed: ${error.message}`));
  child.on('exit', (code, signal) => {
    if (code !== 0) fail(`exited: ${code ?? signal}`);
  });
  return {
    ready: next('ready'),
    batch(pushes) {
      const reply = next('batch');
      child.send({ type: 'batch', pushes });
      return reply;
    },
    /** One push of `push` ({ query, body, pushId }): its time and the log bytes it wrote. */
    sample(push) {
      const reply = next('sample');
      child.send({ type: 'sample', push });
      return reply;
    },
    /** `pushes` pushes under the CPU profiler, the profile written to `file`. */
    profile(pushes, file, intervalUs = 100) {
      const reply = next('profile');
      child.send({ type: 'profile', pushes, file, intervalUs });
      return reply;
    },
    close() {
      const reply = next('bye');
      child.send({ type: 'exit' });
      return reply;
    },
    kill: () => child.kill(),
  };
}

/** The warm kinds: each handler, and the bare HTTP round trip to the stub (see warm-child.mjs). */
const WARM_KINDS = ['floor', 'ours', 'transport'];
/** Our handler with its secrets in the environment: what reading them from SSM adds to a first push. */
const ENV_SECRETS = 'ours, secrets in env';

const DYNAMODB_OPERATION = { ours: 'PutItem', floor: 'PutItem', transport: 'PutItem', [ENV_SECRETS]: 'PutItem' };

/** Runs `work` and checks that it made exactly `pushes` writes of `kind` at the stub (and a few secret reads). */
async function expectStubCalls(stub, kind, pushes, work) {
  for (const key of Object.keys(stub.counts)) delete stub.counts[key];
  const cpuBefore = process.cpuUsage();
  const result = await work();
  const cpu = process.cpuUsage(cpuBefore);
  const { [DYNAMODB_OPERATION[kind]]: writes, GetParameter: one = 0, GetParameters: many = 0, ...other } = stub.counts;
  if (writes !== pushes || Object.keys(other).length > 0 || one + many > 10) {
    throw new Error(
      `${kind}: expected ${pushes} ${DYNAMODB_OPERATION[kind]} at the stub, got ${JSON.stringify(stub.counts)}`,
    );
  }
  return { result, stubCpuUs: cpu.user + cpu.system, operations: { ...stub.counts } };
}

async function warm(bundles, stub) {
  const collected = Object.fromEntries(
    WARM_KINDS.map((kind) => [kind, { samplesUs: [], batchMeansUs: [], cpuUs: 0, stubCpuUs: 0, starts: [] }]),
  );
  const batchPushes = Math.ceil(config.warmPushes / config.warmBatches);
  const children = [];
  try {
    for (let generation = 0; generation < config.warmProcesses; generation++) {
      // Started one after the other, so that no warm-up runs next to another kind's.
      const live = {};
      for (const kind of WARM_KINDS) {
        const child = startWarmChild(kind, kind === 'transport' ? 'transport' : bundles[kind].file, stub);
        children.push(child);
        const { result: ready } = await expectStubCalls(stub, kind, config.warmup, () => child.ready);
        collected[kind].starts.push(ready);
        live[kind] = child;
      }
      for (let batch = 0; batch < config.warmBatches; batch++) {
        // Floor and ours swap places every batch, so that neither always follows the other.
        const order = batch % 2 === 0 ? ['floor', 'ours', 'transport'] : ['ours', 'floor', 'transport'];
        for (const kind of order) {
          const { result, stubCpuUs } = await expectStubCalls(stub, kind, batchPushes, () =>
            live[kind].batch(batchPushes),
          );
          const into = collected[kind];
          into.samplesUs.push(...result.samplesUs);
          into.batchMeansUs.push(mean(result.samplesUs));
          into.cpuUs += result.cpuUs;
          into.stubCpuUs += stubCpuUs;
        }
        process.stderr.write('.');
      }
      for (const kind of WARM_KINDS) collected[kind].rssBytes = (await live[kind].close()).rssBytes;
    }
  } finally {
    for (const child of children) child.kill();
  }
  process.stderr.write('\n');
  const result = {};
  for (const [kind, data] of Object.entries(collected)) {
    const pushes = data.samplesUs.length;
    result[kind] = {
      perPushUs: summary(data.samplesUs),
      batchMeansUs: data.batchMeansUs,
      childCpuUsPerPush: data.cpuUs / pushes,
      stubCpuUsPerRequest: data.stubCpuUs / pushes,
      loadMs: summary(data.starts.map((start) => start.loadMs)),
      firstPushMs: summary(data.starts.map((start) => start.firstPushUs / 1000)),
      rssMiB: data.rssBytes / 2 ** 20,
    };
  }
  const batchRatios = result.ours.batchMeansUs.map((value, i) => value / result.floor.batchMeansUs[i]);
  result.batchRatios = { ...summary(batchRatios), min: Math.min(...batchRatios), max: Math.max(...batchRatios) };
  return result;
}

// ---------------------------------------------------------------------------------------------
// 4. the first push after a cold start: fresh processes, loaded and pushed to at once

/**
 * As on Lambda, the first invocation follows loading at once: whatever the handler started at
 * init (secrets) is still on its way. Timed: that first `await handler(event)`. With secrets in
 * SSM, ours also runs with them in the environment, to tell what SSM adds.
 */
async function firstPush(bundles, stub) {
  const viaSsm = config.auth !== 'none' && config.secrets === 'ssm';
  const kinds = ['floor', 'ours', ...(viaSsm ? [ENV_SECRETS] : [])];
  const envSecrets = Object.fromEntries(
    Object.entries(SECRETS).map(([name, value]) => [`TCCC_${name.toUpperCase().replace(/-/g, '_')}`, value]),
  );
  const runs = Object.fromEntries(kinds.map((kind) => [kind, []]));
  for (let i = 0; i < config.firstPushRuns; i++) {
    for (const kind of i % 2 === 0 ? kinds : [...kinds].reverse()) {
      const env = kind === ENV_SECRETS ? { TCCC_SECRETS_PATH: '', ...envSecrets } : {};
      const bundle = bundles[kind === ENV_SECRETS ? 'ours' : kind].file;
      const child = startWarmChild(kind, bundle, stub, { warmup: 1, execArgv: [], env });
      try {
        const { result, operations } = await expectStubCalls(stub, kind, 1, () => child.ready);
        runs[kind].push({ ...result, operations });
        await child.close();
      } finally {
        child.kill();
      }
    }
  }
  return Object.fromEntries(
    kinds.map((kind) => [
      kind,
      {
        firstPushMs: summary(runs[kind].map((run) => run.firstPushUs / 1000)),
        loadMs: summary(runs[kind].map((run) => run.loadMs)),
        firstReplyMs: summary(runs[kind].map((run) => run.firstReplyMs)),
        operations: runs[kind][0].operations,
      },
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// 5. where the warm push's CPU time goes: the V8 profiler over an unminified build

/** The mean of per-push breakdowns (equal pushes each): every figure averaged, key by key. */
function meanBreakdown(parts) {
  const meanOf = (key) => {
    const keys = new Set(parts.flatMap((part) => Object.keys(part[key])));
    return Object.fromEntries(
      [...keys]
        .map((name) => [name, parts.reduce((sum, part) => sum + (part[key][name] ?? 0), 0) / parts.length])
        .sort((a, b) => b[1] - a[1]),
    );
  };
  const average = (key) => parts.reduce((sum, part) => sum + part[key], 0) / parts.length;
  return {
    pushes: parts.reduce((sum, part) => sum + part.pushes, 0),
    totalUsPerPush: average('totalUsPerPush'),
    idleUsPerPush: average('idleUsPerPush'),
    groups: Object.fromEntries(GROUPS.map((group) => [group, meanOf('groups')[group] ?? 0])),
    origins: meanOf('origins'),
    topFunctions: Object.fromEntries(Object.entries(meanOf('topFunctions')).slice(0, 25)),
    cpuUsPerPush: average('cpuUsPerPush'),
  };
}

/**
 * Both kinds loaded side by side, then profiled in rounds that alternate between them, so that a
 * change in the machine's load weighs on both alike.
 */
async function cpuBreakdown(profBundles, stub) {
  const dir = path.join(outDir, 'prof');
  mkdirSync(dir, { recursive: true });
  const kinds = ['floor', 'ours'];
  const rounds = Math.min(config.profileRounds, config.profilePushes);
  const pushes = Math.floor(config.profilePushes / rounds);
  const children = {};
  const parts = { floor: [], ours: [] };
  try {
    for (const kind of kinds) {
      children[kind] = startWarmChild(kind, profBundles[kind].file, stub, { execArgv: [] });
      await expectStubCalls(stub, kind, config.warmup, () => children[kind].ready);
    }
    for (let round = 0; round < rounds; round++) {
      for (const kind of round % 2 === 0 ? kinds : [...kinds].reverse()) {
        const file = path.join(dir, `${kind}-${round}.cpuprofile`);
        const { result: reply } = await expectStubCalls(stub, kind, pushes, () => children[kind].profile(pushes, file));
        parts[kind].push({ ...breakdown(file, pushes), cpuUsPerPush: reply.cpuUs / pushes });
      }
    }
    for (const kind of kinds) await children[kind].close();
  } finally {
    for (const child of Object.values(children)) child.kill();
  }
  return Object.fromEntries(
    kinds.map((kind) => [kind, { ...meanBreakdown(parts[kind]), files: path.relative(root, dir) }]),
  );
}

// ---------------------------------------------------------------------------------------------
// 6. write units, log bytes and cost per push type: through DynamoDB Local

/** Every sample body under events/ and the query TCCC sends with it. */
const SAMPLES = [
  { file: 'cdr.sample.json', query: { action: 'cdr', version: '1' } },
  { file: 'record.sample.json', query: { action: 'record', version: '1' } },
  { file: 'record-caller.sample.json', query: { action: 'record', version: '1' } },
  { file: 'voicemail.sample.json', query: { action: 'voicemail' } },
  { file: 'imcdr.sample.json', query: { action: 'imcdr', version: '1' } },
  { file: 'video-cdr.sample.json', query: { action: 'videoCdr', version: '1' } },
];

function writesOf(calls) {
  const sum = (key) => calls.reduce((total, call) => total + (call[key] ?? 0), 0);
  return {
    writes: calls.length,
    conditionFailed: calls.filter((call) => call.conditionFailed).length,
    itemBytes: sum('itemBytes'),
    computedUnits: sum('computedUnits'),
    // DynamoDB Local reports units for writes that succeed, not for failed conditions.
    reportedUnits: calls.every((call) => call.reportedUnits !== undefined) ? sum('reportedUnits') : undefined,
  };
}

/**
 * Each kind against DynamoDB Local (a table of its own, behind the capacity proxy): every sample
 * pushed once (a new record), then again with the same X-TCCC-PUSH-UUID (TCCC's retry).
 */
async function capacity(bundles, stub) {
  const sampleFiles = readdirSync(path.join(root, 'events')).filter((file) => file.endsWith('.sample.json'));
  const missing = sampleFiles.filter((file) => !SAMPLES.some((sample) => sample.file === file));
  if (missing.length > 0) throw new Error(`bench/run.mjs SAMPLES lacks the query of ${missing.join(', ')}`);
  const db = await startDynamoDbLocal({ quiet: true });
  const proxy = await startCapacityProxy(db.endpoint);
  try {
    const result = {};
    for (const kind of ['floor', 'ours']) {
      const tables = await ensureLocalTables(db.endpoint, `bench-${kind}`);
      const child = startWarmChild(kind, bundles[kind].file, stub, {
        warmup: 1,
        execArgv: [],
        env: {
          AWS_ENDPOINT_URL_DYNAMODB: proxy.url,
          CDR_TABLE_NAME: tables.CdrTable,
          QUARANTINE_TABLE_NAME: tables.QuarantineTable,
          BENCH_COUNT_OUTPUT: '1',
        },
      });
      try {
        await child.ready;
        const rows = [];
        for (const sample of SAMPLES) {
          const body = readFileSync(path.join(root, 'events', sample.file), 'utf8');
          const push = { query: sample.query, body, pushId: randomUUID() };
          const atNew = proxy.calls.length;
          const first = await child.sample(push);
          const atRetry = proxy.calls.length;
          const retry = await child.sample(push);
          rows.push({
            sample: sample.file,
            action: sample.query.action,
            bodyBytes: Buffer.byteLength(body),
            new: writesOf(proxy.calls.slice(atNew, atRetry)),
            retry: writesOf(proxy.calls.slice(atRetry)),
            logBytes: first.outputBytes,
            logLines: first.outputLines,
            retryLogBytes: retry.outputBytes,
          });
        }
        result[kind] = rows;
        await child.close();
      } finally {
        child.kill();
      }
    }
    return result;
  } finally {
    proxy.close();
    await db.stop();
  }
}

/** Cost per million pushes of each sample, new records, with the warm CPU time measured. */
function costs(capacityResult, warmResult) {
  const serverless = loadYaml(readFileSync(path.join(root, 'serverless.yml'), 'utf8'));
  const memoryMb = Number(serverless?.provider?.memorySize ?? 1024);
  const of = (kind, row) =>
    costPerMillion({
      writeUnits: row.new.computedUnits,
      cpuUsPerPush: warmResult[kind].childCpuUsPerPush,
      requestsPerPush: row.new.writes,
      logBytesPerPush: row.logBytes,
      memoryMb,
      dynamoDbRoundTripMs: config.dynamoDbRoundTripMs,
    });
  return {
    memoryMb,
    prices: PRICES,
    dynamoDbRoundTripMs: config.dynamoDbRoundTripMs,
    bySample: capacityResult.ours.map((row, i) => ({
      sample: row.sample,
      ours: of('ours', row),
      floor: of('floor', capacityResult.floor[i]),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// 7. instructions per warm push, under valgrind (opt-in): a figure the machine's load hardly moves

const INSTRUCTION_BASE_PUSHES = 300;

/** Instructions (valgrind's I refs) of a process that loads `bundle`, pushes `pushes` times, exits. */
function instructionsOf(kind, bundle, stub, pushes) {
  const authorization = authorizationHeader();
  const args = ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null'];
  const child = spawn('valgrind', [...args, process.execPath, path.join(root, 'bench', 'warm-child.mjs'), bundle], {
    env: benchEnv(stub.url, {
      BENCH_WARMUP: String(pushes),
      BENCH_RUN_AND_EXIT: '1',
      BENCH_TIMER_STRETCH: '200',
      ...(authorization && { BENCH_AUTHORIZATION: authorization }),
    }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`valgrind could not run: ${error.message}`)));
    child.on('exit', (code) => {
      const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr)?.[1];
      if (code !== 0 || !refs) reject(new Error(`valgrind run of ${kind} failed: exit ${code}\n${tail(stderr)}`));
      else resolve(Number(refs.replaceAll(',', '')));
    });
  });
}

/** Per push: the difference between two runs that differ only in how many pushes they make. */
async function instructions(bundles, stub) {
  const result = {};
  await Promise.all(
    ['floor', 'ours'].map(async (kind) => {
      const few = await instructionsOf(kind, bundles[kind].file, stub, INSTRUCTION_BASE_PUSHES);
      const many = await instructionsOf(
        kind,
        bundles[kind].file,
        stub,
        INSTRUCTION_BASE_PUSHES + config.instructionPushes,
      );
      result[kind] = { perPush: (many - few) / config.instructionPushes, few, many };
    }),
  );
  return result;
}

// ---------------------------------------------------------------------------------------------
// report

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value) => `${value.toFixed(1)} ms`;
const us = (value) => `${value.toFixed(0)} µs`;
const times = (value) => `x${value.toFixed(2)}`;
const signed = (text, value) => (value >= 0 ? `+${text}` : text);
const verdict = (pass) => (pass ? 'PASS' : 'FAIL');

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c] ?? '').length)));
  const line = (row) =>
    widths
      .map((width, c) => String(row[c] ?? '').padEnd(width))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** Output bytes loaded at cold start by origin, ours next to floor, largest differences first. */
function sizeByOrigin(bundles) {
  const origins = new Set([...Object.keys(bundles.ours.byOrigin), ...Object.keys(bundles.floor.byOrigin)]);
  return [...origins]
    .map((origin) => {
      const ours = bundles.ours.byOrigin[origin] ?? 0;
      const floor = bundles.floor.byOrigin[origin] ?? 0;
      return { origin, ours, floor, delta: ours - floor };
    })
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || b.ours - a.ours);
}

function evaluate(bundles, cold, first, warmResult) {
  const targets = {
    size: {
      measure: 'ours - floor, bytes loaded at cold start',
      value: bundles.ours.initBytes - bundles.floor.initBytes,
      target: TARGETS.sizeDeltaBytes,
    },
    cold: {
      measure: 'ours - floor, start->loaded p50 ms',
      value: cold.ours.loadedMs.p50 - cold.floor.loadedMs.p50,
      target: TARGETS.coldDeltaMs,
    },
    firstPush: {
      measure: 'ours - floor, first push after loading, p50 ms',
      value: first.ours.firstPushMs.p50 - first.floor.firstPushMs.p50,
      target: TARGETS.firstPushDeltaMs,
    },
    warm: {
      measure: 'ours / floor, mean µs per push',
      value: warmResult.ours.perPushUs.mean / warmResult.floor.perPushUs.mean,
      target: TARGETS.warmRatio,
      aim: TARGETS.warmRatioAim,
    },
  };
  for (const entry of Object.values(targets)) entry.pass = entry.value <= entry.target;
  return targets;
}

/** The CPU breakdown, ours next to the floor, per push: the table of ../shared/perf-profile.md. */
function breakdownLines(profiles) {
  const { ours, floor } = profiles;
  const rows = GROUPS.map((group) => [
    group,
    us(ours.groups[group]),
    us(floor.groups[group]),
    signed(us(ours.groups[group] - floor.groups[group]), ours.groups[group] - floor.groups[group]),
  ]);
  rows.push([
    'total (profiled CPU)',
    us(ours.totalUsPerPush),
    us(floor.totalUsPerPush),
    `${signed(us(ours.totalUsPerPush - floor.totalUsPerPush), 1)} (${times(ours.totalUsPerPush / floor.totalUsPerPush)})`,
  ]);
  const origins = new Set([...Object.keys(ours.origins), ...Object.keys(floor.origins)]);
  const differences = [...origins]
    .map((origin) => ({ origin, delta: (ours.origins[origin] ?? 0) - (floor.origins[origin] ?? 0) }))
    .filter(({ delta }) => Math.abs(delta) >= 5)
    .sort((a, b) => b.delta - a.delta)
    .slice(0, 14);
  const handlerOrigins = Object.entries(ours.origins).filter(([origin]) => origin.startsWith('handler/'));
  return [
    `CPU per warm push by package (self time, V8 profiler, ${ours.pushes} pushes per kind of an unminified build,`,
    'idle time left out; profiling inflates every figure alike, the differences are what matters):',
    table([['', 'ours', 'floor', 'ours - floor'], ...rows]),
    `  handler/ of ours: ${handlerOrigins.map(([origin, value]) => `${origin.slice(8) || origin} ${us(value)}`).join(', ')}`,
    `  largest differences by origin: ${differences.map(({ origin, delta }) => `${origin} ${signed(us(delta), delta)}`).join(', ')}`,
    `  ours, top self times: ${Object.entries(ours.topFunctions)
      .slice(0, 10)
      .map(([name, value]) => `${name} ${us(value)}`)
      .join('; ')}`,
  ];
}

function capacityLines(capacityResult, costResult) {
  const units = (writes) =>
    `${writes.computedUnits}${writes.reportedUnits === undefined ? '' : ` (${writes.reportedUnits})`}`;
  const rows = capacityResult.ours.map((row, i) => {
    const floor = capacityResult.floor[i];
    const cost = costResult.bySample[i];
    return [
      row.sample.replace('.sample.json', ''),
      row.action,
      `${row.bodyBytes} B`,
      `${row.new.itemBytes} B`,
      `${row.new.writes} / ${units(row.new)}`,
      `${row.retry.writes} / ${units(row.retry)}${row.retry.conditionFailed ? ' cond. failed' : ''}`,
      units(floor.new),
      `${row.logBytes} B / ${row.logLines}`,
      `$${cost.ours.total.toFixed(2)}`,
      `$${cost.floor.total.toFixed(2)}`,
    ];
  });
  const video = costResult.bySample.find((entry) => entry.sample === 'video-cdr.sample.json') ?? costResult.bySample[0];
  const parts = (cost) =>
    Object.entries(cost.parts)
      .map(([name, value]) => `${name} $${value.toFixed(3)}`)
      .join(' + ');
  const { prices } = costResult;
  return [
    'Write units and cost per push type (through DynamoDB Local; WRU computed from item sizes, DynamoDB',
    "Local's ReturnConsumedCapacity in brackets where it reports one; a retry's failed condition is charged too):",
    table([
      [
        'sample',
        'action',
        'body',
        'item',
        'new: writes / WRU',
        'retry: writes / WRU',
        'floor WRU',
        'log bytes / lines',
        'ours $/M',
        'floor $/M',
      ],
      ...rows,
    ]),
    `  cost per million new pushes, ${prices.region} list prices: DynamoDB on-demand $${(prices.dynamoDbWriteUnit * 1e6).toFixed(3)}/M WRU, ` +
      `Lambda arm64 $${prices.lambdaGbSecond}/GB-s + $${(prices.lambdaRequest * 1e6).toFixed(2)}/M requests, ` +
      `HTTP API $${(prices.httpApiRequest * 1e6).toFixed(2)}/M, CloudWatch Logs ingestion $${prices.logsIngestedGb}/GB.`,
    `  Lambda duration modelled: the CPU per push measured here (warm) / (${costResult.memoryMb} MB / 1769 MB of a vCPU) + ` +
      `${costResult.dynamoDbRoundTripMs} ms per DynamoDB request, rounded up to 1 ms; logs: the lines the handler writes + ~240 B of START/END/REPORT.`,
    `  video CDR, ours: ${video.ours.durationMs} ms billed, ${parts(video.ours)}`,
    `  video CDR, floor: ${video.floor.durationMs} ms billed, ${parts(video.floor)}`,
  ];
}

/** For each target missed: what the measurements say about why. */
function whyLines(targets, bundles, byOrigin, cold, first, profiles, instructionCounts) {
  const lines = [];
  if (!targets.size.pass) {
    const top = byOrigin
      .filter((entry) => entry.delta > 0)
      .slice(0, 6)
      .map((entry) => `${entry.origin} ${signed(kb(entry.delta), entry.delta)}`);
    lines.push(`size FAIL: the bytes beyond the floor are ${top.join(', ')}.`);
  }
  if (!targets.cold.pass) {
    const cpu = cold.ours.cpuMs.p50 - cold.floor.cpuMs.p50;
    lines.push(
      `cold FAIL: ours loads ${kb(bundles.ours.initBytes - bundles.floor.initBytes)} more; its CPU to loaded is ` +
        `${signed(ms(cpu), cpu)} (p50) beyond the floor's: a wall-clock gap much larger than that is the machine's load.`,
    );
  }
  if (!targets.firstPush.pass) {
    const envSecrets = first[ENV_SECRETS];
    const ssm = envSecrets ? first.ours.firstPushMs.p50 - envSecrets.firstPushMs.p50 : undefined;
    const rest = (envSecrets ?? first.ours).firstPushMs.p50 - first.floor.firstPushMs.p50;
    lines.push(
      'first push FAIL: ' +
        (ssm === undefined
          ? ''
          : `reading the secrets from SSM adds ${signed(ms(ssm), ssm)} (p50; the SSM chunk, its client and first ` +
            `request: ${JSON.stringify(first.ours.operations)}); `) +
        `with the secrets at hand, ours' first push is ${signed(ms(rest), rest)} beyond the floor's (its push ` +
        "type's validator chunk, and its own code and Powertools run for the first time).",
    );
  }
  if (!targets.warm.pass) {
    const extra = profiles
      ? GROUPS.map((group) => [group, profiles.ours.groups[group] - profiles.floor.groups[group]])
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([group, value]) => `${group} ${signed(us(value), value)}`)
      : [];
    const profiled = profiles
      ? `per push, ours spends beyond the floor: ${extra.join(', ')} (CPU breakdown above).`
      : '';
    const counted = instructionCounts
      ? ` Under valgrind ours runs ${times(instructionCounts.ours.perPush / instructionCounts.floor.perPush)} the floor's instructions per push.`
      : '';
    if (profiled || counted) lines.push(`warm FAIL: ${profiled}${counted}`);
  }
  return lines;
}

/** The console report: the figures of `results`, as written to results.json. */
function report(results) {
  const { size: bundles, cold, firstPush: first, warm: warmResult, cpuBreakdown: profiles } = results;
  const { capacity: capacityResult, cost: costResult, instructions: instructionCounts, targets, esbuild } = results;
  const { byOrigin } = bundles;
  const loadAverage = results.machine.loadAverage1m;
  const { ours, floor, transport } = warmResult;
  const coldRow = (label, metric, key, target, pass) => [
    label,
    ms(cold.ours[metric][key]),
    ms(cold.floor[metric][key]),
    ms(cold.bare[metric][key]),
    signed(ms(cold.ours[metric][key] - cold.floor[metric][key]), cold.ours[metric][key] - cold.floor[metric][key]),
    target,
    pass,
  ];
  const firstRow = (label, key, target, pass) => [
    label,
    ms(first.ours.firstPushMs[key]),
    ms(first.floor.firstPushMs[key]),
    '',
    signed(
      ms(first.ours.firstPushMs[key] - first.floor.firstPushMs[key]),
      first.ours.firstPushMs[key] - first.floor.firstPushMs[key],
    ),
    target,
    pass,
  ];
  const warmRow = (label, key, target, pass) => [
    label,
    us(ours.perPushUs[key]),
    us(floor.perPushUs[key]),
    us(transport.perPushUs[key]),
    times(ours.perPushUs[key] / floor.perPushUs[key]),
    target,
    pass,
  ];
  const sizeRow = (label, key, target, pass) => {
    const delta = bundles.ours[key] - bundles.floor[key];
    return [label, kb(bundles.ours[key]), kb(bundles.floor[key]), '', signed(kb(delta), delta), target, pass];
  };
  const aboveTransport = (kind) => warmResult[kind].perPushUs.mean - transport.perPushUs.mean;
  const rows = [
    ['', 'ours', 'floor', 'baseline*', 'ours vs floor', 'target', ''],
    sizeRow('size: loaded at cold start', 'initBytes', '<= +60 KB', verdict(targets.size.pass)),
    sizeRow('      all output files', 'totalBytes', '(info)'),
    coldRow('cold: start->loaded p50', 'loadedMs', 'p50', '<= +5 ms', verdict(targets.cold.pass)),
    coldRow('      start->loaded p90', 'loadedMs', 'p90'),
    coldRow('      CPU to loaded p50', 'cpuMs', 'p50', '(info)'),
    coldRow('      spawn->exit p50', 'wallMs', 'p50', '(info)'),
    coldRow('      import() alone p50', 'loadMs', 'p50'),
    firstRow('first push after loading p50', 'p50', '<= +10 ms', verdict(targets.firstPush.pass)),
    firstRow('      mean', 'mean'),
    firstRow('      p90', 'p90'),
    ...(first[ENV_SECRETS]
      ? [
          [
            '      p50, ours: secrets in env',
            ms(first[ENV_SECRETS].firstPushMs.p50),
            ms(first.floor.firstPushMs.p50),
            '',
            signed(
              ms(first[ENV_SECRETS].firstPushMs.p50 - first.floor.firstPushMs.p50),
              first[ENV_SECRETS].firstPushMs.p50 - first.floor.firstPushMs.p50,
            ),
            '(info)',
          ],
        ]
      : []),
    [
      '      start->first reply p50',
      ms(first.ours.firstReplyMs.p50),
      ms(first.floor.firstReplyMs.p50),
      '',
      signed(
        ms(first.ours.firstReplyMs.p50 - first.floor.firstReplyMs.p50),
        first.ours.firstReplyMs.p50 - first.floor.firstReplyMs.p50,
      ),
      '(info)',
    ],
    warmRow('warm: per push mean', 'mean', '<= x1.10 (aim x1.05)', verdict(targets.warm.pass)),
    warmRow('      per push p50', 'p50'),
    warmRow('      per push p99', 'p99'),
    [
      '      mean above transport',
      us(aboveTransport('ours')),
      us(aboveTransport('floor')),
      '',
      times(aboveTransport('ours') / aboveTransport('floor')),
      '(info)',
    ],
    [
      '      child CPU per push',
      us(ours.childCpuUsPerPush),
      us(floor.childCpuUsPerPush),
      us(transport.childCpuUsPerPush),
      times(ours.childCpuUsPerPush / floor.childCpuUsPerPush),
      '(info)',
    ],
    ...(instructionCounts
      ? [
          [
            '      instructions per push',
            `${(instructionCounts.ours.perPush / 1e6).toFixed(2)} M`,
            `${(instructionCounts.floor.perPush / 1e6).toFixed(2)} M`,
            '',
            times(instructionCounts.ours.perPush / instructionCounts.floor.perPush),
            '(info, valgrind)',
          ],
        ]
      : []),
    [
      '      stub CPU per request',
      us(ours.stubCpuUsPerRequest),
      us(floor.stubCpuUsPerRequest),
      us(transport.stubCpuUsPerRequest),
      '',
      '(info)',
    ],
  ];
  const cpu = os.cpus();
  const { batchRatios } = warmResult;
  const esbuildSummary = Object.entries(esbuild)
    .filter(([key]) => key !== 'banner')
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(' ');
  const why = whyLines(targets, bundles, byOrigin, cold, first, profiles, instructionCounts);
  const lines = [
    '',
    `tccc-cdr-receiver bench: node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? '?'}, ${os.platform()}/${os.arch()}, ` +
      `1-min load average ${loadAverage.start} before, ${loadAverage.end} after (this bench adds ~1.5; more means other work)`,
    `esbuild (serverless.yml custom.esbuild): ${esbuildSummary}${esbuild.banner ? ' banner=(set)' : ''}`,
    `auth: TCCC_AUTH=${config.auth}${config.auth === 'none' ? '' : `, secrets from ${config.secrets === 'ssm' ? 'SSM (the stub)' : 'the environment'}`}. ` +
      `cold: ${config.coldRuns} fresh processes per kind, interleaved. first push: ${config.firstPushRuns} fresh processes per kind. ` +
      `warm: per kind ${config.warmProcesses} process(es) x ${config.warmPushes} pushes after ${config.warmup} warm-up pushes, ` +
      `sequential awaits, in ${config.warmBatches} batches interleaved across kinds; stub DynamoDB (200 {}) on 127.0.0.1 in this process.`,
    '',
    table(rows),
    '',
    '* baseline: cold = the same child script loading nothing (bare node); warm = "transport", a child that',
    '  only POSTs the body to the stub over a keep-alive agent (the HTTP round trip any handler pays).',
    'start->loaded is measured inside the child: performance.now() (ms since its process started) when',
    "import(bundle) resolved; the cold target is judged on it. CPU to loaded: the child's process.cpuUsage() then.",
    "spawn->exit is the parent's process.hrtime around spawnSync. first push: the first invocation right after",
    'loading, in fresh processes (with SSM secrets: whatever the handler started at init is still on its way).',
    'The warm target is judged on the mean per push. Every reply was 200 / ErrCode 0, and the stub saw one',
    'PutItem per push and nothing else but secret reads.',
    `ours/floor by batch (paired batches, ${batchRatios.n}): median ${times(batchRatios.p50)}, ` +
      `min ${times(batchRatios.min)}, max ${times(batchRatios.max)}; a wide spread means the machine was busy.`,
    `secret reads at the stub by ours' first push: ${JSON.stringify(first.ours.operations)}`,
    '',
    `bytes loaded at cold start by origin, largest differences first (ours: ${bundles.ours.initFiles.length} file(s) ` +
      `of ${bundles.ours.files.length}; floor: ${bundles.floor.initFiles.length} of ${bundles.floor.files.length}):`,
    table([
      ['origin', 'ours', 'floor', 'ours - floor'],
      ...byOrigin
        .filter((entry) => entry.delta !== 0)
        .slice(0, 10)
        .map((entry) => [entry.origin, kb(entry.ours), kb(entry.floor), signed(kb(entry.delta), entry.delta)]),
    ]),
    ...(profiles ? ['', ...breakdownLines(profiles)] : []),
    ...(capacityResult ? ['', ...capacityLines(capacityResult, costResult)] : []),
    ...(why.length > 0 ? ['', ...why] : []),
    '',
    `targets: size ${verdict(targets.size.pass)}, cold ${verdict(targets.cold.pass)}, first push ` +
      `${verdict(targets.firstPush.pass)}, warm ${verdict(targets.warm.pass)}. Written to ` +
      `${path.relative(root, path.join(outDir, 'results.json'))}`,
  ];
  console.log(lines.join('\n'));
}

// ---------------------------------------------------------------------------------------------

const generated = path.join(root, 'handler', 'push-types', 'generated');
if (!existsSync(generated)) {
  throw new Error(`${path.relative(root, generated)} is missing: run \`npm run codegen\` first`);
}

const startedAt = Date.now();
const loadAverage = { start: os.loadavg()[0].toFixed(2) };
process.stderr.write('bundling... ');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const esbuild = esbuildOptions();
const bundles = await bundleAll(esbuild);
// The same build unminified, for the profiler: esbuild's module comments name each line's package.
const profBundles = config.profilePushes > 0 ? await bundleAll({ ...esbuild, minify: false }, 'prof-') : undefined;
process.stderr.write(`cold load (${config.coldRuns} x 3 processes)... `);
const cold = coldLoad(bundles);
const stub = await startStub();
let first;
let warmResult;
let profiles;
let capacityResult;
let instructionCounts;
try {
  process.stderr.write(`first push (${config.firstPushRuns} x 2 processes)... `);
  first = await firstPush(bundles, stub);
  process.stderr.write(`warm (${config.warmProcesses} x ${WARM_KINDS.length} processes) `);
  warmResult = await warm(bundles, stub);
  if (profBundles) {
    process.stderr.write(`CPU profile (${config.profilePushes} pushes x 2)... `);
    profiles = await cpuBreakdown(profBundles, stub);
  }
  if (config.capacity === 'local') {
    process.stderr.write('write units (DynamoDB Local)... ');
    capacityResult = await capacity(bundles, stub);
  }
  if (config.instructions) {
    process.stderr.write('instructions (valgrind, minutes)...');
    instructionCounts = await instructions(bundles, stub);
  }
  process.stderr.write('\n');
} finally {
  stub.server.closeAllConnections?.();
  stub.server.close();
}
const costResult = capacityResult && costs(capacityResult, warmResult);

loadAverage.end = os.loadavg()[0].toFixed(2);
const relative = (bundle) => ({
  ...bundle,
  file: path.relative(root, bundle.file),
});
const results = {
  date: new Date().toISOString(),
  durationS: (Date.now() - startedAt) / 1000,
  machine: {
    node: process.version,
    platform: `${os.platform()}/${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadAverage1m: loadAverage,
  },
  config,
  esbuild,
  targets: evaluate(bundles, cold, first, warmResult),
  size: { ours: relative(bundles.ours), floor: relative(bundles.floor), byOrigin: sizeByOrigin(bundles) },
  cold,
  firstPush: first,
  warm: warmResult,
  cpuBreakdown: profiles,
  capacity: capacityResult,
  cost: costResult,
  instructions: instructionCounts,
};
report(results);
writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
