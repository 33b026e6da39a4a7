import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

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
  /** DynamoDB Local's endpoint, as `npm start` prints it. */
  readonly dynamoDbEndpoint: string;
  output(): string;
  /** Ctrl-C, as a user would; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs `npm start`'s script (scripts/start-local.mjs) as a user would, on free ports and a
 * data folder of the caller's, until it prints its banner.
 */
export async function startLocalReceiver(dataDir: string, env: Record<string, string> = {}): Promise<LocalReceiver> {
  const ports = { http: await freePort(), lambda: await freePort(), dynamodb: await freePort() };
  const child = spawn(process.execPath, [path.join(root, 'scripts/start-local.mjs')], {
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
    base: `http://127.0.0.1:${ports.http}`,
    dynamoDbEndpoint: `http://127.0.0.1:${ports.dynamodb}`,
    output: () => output,
    stop: () => {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      return exited;
    },
  };
}
