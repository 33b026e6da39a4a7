#!/usr/bin/env node
// `npm run bench`: our push handler next to a "floor" handler (bench/floor-handler.ts: JSON.parse,
// one PutItem, the envelope) in one run: bundle size, cold load, warm time per push.
// See bench/README.md. Exits 0 when it could measure, whatever the figures; non-zero on errors.
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'bench', 'out');

function intEnv(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name}=${raw}: expected an integer >= ${min}`);
  return value;
}

const config = {
  coldRuns: intEnv('BENCH_COLD_RUNS', 20, 1),
  warmPushes: intEnv('BENCH_WARM_PUSHES', 5000, 1),
  warmup: intEnv('BENCH_WARMUP', 500, 0),
  warmRounds: intEnv('BENCH_WARM_ROUNDS', 2, 1),
};

const TARGETS = {
  sizeDeltaBytes: 60 * 1024,
  coldDeltaMs: 15,
  warmRatio: 1.3,
};

const KINDS = {
  ours: { label: 'ours (handler/push.ts)', entry: path.join(root, 'handler', 'push.ts') },
  floor: { label: 'floor (bench/floor-handler.ts)', entry: path.join(root, 'bench', 'floor-handler.ts') },
};

// ---------------------------------------------------------------------------------------------
// statistics

const sorted = (values) => Float64Array.from(values).sort();
/** Nearest-rank percentile of an ascending array. */
const percentile = (asc, p) => asc[Math.min(asc.length - 1, Math.max(0, Math.ceil((p / 100) * asc.length) - 1))];
const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;
function summary(values) {
  const asc = sorted(values);
  return { n: asc.length, mean: mean(asc), p50: percentile(asc, 50), p90: percentile(asc, 90), p99: percentile(asc, 99) };
}

// ---------------------------------------------------------------------------------------------
// 1. bundles, with serverless.yml's custom.esbuild options

/** serverless.yml custom.esbuild: bundle, minify, no sourcemap, target node22, platform node, cjs. */
const ESBUILD_OPTIONS = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: 'node22',
  platform: 'node',
  format: 'cjs',
};

/** Bytes of the output by where they came from: a package under node_modules, or our own source. */
function bytesByOrigin(metafile) {
  const out = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const origin = match ? match[1] : input.split('/').slice(0, 2).join('/');
      out[origin] = (out[origin] ?? 0) + bytesInOutput;
    }
  }
  return out;
}

async function bundleAll() {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const bundles = {};
  for (const [kind, { entry }] of Object.entries(KINDS)) {
    const outfile = path.join(outDir, `${kind}.js`);
    const result = await build({
      ...ESBUILD_OPTIONS,
      absWorkingDir: root,
      entryPoints: [entry],
      outfile,
      metafile: true,
      logLevel: 'error',
    });
    writeFileSync(path.join(outDir, `${kind}.meta.json`), JSON.stringify(result.metafile));
    bundles[kind] = { file: outfile, bytes: statSync(outfile).size, byOrigin: bytesByOrigin(result.metafile) };
  }
  return bundles;
}

// ---------------------------------------------------------------------------------------------
// 2. cold load: fresh processes, interleaved

/** An environment with nothing of the caller's AWS settings: the dummies below, no config files. */
function benchEnv(extra = {}) {
  return {
    PATH: process.env.PATH ?? '',
    HOME: os.tmpdir(),
    AWS_REGION: 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-not-a-real-key',
    AWS_CONFIG_FILE: path.join(outDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(outDir, 'no-aws-credentials'),
    CDR_TABLE_NAME: 'tccc-cdr-receiver-bench-cdrs',
    ...extra,
  };
}

/**
 * The child's script, the same for all three kinds (bare: nothing to require): it prints
 * performance.now() when loaded (ms since the process's time origin, i.e. its start) and how long
 * the require itself took. The parent also times spawn to exit with process.hrtime.
 */
function coldScript(bundle) {
  const load = bundle
    ? `const t0=performance.now();const m=require(${JSON.stringify(bundle)});` +
      `if(typeof m.handler!=='function')throw new Error('no handler');const t1=performance.now();`
    : 'const t0=performance.now(),t1=t0;';
  return `${load}process.stdout.write(JSON.stringify({loaded:t1,require:t1-t0}))`;
}

function coldRun(bundle) {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['-e', coldScript(bundle)], { env: benchEnv(), encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0 || child.error) {
    throw new Error(`cold run (${bundle ?? 'bare'}) failed: ${child.error ?? `exit ${child.status}`}\n${child.stderr}`);
  }
  const { loaded, require } = JSON.parse(child.stdout);
  return { wallMs, loadedMs: loaded, requireMs: require };
}

function coldLoad(bundles) {
  const kinds = [
    ['bare', undefined],
    ['floor', bundles.floor.file],
    ['ours', bundles.ours.file],
  ];
  for (const [, bundle] of kinds) coldRun(bundle); // page cache, discarded
  const runs = Object.fromEntries(kinds.map(([kind]) => [kind, []]));
  for (let i = 0; i < config.coldRuns; i++) {
    // Rotate the order so that no kind always runs right after the same other one.
    for (let k = 0; k < kinds.length; k++) {
      const [kind, bundle] = kinds[(i + k) % kinds.length];
      runs[kind].push(coldRun(bundle));
    }
  }
  const result = {};
  for (const [kind, list] of Object.entries(runs)) {
    result[kind] = {
      wallMs: summary(list.map((r) => r.wallMs)),
      loadedMs: summary(list.map((r) => r.loadedMs)),
      requireMs: summary(list.map((r) => r.requireMs)),
    };
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// 3. warm: a stub DynamoDB in this process, each handler in its own child

/** Answers every DynamoDB JSON call at once with 200 `{}`, counting the operations. */
function startStub() {
  const counts = {};
  const server = http.createServer((req, res) => {
    const target = req.headers['x-amz-target'] ?? '';
    const operation = String(target).split('.').pop() || `(no x-amz-target: ${req.method} ${req.url})`;
    counts[operation] = (counts[operation] ?? 0) + 1;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': '2' });
      res.end('{}');
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, counts, port: server.address().port }));
  });
}

function warmChild(bundle, stub) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(root, 'bench', 'warm-child.mjs'), [bundle], {
      env: benchEnv({
        AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${stub.port}`,
        BENCH_WARM_PUSHES: String(config.warmPushes),
        BENCH_WARMUP: String(config.warmup),
      }),
      // The handler's log lines go to /dev/null (still written: a real cost); errors show.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let message;
    child.on('message', (m) => {
      message = m;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && message) resolve(message);
      else reject(new Error(`warm child for ${path.basename(bundle)} failed: exit ${code ?? signal}`));
    });
  });
}

