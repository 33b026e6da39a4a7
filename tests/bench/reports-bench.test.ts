import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * `npm run bench:reports` as the README shows it, at a small size (the full 90 days take
 * minutes): it seeds, times the summaries, pushes through the real handler and runs the
 * stream consumer, and exits 0 only when each push was one write and counted once.
 */
describe('npm run bench:reports', () => {
  it('prints its figures and checks the write path', async () => {
    const child = spawn('npm', ['run', 'bench:reports'], {
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, BENCH_DAYS: '2', BENCH_SESSIONS_PER_DAY: '300', BENCH_RUNS: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toMatch(/by day, UTC\s+\d+\s+\d+\s+600\s+2/);
    expect(output).toMatch(/by seat, UTC\s+\d+\s+\d+\s+600\s+\d+/);
    expect(output).toContain('write requests per push:             1.00');
    expect(output).toContain('600 -> 800 (every push counted once)');
  }, 240_000);
});
