import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DAY } from '../../handler/common/utc-buckets';
import { printError } from './log-sink';

const root = path.join(__dirname, '..', '..');
const SAMPLE = JSON.parse(readFileSync(path.join(root, 'events', 'cdr.sample.json'), 'utf8'));
/** npm start's stream poll interval when STREAM_POLL_MS is unset (scripts/local-stream-consumer.ts). */
const DEFAULT_POLL_MS = 500;
const SUMMARY_EVERY_MS = 100;
/** Sessions pushed one by one before the timed run. */
const WARM_UP = 5;

export interface LagFigures {
  readonly pushes: number;
  readonly stored: number;
  /** Replies other than ErrCode 0 (each pushed again, as TCCC does, at most 3 times), by status and ErrCode or error. */
  readonly refusals: Map<string, number>;
  readonly visible: number;
  readonly pollMs: number;
  /** Push sent -> counted in GET /reports/summary. */
  readonly lagMs: number[];
  /** Push sent -> its reply (ErrCode 0). */
  readonly replyMs: number[];
  /** One GET /reports/summary. */
  readonly summaryMs: number[];
  readonly seconds: number;
}

export const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);
};

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `npm start` as a user runs it, on free ports and a fresh data folder; the bench's own settings left out. */
async function startReceiver(dataDir: string) {
  const ports = { PORT: await freePort(), LAMBDA_PORT: await freePort(), DYNAMODB_PORT: await freePort() };
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(TCCC_|AWS_|POWERTOOLS_|CDR_TABLE_NAME|QUARANTINE_TABLE_NAME|REPORT_TABLE_NAME)/.test(name)) continue;
    env[name] = value;
  }
  Object.assign(
    env,
    { TCCC_AUTH: 'none', DYNAMODB_DATA_DIR: dataDir },
    Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
  );
  // A process group of its own, stopped as Ctrl-C stops it.
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no banner in 180 s:\n${output}`)), 180_000);
    const check = () => {
      if (output.includes('Ctrl-C stops')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
  return { child, base: `http://127.0.0.1:${ports.PORT}`, output: () => output };
}

async function stopReceiver(child: ChildProcess) {
  const pgid = child.pid as number;
  if (groupAlive(pgid)) process.kill(-pgid, 'SIGINT');
  const deadline = Date.now() + 20_000;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
}

/**
 * Pushes `rate` new `cdr` sessions a second for `seconds` to `npm start`, in order, each
 * ending as it is pushed, and polls GET /reports/summary every ~100 ms: push k is visible
 * once the total reaches k. Answers the lags and what they are made of.
 */
export async function pushLag(seconds: number, rate: number): Promise<LagFigures> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-reports-lag-'));
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  try {
    receiver = await startReceiver(dataDir);
  } catch (error) {
    // On a busy machine serverless-offline can miss npm start's own 60-s wait for it: once more.
    printError(`npm start did not come up (${String(error).split('\n')[0]}); starting it again`);
    try {
      receiver = await startReceiver(dataDir);
    } catch (again) {
      await rm(dataDir, { recursive: true, force: true });
      throw again;
    }
  }
  try {
    const total = Math.round(seconds * rate);
    const now = Date.now() / 1000;
    const range = new URLSearchParams({
      from: new Date((Math.floor(now / DAY) - 1) * DAY * 1000).toISOString(),
      to: new Date((Math.floor(now / DAY) + 2) * DAY * 1000).toISOString(),
      groupBy: 'day',
    });
    const sent: number[] = [];
    const replied: number[] = [];
    const visibleAt: number[] = [];
    const summaryMs: number[] = [];
    let stored = 0;
    const refusals = new Map<string, number>();
    const refused = (why: string) => refusals.set(why, (refusals.get(why) ?? 0) + 1);
    let seen = 0;
    let pushing = true;

    const poll = async () => {
      const deadline = Date.now() + (seconds + 90) * 1000;
      while ((pushing || seen < stored) && Date.now() < deadline) {
        const asked = performance.now();
        try {
          const reply = await fetch(`${receiver.base}/reports/summary?${range}`);
          const body = (await reply.json()) as { totals?: { sessions: number } };
          const at = performance.now();
          summaryMs.push(at - asked);
          const count = Math.min((body.totals?.sessions ?? 0) - warm, total);
          for (; seen < count; seen++) visibleAt[seen] = at;
        } catch {
          // A refused or slow summary is a late one: the next poll tells.
        }
        await sleep(SUMMARY_EVERY_MS);
      }
    };
    const push = async (k: number) => {
      const end = Math.floor(Date.now() / 1000) - 1;
      const body = {
        ...SAMPLE,
        SessionId: `lag-${k}-${end}`,
        StartTimestamp: end - 100,
        QueuedTimestamp: end - 90,
        RingTimestamp: end - 85,
        AcceptTimestamp: end - 80,
        EndedTimestamp: end,
      };
      if (k >= 0) sent[k] = performance.now();
      // TCCC pushes again after a refusal or a failed request, at most 3 times.
      for (let attempt = 0; attempt < 4; attempt++) {
        // TCCC's retry interval is not documented: a second apart, not a storm on a busy receiver.
        if (attempt > 0) await sleep(1_000 * attempt);
        try {
          const reply = await fetch(`${receiver.base}/?action=cdr&version=1`, {
            method: 'POST',
            headers: { 'content-type': 'application/json;charset=utf8' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(30_000),
          });
          const text = await reply.text();
          const errCode = (JSON.parse(text) as { ErrCode?: number }).ErrCode;
          if (errCode === 0) {
            stored++;
            break;
          }
          refused(`HTTP ${reply.status} ${errCode === undefined ? text.slice(0, 100) : `ErrCode ${errCode}`}`);
        } catch (error) {
          const cause = (error as { cause?: { code?: string } }).cause?.code;
          refused(`${(error as Error).name}: ${(error as Error).message.slice(0, 80)}${cause ? ` (${cause})` : ''}`);
        }
      }
      if (k >= 0) replied[k] = performance.now();
    };
    // Warm-up, not timed: the first push and summary load serverless-offline's workers.
    for (let k = 0; k < WARM_UP; k++) await push(-1 - k);
    await fetch(`${receiver.base}/reports/summary?${range}`);
    const warm = stored;
    stored = 0;
    refusals.clear();
    const polling = poll();
    const started = performance.now();
    const pushes: Promise<void>[] = [];
    for (let k = 0; k < total; k++) {
      await sleep(started + (k * 1000) / rate - performance.now());
      pushes.push(push(k));
    }
    await Promise.allSettled(pushes);
    pushing = false;
    await polling;
    const lagMs = visibleAt.flatMap((at, k) => (at === undefined ? [] : [at - (sent[k] as number)]));
    return {
      pushes: total,
      stored,
      refusals,
      visible: seen,
      pollMs: Number(process.env.STREAM_POLL_MS ?? DEFAULT_POLL_MS),
      lagMs,
      replyMs: replied.map((at, k) => at - (sent[k] as number)),
      summaryMs,
      seconds,
    };
  } finally {
    await stopReceiver(receiver.child);
    await rm(dataDir, { recursive: true, force: true });
  }
}
