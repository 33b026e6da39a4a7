import path from 'node:path';
import { userEnv } from '../support/local-receiver';
import { documented, runDocumented } from '../support/readme';

/**
 * `npm run bench:reconcile` as docs/reconcile.md shows it, at a small size (the full day takes a
 * minute): it stores 99% of the day, reconciles against the TCCC API stand-in, and prints each
 * figure with its target; the 1% left out is exactly what is backfilled.
 */
describe('npm run bench:reconcile', () => {
  it('prints its figures: found, stored, missing, backfilled, time, read units, TCCC requests, cost', async () => {
    const { code, stdout, stderr } = await runDocumented(
      documented('npm run bench:reconcile'),
      userEnv({ BENCH_CALLS: '400', BENCH_CHATS: '200' }),
      path.join(__dirname, '..', '..'),
    );
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    // 1 in 100 left out: calls 7, 107, 207, 307 (3 of 4 answered, 2 recordings each), chats 7 and 107.
    expect(stdout).toMatch(/cdr\s+400\s+396\s+4\s+4/);
    expect(stdout).toMatch(/imcdr\s+200\s+198\s+2\s+0/);
    expect(stdout).toContain('failures: 0');
    expect(stdout).toMatch(/time\s+[\d.]+ s\s+target <= 60 s\s+PASS/);
    expect(stdout).toMatch(/read units per session checked\s+[\d.]+\s+target <= 0.1\s+PASS/);
    expect(stdout).toMatch(/TCCC requests\s+\d+/);
    expect(stdout).toMatch(/total\s+\$[\d.]+ a day/);
  }, 240_000);
});