async function warm(bundles) {
  const stub = await startStub();
  const rounds = { ours: [], floor: [] };
  try {
    for (let round = 0; round < config.warmRounds; round++) {
      // Alternate which goes first, so neither always runs on a machine the other just heated.
      const order = round % 2 === 0 ? ['floor', 'ours'] : ['ours', 'floor'];
      for (const kind of order) {
        for (const key of Object.keys(stub.counts)) delete stub.counts[key];
        const stubCpuBefore = process.cpuUsage();
        const result = await warmChild(bundles[kind].file, stub);
        const stubCpu = process.cpuUsage(stubCpuBefore);
        const requests = Object.values(stub.counts).reduce((sum, n) => sum + n, 0);
        const expected = kind === 'ours' ? 'TransactWriteItems' : 'PutItem';
        const total = config.warmup + config.warmPushes;
        if (stub.counts[expected] !== total || requests !== total) {
          throw new Error(
            `${kind}: expected ${total} ${expected} calls at the stub, got ${JSON.stringify(stub.counts)}`,
          );
        }
        rounds[kind].push({
          ...result,
          stubCpuUsPerRequest: (stubCpu.user + stubCpu.system) / requests,
          operations: { ...stub.counts },
        });
        process.stderr.write('.');
      }
    }
  } finally {
    stub.server.closeAllConnections?.();
    stub.server.close();
  }
  process.stderr.write('\n');
  const result = {};
  for (const [kind, list] of Object.entries(rounds)) {
    const samples = list.flatMap((r) => r.samplesUs);
    result[kind] = {
      perPushUs: summary(samples),
      roundMeansUs: list.map((r) => mean(r.samplesUs)),
      childCpuUsPerPush: mean(list.map((r) => r.cpuUs / config.warmPushes)),
      stubCpuUsPerRequest: mean(list.map((r) => r.stubCpuUsPerRequest)),
      operations: list[0].operations,
      rssMiB: Math.max(...list.map((r) => r.rssBytes)) / 2 ** 20,
    };
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// report

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value) => `${value.toFixed(1)} ms`;
const us = (value) => `${value.toFixed(0)} µs`;
const verdict = (pass) => (pass ? 'PASS' : 'FAIL');

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  const line = (row) => row.map((cell, c) => String(cell).padEnd(widths[c])).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function report(bundles, cold, warmResult) {
  const sizeDelta = bundles.ours.bytes - bundles.floor.bytes;
  const coldDelta = cold.ours.loadedMs.p50 - cold.floor.loadedMs.p50;
  const coldWallDelta = cold.ours.wallMs.p50 - cold.floor.wallMs.p50;
  const ratio = warmResult.ours.perPushUs.mean / warmResult.floor.perPushUs.mean;
  const ratioP50 = warmResult.ours.perPushUs.p50 / warmResult.floor.perPushUs.p50;
  const targets = {
    size: { value: sizeDelta, target: TARGETS.sizeDeltaBytes, pass: sizeDelta <= TARGETS.sizeDeltaBytes },
    cold: { value: coldDelta, target: TARGETS.coldDeltaMs, pass: coldDelta <= TARGETS.coldDeltaMs },
    warm: { value: ratio, target: TARGETS.warmRatio, pass: ratio <= TARGETS.warmRatio },
  };

  const { ours, floor } = warmResult;
  const rows = [
    ['measure', 'ours', 'floor', 'bare node', 'ours - floor', 'target', ''],
    ['bundle size', kb(bundles.ours.bytes), kb(bundles.floor.bytes), '', kb(sizeDelta), '<= 60 KB', verdict(targets.size.pass)],
    [
      'cold: start->loaded, p50 (in child)',
      ms(cold.ours.loadedMs.p50),
      ms(cold.floor.loadedMs.p50),
      ms(cold.bare.loadedMs.p50),
      ms(coldDelta),
      '<= 15 ms',
      verdict(targets.cold.pass),
    ],
    [
      '      start->loaded, p90',
      ms(cold.ours.loadedMs.p90),
      ms(cold.floor.loadedMs.p90),
      ms(cold.bare.loadedMs.p90),
      ms(cold.ours.loadedMs.p90 - cold.floor.loadedMs.p90),
      '',
      '',
    ],
    [
      '      require() alone, p50',
      ms(cold.ours.requireMs.p50),
      ms(cold.floor.requireMs.p50),
      '',
      ms(cold.ours.requireMs.p50 - cold.floor.requireMs.p50),
      '',
      '',
    ],
    [
      '      spawn->exit wall, p50',
      ms(cold.ours.wallMs.p50),
      ms(cold.floor.wallMs.p50),
      ms(cold.bare.wallMs.p50),
      ms(coldWallDelta),
      '(info)',
      coldWallDelta <= TARGETS.coldDeltaMs ? '(pass)' : '(fail)',
    ],
    [
      '      spawn->exit wall, p90',
      ms(cold.ours.wallMs.p90),
      ms(cold.floor.wallMs.p90),
      ms(cold.bare.wallMs.p90),
      ms(cold.ours.wallMs.p90 - cold.floor.wallMs.p90),
      '',
      '',
    ],
    ['warm: per push, mean', us(ours.perPushUs.mean), us(floor.perPushUs.mean), '', `x${ratio.toFixed(2)}`, '<= x1.30', verdict(targets.warm.pass)],
    ['      per push, p50', us(ours.perPushUs.p50), us(floor.perPushUs.p50), '', `x${ratioP50.toFixed(2)}`, '', ''],
    ['      per push, p99', us(ours.perPushUs.p99), us(floor.perPushUs.p99), '', `x${(ours.perPushUs.p99 / floor.perPushUs.p99).toFixed(2)}`, '', ''],
    ['      handler CPU per push', us(ours.childCpuUsPerPush), us(floor.childCpuUsPerPush), '', us(ours.childCpuUsPerPush - floor.childCpuUsPerPush), '', ''],
    ['      stub CPU per request', us(ours.stubCpuUsPerRequest), us(floor.stubCpuUsPerRequest), '', '', '(info)', ''],
  ];

  const origins = new Set([...Object.keys(bundles.ours.byOrigin), ...Object.keys(bundles.floor.byOrigin)]);
  const byOrigin = [...origins]
    .map((origin) => ({
      origin,
      ours: bundles.ours.byOrigin[origin] ?? 0,
      floor: bundles.floor.byOrigin[origin] ?? 0,
    }))
    .map((entry) => ({ ...entry, delta: entry.ours - entry.floor }))
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta));

  const lines = [
    '',
    `tccc-cdr-receiver bench: node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, ${os.platform()}/${os.arch()}`,
    `cold: ${config.coldRuns} fresh processes per kind, interleaved; warm: ${config.warmRounds} round(s) x ${config.warmPushes} pushes per handler after ${config.warmup} warm-up, stub DynamoDB on 127.0.0.1`,
    '',
    table(rows),
    '',
    'cold "start->loaded" is measured in the child: performance.now() (ms since its process started) once',
    'require(bundle) returned; the same child script with no require is "bare node". "spawn->exit wall"',
    'is the parent\'s process.hrtime around spawnSync. The cold target is judged on start->loaded.',
    `warm round means (µs): ours ${ours.roundMeansUs.map((v) => v.toFixed(0)).join(', ')}; floor ${floor.roundMeansUs.map((v) => v.toFixed(0)).join(', ')}`,
    `stub calls per round: ours ${JSON.stringify(ours.operations)}; floor ${JSON.stringify(floor.operations)}`,
    '',
    'bundle bytes by origin, largest differences first:',
    table([
      ['origin', 'ours', 'floor', 'ours - floor'],
      ...byOrigin
        .filter((entry) => entry.delta !== 0)
        .slice(0, 8)
        .map((entry) => [entry.origin, kb(entry.ours), kb(entry.floor), kb(entry.delta)]),
    ]),
    '',
    `targets: size ${verdict(targets.size.pass)}, cold ${verdict(targets.cold.pass)}, warm ${verdict(targets.warm.pass)}; results in bench/out/results.json`,
  ];
  console.log(lines.join('\n'));
  return { targets, byOrigin };
}

