import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Helpers for the tests that run `npm start` as a user does. */
export const root = path.join(__dirname, '..', '..');

/** A port nothing listens on now. For several at once, freePorts: two calls in a row can answer the same one. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}

/** `count` distinct free ports: each is held until all are found, so the system cannot hand one out twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer().listen(0, '127.0.0.1', () => resolve(server));
          server.on('error', reject);
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Listens on `port` (as another program would) until released; undefined if something already does. */
export function occupy(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export const release = (server: net.Server | undefined) =>
  new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

export const portAnswers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/** A fresh data folder for DynamoDB Local, removed by the returned function. */
export function dataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'npm-start-data-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The user's environment: none of what the test runner set for its own handlers (TCCC_*,
 * the ports, DynamoDB Local's endpoint), plus `env`.
 */
export function userEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(TCCC_|AWS_ENDPOINT_URL|CDR_TABLE_NAME|QUARANTINE_TABLE_NAME)/.test(name)) continue;
    if (['PORT', 'DYNAMODB_PORT', 'LAMBDA_PORT', 'DYNAMODB_DATA_DIR'].includes(name)) continue;
    clean[name] = value;
  }
  return { ...clean, ...env };
}

export interface Running {
  readonly child: ChildProcess;
  readonly output: () => string;
}

/**
 * `npm start` with that environment, as the README and the smoke test run it; or `commandLine`
 * (a README line that runs `npm start`, its variables and all), in bash as a user pastes it.
 */
export function npmStart(env: NodeJS.ProcessEnv, commandLine?: string): Running {
  // A process group of its own: Ctrl-C in a terminal signals the whole group (npm, sh, node).
  const [file, args] = commandLine ? ['bash', ['-c', commandLine]] : ['npm', ['start', '--silent']];
  const child = spawn(file as string, args as string[], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

/** Resolves once `npm start` printed its banner; rejects if it exits first. */
export function untilReady(running: Running, timeoutMs = 90_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no banner within ${timeoutMs} ms:\n${running.output()}`)),
      timeoutMs,
    );
    const check = () => {
      if (running.output().includes('Ctrl-C stops')) {
        clearTimeout(timer);
        resolve();
      }
    };
    running.child.stdout?.on('data', check);
    running.child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${running.output()}`));
    });
  });
}

export async function startReceiver(env: NodeJS.ProcessEnv, commandLine?: string): Promise<Running> {
  const running = npmStart(env, commandLine);
  try {
    await untilReady(running);
  } catch (error) {
    await stopReceiver(running);
    throw error;
  }
  return running;
}

/** Resolves once npm itself has exited. */
function exited(running: Running): Promise<void> {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Resolves with npm's exit code once `npm start` has stopped by itself. */
export function untilExit(running: Running): Promise<number | null> {
  const { child } = running;
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** True while any process of the group (npm, start-local, serverless offline, java) is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ctrl-C, as a user stops it: SIGINT to the whole process group. True once every process
 * `npm start` started has exited (npm itself dies of the SIGINT, as in a terminal).
 */
export async function stopReceiver(running: Running, timeoutMs = 20_000): Promise<boolean> {
  const pgid = running.child.pid as number;
  const done = exited(running);
  if (groupAlive(pgid)) process.kill(-pgid, 'SIGINT');
  await done;
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  return !groupAlive(pgid);
}

/** The indented command lines the banner prints under `heading`, up to the next blank line. */
export function bannerCommands(output: string, heading: string): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.includes(heading));
  if (start < 0) throw new Error(`the banner has no "${heading}":\n${output}`);
  const commands: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('    ')) break;
    commands.push(line.trim());
  }
  return commands;
}

/** Runs `script` in bash from the project folder, as a user pastes it; resolves with its output. */
export function runShell(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr?.on('data', (chunk) => (stdout += chunk));
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

export interface LocalReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly ports: { http: number; lambda: number; dynamodb: number };
  /** DynamoDB Local's endpoint, as `npm start` prints it. */
  readonly dynamoDbEndpoint: string;
  output(): string;
  /** Ctrl-C to the whole group, as a terminal sends it; true once every process it started is gone. */
  stop(): Promise<boolean>;
}

/** `npm start` on free ports and a data folder of the caller's, with the user's environment plus `env`. */
export async function startLocalReceiver(dir: string, env: Record<string, string> = {}): Promise<LocalReceiver> {
  const [http, lambda, dynamodb] = (await freePorts(3)) as [number, number, number];
  const ports = { http, lambda, dynamodb };
  const running = await startReceiver(
    userEnv({
      TCCC_AUTH: 'none',
      PORT: String(ports.http),
      LAMBDA_PORT: String(ports.lambda),
      DYNAMODB_PORT: String(ports.dynamodb),
      DYNAMODB_DATA_DIR: dir,
      ...env,
    }),
  );
  return {
    ports,
    base: `http://127.0.0.1:${ports.http}`,
    dynamoDbEndpoint: `http://127.0.0.1:${ports.dynamodb}`,
    output: running.output,
    stop: () => stopReceiver(running),
  };
}

/** `npm run <script> -- ...args` as a user types it; its output and exit code. */
export function npmRun(script: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync('npm', ['run', '--silent', script, '--', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Asks until `check` holds (e.g. the reports' stream consumer working in the background), at most `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Like `eventually`, and then until the answer stops changing for `quietMs`: the reports'
 * stream consumer has caught up (a count that is right for a moment can still move when a
 * later version of a session lands).
 */
export async function settled<T>(
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  { quietMs = 1_500, timeoutMs = 60_000 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await eventually(probe, check, timeoutMs);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const again = await probe();
    if ((check(again) && JSON.stringify(again) === JSON.stringify(value)) || Date.now() > deadline) return again;
    value = again;
  }
}

/** A client of the DynamoDB Local that `npm start` runs (at `endpoint`), as an operator's tool would have. */
export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}
