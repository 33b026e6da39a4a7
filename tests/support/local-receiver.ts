import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const root = path.join(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface LocalReceiver {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly ports: { http: number; lambda: number; dynamodb: number };
  /** DynamoDB Local's endpoint, as `npm start` prints it. */
  readonly dynamoDbEndpoint: string;
  output(): string;
  /** Ctrl-C to the whole process group, as a terminal sends it; resolves with npm's exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs `npm start` as a user would, on free ports and a data folder of the caller's, until it
 * prints its banner.
 */
export async function startLocalReceiver(dataDir: string, env: Record<string, string> = {}): Promise<LocalReceiver> {
  const ports = { http: await freePort(), lambda: await freePort(), dynamodb: await freePort() };
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(ports.http),
      LAMBDA_PORT: String(ports.lambda),
      DYNAMODB_PORT: String(ports.dynamodb),
      DYNAMODB_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 90 s:\n${output}`)), 90_000);
    const check = () => {
      if (output.includes('Ctrl-C stops')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  return {
    child,
    ports,
    base: `http://127.0.0.1:${ports.http}`,
    dynamoDbEndpoint: `http://127.0.0.1:${ports.dynamodb}`,
    output: () => output,
    stop: () => {
      if (child.exitCode !== null) return Promise.resolve(child.exitCode);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      process.kill(-(child.pid as number), 'SIGINT');
      return exited;
    },
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
