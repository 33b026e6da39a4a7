import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * `npm run bench:reports` as bench/README.md shows it, at a small size (the full run takes many
 * minutes): a day of 150 sessions replayed at 200 and 2,000 agents through the real push handler
 * and stream consumer, 2 s of pushes under `npm start`, 2 seeded days timed. It exits 0 only
 * when every push was stored, streamed, handed to the consumer once and counted once in the
 * summaries; the figures it prints are checked against what each write must cost.
 */
const SESSIONS = 150;
const PUSHES = SESSIONS + 1; // and the next morning's first session, which rolls the day up

let code: number | null;
let output = '';
beforeAll(async () => {
  const child = spawn('npm', ['run', 'bench:reports'], {
    cwd: path.join(__dirname, '..', '..'),
    env: {
      ...process.env,
      BENCH_AGENTS: '200,2000',
      BENCH_DAY_SESSIONS: String(SESSIONS),
      BENCH_LAG_SECONDS: '2',
      BENCH_LAG_RATE: '10',
      BENCH_DAYS: '2',
      BENCH_SESSIONS_PER_DAY: '300',
      BENCH_RUNS: '2',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
}, 600_000);

/** The figures of a row of section 1, one per agent count. */
const row = (name: string): string[] => {
  const line = output.split('\n').find((text) => text.trimStart().startsWith(`${name} `));
  if (!line) throw new Error(`no row "${name}" in:\n${output}`);
  return line
    .trim()
    .slice(name.length)
    .trim()
    .split(/\s{2,}/);
};
const numbers = (name: string) => row(name).map(Number);

describe('npm run bench:reports', () => {
  it('exits 0: every push was stored, streamed and counted once', () => {
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toContain('every push was counted once: exit 0');
    expect(row('pushes / consumer batches').map((cell) => cell.split(' / ')[0])).toEqual([`${PUSHES}`, `${PUSHES}`]);
    expect(row('every push counted once')).toEqual(['yes', 'yes']);
  });

  it('counts every write by table and index: a record, its index entries, a contribution and a revision', () => {
    expect(row('agents')).toEqual(['200', '2000']);
    for (const [record, byEnd, bySeat, report, whole] of [0, 1].map(
      (n) =>
        ['record table', 'record table GSI byEndTime', 'record table GSI bySeat', 'report table', 'whole system'].map(
          (name) => numbers(name)[n] as number,
        ) as [number, number, number, number, number],
    )) {
      // A cdr record item is 1-2 KB; every current item is in byEndTime, the answered ones in bySeat.
      expect(record).toBeGreaterThanOrEqual(1);
      expect(record).toBeLessThanOrEqual(2);
      expect(byEnd).toBe(1);
      expect(bySeat).toBeGreaterThan(0.5);
      expect(bySeat).toBeLessThan(1);
      // One contribution per push, a revision per batch, and the closed day's rollup.
      expect(report).toBeGreaterThan(1.5);
      expect(whole).toBeCloseTo(record + byEnd + bySeat + report, 1);
    }
    // One strongly consistent GetItem of a record under 4 KB per stream record.
    expect(numbers('record table (currency GetItem)')).toEqual([1, 1]);
    expect(row('failed conditional writes (in the above)')).toEqual(['0 / 0 WRU', '0 / 0 WRU']);
    // GetItem, PutItem and UpdateItem for a batch of one record.
    for (const cell of row('consumer round trips per batch, mean / p99 / max')) {
      expect(Number(cell.split(' / ')[0])).toBeGreaterThanOrEqual(3);
    }
    expect(numbers('push round trips per push')).toEqual([1, 1]);
    for (const bytes of numbers('rollup chunk')) expect(bytes).toBeLessThanOrEqual(33_000);
    for (const bytes of numbers('contribution')) expect(bytes).toBeLessThan(1024);
    expect(row('whole-system WRU per push <= 8 (aim 6)')).toEqual(['PASS', 'PASS']);
    expect(row('<= 10% dearer per push than at 200 agents')[1]).toMatch(/^(PASS|FAIL) [+-]\d+\.\d%$/);
  });

  it('measures the lag under npm start for every push', () => {
    expect(output).toMatch(/pushes 20, stored 20, visible 20; npm start's stream poll every \d+ ms/);
    expect(output).toMatch(/push sent -> visible in the summary\s+p50 \d+\.\d\d s\s+p99 \d+\.\d\d s/);
  });

  it('times the seeded summaries, each counting every seeded session', () => {
    expect(output).toMatch(/2 days by day, UTC\s+\d+\s+\d+\s+600\s+2\s+(PASS|FAIL)/);
    expect(output).toMatch(/2 days by seat, UTC\s+\d+\s+\d+\s+600\s+61\s+(PASS|FAIL)/);
    expect(output).toMatch(/2 days by hour, UTC\s+\d+\s+\d+\s+600\s+48\s+(PASS|FAIL)/);
  });

  it('prices the whole system per million pushes, the parts adding up', () => {
    const section = output.slice(output.indexOf('4. Whole-system cost'));
    const dollars = [...section.matchAll(/\$\s*(\d+\.\d\d)\n/g)].map((match) => Number(match[1]));
    expect(dollars).toHaveLength(8);
    const total = dollars.pop() as number;
    expect(total).toBeCloseTo(
      dollars.reduce((sum, value) => sum + value, 0),
      1,
    );
    expect(section).toMatch(/HTTP API requests\s+1 request\s+\$\s+1\.00/);
  });
});
