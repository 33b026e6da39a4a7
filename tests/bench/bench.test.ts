import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from '../support/local-receiver';
import { documented, runDocumented } from '../support/readme';

/**
 * `npm run bench` as the README shows it, at a small size (its knobs in the environment, see
 * bench/README.md): it builds both handlers, measures, and writes results.json; whatever the
 * timings, a new push of every sample type is one write, and its retry one conditional write that is refused.
 */
const SMALL = {
  BENCH_COLD_RUNS: '2',
  BENCH_WARM_PUSHES: '40',
  BENCH_WARM_BATCHES: '2',
  BENCH_WARMUP: '10',
  BENCH_WARM_PROCESSES: '1',
  BENCH_FIRST_RUNS: '2',
  BENCH_PROFILE_PUSHES: '40',
  BENCH_PROFILE_ROUNDS: '1',
};

describe('npm run bench', () => {
  it('measures both handlers and writes its results; a new push of each sample is one write, its retry one refused conditional write', async () => {
    const { code, stdout, stderr } = await runDocumented(documented('npm run bench'), { ...process.env, ...SMALL });
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^size: loaded at cold start +[\d.]+ KB +[\d.]+ KB/m);
    expect(stdout).toMatch(
      /^targets: size (PASS|FAIL), cold (PASS|FAIL), first push (PASS|FAIL), warm (PASS|FAIL)\. Written to bench\/out\/results\.json$/m,
    );
    const written = JSON.parse(readFileSync(path.join(root, 'bench', 'out', 'results.json'), 'utf8'));
    expect(written.config).toMatchObject({ coldRuns: 2, warmPushes: 40 });
    for (const sample of ['cdr', 'record', 'record-caller', 'voicemail', 'imcdr', 'video-cdr']) {
      expect(stdout).toMatch(
        new RegExp(`^${sample} +\\w+ +\\d+ B +\\d+ B +1 / \\d+ \\(\\d+\\) +1 / \\d+ cond\\. failed `, 'm'),
      );
    }
  }, 240_000);
});
