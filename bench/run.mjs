#!/usr/bin/env node
// `npm run bench`: our push handler next to a "floor" handler (bench/floor-handler.ts: JSON.parse,
// one PutItem, the envelope) in one run: bundle size, cold load, warm time per push.
// See bench/README.md. Exits 0 when it could measure, whatever the figures; non-zero on errors.
import { fork, spawnSync } from 'node:child_process';
import { createHmac, hkdfSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { load as loadYaml } from 'js-yaml';

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
};

const TARGETS = {
  sizeDeltaBytes: 60 * 1024,
  coldDeltaMs: 15,
  warmRatio: 1.3,
};

const KINDS = {
  ours: path.join('handler', 'push.ts'),
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

async function bundleAll(options) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const bundles = {};
  for (const [kind, entry] of Object.entries(KINDS)) {
    const result = await build({
      ...options,
      absWorkingDir: root,
      entryPoints: [entry],
      outdir: path.join(outDir, kind),
      metafile: true,
      logLevel: 'error',
    });
    writeFileSync(path.join(outDir, `${kind}.meta.json`), JSON.stringify(result.metafile));
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
  // oauth-signing-key: not set, so the handler derives its key from the client secret.
};

/** An access token as handler/auth/access-tokens.ts issues them: HS256, typ at+jwt. */
function accessToken() {
  const key = Buffer.from(
    hkdfSync('sha256', SECRETS['oauth-client-secret'], 'tccc-cdr-receiver', 'oauth2 access token signing', 32),
  );
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
  const report = 'process.stdout.write(JSON.stringify({loaded:t1,load:t1-t0}))';
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
  const { loaded, load } = JSON.parse(child.stdout);
  return { wallMs, loadedMs: loaded, loadMs: load };
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
    };
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// 3. warm: a stub DynamoDB (and SSM) in this process, each handler in its own child

/**
 * Answers every DynamoDB JSON call at once with 200 `{}`, and SSM GetParameter with the bench's
 * secrets (ParameterNotFound for others), counting the operations by x-amz-target.
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
      if (ssm) {
        const name = operation === 'GetParameter' ? JSON.parse(Buffer.concat(chunks).toString()).Name : undefined;
        const value = name?.startsWith(SECRETS_PATH) ? SECRETS[name.slice(SECRETS_PATH.length)] : undefined;
        if (value) {
          body = JSON.stringify({ Parameter: { Name: name, Type: 'SecureString', Value: value, Version: 1 } });
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
function startWarmChild(kind, bundle, stub) {
  const authorization = authorizationHeader();
  const child = fork(path.join(root, 'bench', 'warm-child.mjs'), [bundle], {
    execArgv: config.warmExecArgv,
    env: benchEnv(stub.url, {
      BENCH_WARMUP: String(config.warmup),
      ...(authorization && { BENCH_AUTHORIZATION: authorization }),
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
const DYNAMODB_OPERATION = { ours: 'PutItem', floor: 'PutItem', transport: 'PutItem' };

/** Runs `work` and checks that it made exactly `pushes` writes of `kind` at the stub (and a few secret reads). */
async function expectStubCalls(stub, kind, pushes, work) {
  for (const key of Object.keys(stub.counts)) delete stub.counts[key];
  const cpuBefore = process.cpuUsage();
  const result = await work();
  const cpu = process.cpuUsage(cpuBefore);
  const { [DYNAMODB_OPERATION[kind]]: writes, GetParameter: secretReads = 0, ...other } = stub.counts;
  if (writes !== pushes || Object.keys(other).length > 0 || secretReads > 10) {
    throw new Error(
      `${kind}: expected ${pushes} ${DYNAMODB_OPERATION[kind]} at the stub, got ${JSON.stringify(stub.counts)}`,
    );
  }
  return { result, stubCpuUs: cpu.user + cpu.system, operations: { ...stub.counts } };
}

async function warm(bundles) {
  const stub = await startStub();
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
    stub.server.closeAllConnections?.();
    stub.server.close();
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

function evaluate(bundles, cold, warmResult) {
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
    warm: {
      measure: 'ours / floor, mean µs per push',
      value: warmResult.ours.perPushUs.mean / warmResult.floor.perPushUs.mean,
      target: TARGETS.warmRatio,
    },
  };
  for (const entry of Object.values(targets)) entry.pass = entry.value <= entry.target;
  return targets;
}

function report(bundles, cold, warmResult, targets, byOrigin, esbuild, loadAverage) {
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
  const warmRow = (label, key, target, pass) => [
    label,
    us(ours.perPushUs[key]),
    us(floor.perPushUs[key]),
    us(transport.perPushUs[key]),
    times(ours.perPushUs[key] / floor.perPushUs[key]),
    target,
    pass,
  ];
  const sizeDelta = (key) => bundles.ours[key] - bundles.floor[key];
  const aboveTransport = (kind) => warmResult[kind].perPushUs.mean - transport.perPushUs.mean;
  const rows = [
    ['', 'ours', 'floor', 'baseline*', 'ours vs floor', 'target', ''],
    [
      'size: loaded at cold start',
      kb(bundles.ours.initBytes),
      kb(bundles.floor.initBytes),
      '',
      signed(kb(sizeDelta('initBytes')), sizeDelta('initBytes')),
      '<= +60 KB',
      verdict(targets.size.pass),
    ],
    [
      '      all output files',
      kb(bundles.ours.totalBytes),
      kb(bundles.floor.totalBytes),
      '',
      signed(kb(sizeDelta('totalBytes')), sizeDelta('totalBytes')),
      '(info)',
    ],
    coldRow('cold: start->loaded p50', 'loadedMs', 'p50', '<= +15 ms', verdict(targets.cold.pass)),
    coldRow('      start->loaded p90', 'loadedMs', 'p90'),
    coldRow('      spawn->exit p50', 'wallMs', 'p50', '(info)'),
    coldRow('      spawn->exit p90', 'wallMs', 'p90'),
    coldRow('      import() alone p50', 'loadMs', 'p50'),
    [
      '      first push, mean',
      ms(ours.firstPushMs.mean),
      ms(floor.firstPushMs.mean),
      ms(transport.firstPushMs.mean),
      signed(ms(ours.firstPushMs.mean - floor.firstPushMs.mean), ours.firstPushMs.mean - floor.firstPushMs.mean),
      '(info)',
    ],
    warmRow('warm: per push mean', 'mean', '<= x1.30', verdict(targets.warm.pass)),
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
  const lines = [
    '',
    `tccc-cdr-receiver bench: node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? '?'}, ${os.platform()}/${os.arch()}, ` +
      `1-min load average ${loadAverage.start} before, ${loadAverage.end} after (this bench adds ~1.5; more means other work)`,
    `esbuild (serverless.yml custom.esbuild): ${esbuildSummary}${esbuild.banner ? ' banner=(set)' : ''}`,
    `auth: TCCC_AUTH=${config.auth}${config.auth === 'none' ? '' : `, secrets from ${config.secrets === 'ssm' ? 'SSM (the stub)' : 'the environment'}`}. ` +
      `cold: ${config.coldRuns} fresh processes per kind, interleaved. warm: per kind ${config.warmProcesses} ` +
      `process(es) x ${config.warmPushes} pushes after ${config.warmup} warm-up pushes, sequential awaits, in ` +
      `${config.warmBatches} batches interleaved across kinds; stub DynamoDB (200 {}) on 127.0.0.1 in this process.`,
    '',
    table(rows),
    '',
    '* baseline: cold = the same child script loading nothing (bare node); warm = "transport", a child that',
    '  only POSTs the body to the stub over a keep-alive agent (the HTTP round trip any handler pays).',
    'start->loaded is measured inside the child: performance.now() (ms since its process started) when',
    "import(bundle) resolved; the cold target is judged on it. spawn->exit is the parent's process.hrtime",
    'around spawnSync (adds fork/exec and teardown). first push: the first invocation after loading.',
    'The warm target is judged on the mean per push. Every reply was 200 / ErrCode 0, and the stub saw one',
    'write per push (ours: TransactWriteItems; floor, transport: PutItem) and nothing else but secret reads.',
    `ours/floor by batch (paired batches, ${batchRatios.n}): median ${times(batchRatios.p50)}, ` +
      `min ${times(batchRatios.min)}, max ${times(batchRatios.max)}; a wide spread means the machine was busy.`,
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
    '',
    `targets: size ${verdict(targets.size.pass)}, cold ${verdict(targets.cold.pass)}, warm ` +
      `${verdict(targets.warm.pass)}. Written to ${path.relative(root, path.join(outDir, 'results.json'))}`,
  ];
  console.log(lines.join('\n'));
}

// ---------------------------------------------------------------------------------------------

const generated = path.join(root, 'handler', 'decode', 'generated');
if (!existsSync(generated)) {
  throw new Error(`${path.relative(root, generated)} is missing: run \`npm run codegen\` first`);
}

const startedAt = Date.now();
const loadAverage = { start: os.loadavg()[0].toFixed(2) };
process.stderr.write('bundling... ');
const esbuild = esbuildOptions();
const bundles = await bundleAll(esbuild);
process.stderr.write(`cold load (${config.coldRuns} x 3 processes)... `);
const cold = coldLoad(bundles);
process.stderr.write(`warm (${config.warmProcesses} x ${WARM_KINDS.length} processes) `);
const warmResult = await warm(bundles);

loadAverage.end = os.loadavg()[0].toFixed(2);
const targets = evaluate(bundles, cold, warmResult);
const byOrigin = sizeByOrigin(bundles);
report(bundles, cold, warmResult, targets, byOrigin, esbuild, loadAverage);

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
  targets,
  size: { ours: relative(bundles.ours), floor: relative(bundles.floor), byOrigin },
  cold,
  warm: warmResult,
};
writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