// ---------------------------------------------------------------------------------------------

const generated = path.join(root, 'handler', 'decode', 'generated', 'validate-video-cdr-v1.js');
try {
  statSync(generated);
} catch {
  throw new Error(`${path.relative(root, generated)} is missing: run \`npm run codegen\` first`);
}

const startedAt = Date.now();
process.stderr.write('bundling... ');
const bundles = await bundleAll();
process.stderr.write(`cold load (${config.coldRuns} x 3 processes)... `);
const cold = coldLoad(bundles);
process.stderr.write(`warm (${config.warmRounds} x 2 children) `);
const warmResult = await warm(bundles);
const { targets, byOrigin } = report(bundles, cold, warmResult);

const results = {
  date: new Date().toISOString(),
  durationS: (Date.now() - startedAt) / 1000,
  machine: {
    node: process.version,
    platform: `${os.platform()}/${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
  },
  config,
  esbuild: ESBUILD_OPTIONS,
  targets,
  size: {
    oursBytes: bundles.ours.bytes,
    floorBytes: bundles.floor.bytes,
    deltaBytes: bundles.ours.bytes - bundles.floor.bytes,
    byOrigin,
  },
  cold,
  warm: Object.fromEntries(
    Object.entries(warmResult).map(([kind, { perPushUs, ...rest }]) => [kind, { perPushUs, ...rest }]),
  ),
};
writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
JSON.parse(readFileSync(path.join(outDir, 'results.json'), 'utf8'));
