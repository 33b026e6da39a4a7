import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

/**
 * `npm run quarantine -- ...args`, exactly as the README shows it, against the tests'
 * DynamoDB Local and tables: what the CLI itself printed (npm's two banner lines dropped),
 * its stderr and its exit code.
 */
export function quarantineCli(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB as string;
  const result = spawnSync('npm', ['run', 'quarantine', '--', ...args, '--stage', 'test', '--endpoint', endpoint], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const stdout = result.stdout.replace(/^\n> [^\n]*\n> [^\n]*\n\n/, '');
  return { stdout, stderr: result.stderr, status: result.status };
}
