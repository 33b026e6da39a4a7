import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The layers of handler/ (handler/README.md), as `npm run lint` checks them with
 * dependency-cruiser and .dependency-cruiser.cjs: the real tree passes, and a tree with an
 * import against the map, a circle, or an entry point imported by library code fails.
 */
const root = path.join(__dirname, '..');
const cruise = (cwd: string, ...targets: string[]) =>
  spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'),
      ...targets,
      '--config',
      path.join(root, '.dependency-cruiser.cjs'),
    ],
    { cwd, encoding: 'utf8' },
  );

/** A throwaway tree of handler/ files, `files` by path and content. */
function tree(files: Record<string, string>): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'layers-'));
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs' } }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

it('passes on the repository as it is', () => {
  const result = cruise(root, 'handler', 'scripts');
  expect({ status: result.status, output: result.stdout }).toMatchObject({ status: 0 });
  expect(result.stdout).toContain('no dependency violations found');
});

it.each([
  [
    'a back-edge: the records import the intake',
    {
      'handler/records/record-store.ts': "import { x } from '../intake/new-record';\nexport const y = x;\n",
      'handler/intake/new-record.ts': 'export const x = 1;\n',
    },
    'layer-records',
  ],
  [
    'a circle inside one folder',
    {
      'handler/common/a.ts': "import { b } from './b';\nexport const a = b;\n",
      'handler/common/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
    },
    'no-circular',
  ],
  [
    'library code importing an entry point',
    {
      'handler/intake/replay.ts': "import { handler } from '../functions/push';\nexport const replay = handler;\n",
      'handler/functions/push.ts': 'export const handler = 1;\n',
    },
    'nothing-imports-an-entry-point',
  ],
  [
    'a module outside the map',
    {
      'handler/misc/helper.ts': "import { limit } from '../common/limits';\nexport const helper = limit;\n",
      'handler/common/limits.ts': 'export const limit = 1;\n',
    },
    'no-unknown-folder',
  ],
])('fails on %s', (_, files, rule) => {
  const probe = tree(files);
  try {
    const result = cruise(probe.dir, 'handler');
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain(`error ${rule}:`);
  } finally {
    probe.remove();
  }
});
