import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './serverless-package';

const SKIPPED = new Set(['node_modules', '.git', '.serverless', '.dynamodb', 'tests', 'coverage']);

/**
 * A copy of the project (node_modules linked) for commands that write into the project folder
 * (`serverless package` into .serverless/, `npm run reattach`): out of the way of the other tests'
 * packages and of a concurrent `npm start`'s bundles. Removed after the file's tests.
 */
export function projectCopy(label: string): string {
  const copy = mkdtempSync(path.join(os.tmpdir(), `${label}-`));
  cpSync(ROOT, copy, {
    recursive: true,
    filter: (source) => {
      const [top] = path.relative(ROOT, source).split(path.sep);
      return !SKIPPED.has(top as string) && !(top as string).startsWith('.esbuild') && !source.includes('bench/out');
    },
  });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));
  return copy;
}
