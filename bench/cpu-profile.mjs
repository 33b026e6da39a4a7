// Where a warm push's CPU time goes: a V8 CPU profile (.cpuprofile, taken by warm-child.mjs over
// a batch of pushes of an unminified build) reduced to self time per push by package, as in
// ../shared/perf-profile.md. Each line of the bundle belongs to the module whose comment esbuild
// writes above it (`// node_modules/@smithy/core/dist-es/...`, or `__commonJS({ "node_modules/..."`
// for CommonJS modules), so no source map is needed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The groups of the breakdown, in the order they are printed. */
export const GROUPS = [
  'Node core',
  'handler/',
  'Powertools',
  'AWS SDK',
  'other packages',
  'GC',
  'V8 natives, microtasks, other',
];

/** Packages the AWS SDK brings with it (endpoint cache, user agent, XML): counted as the SDK. */
const SDK_DEPENDENCIES = new Set(['mnemonist', 'obliterator', 'bowser', 'tslib', 'fast-xml-parser', 'strnum', 'uuid']);

/** `node_modules/@smithy/core/dist-es/x.js` -> `@smithy/core`; `handler/store/a.ts` -> `handler/store`. */
export function originOf(modulePath) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(modulePath);
  if (match) return match[1];
  // Our own source, from the project root (a path outside it may start with ../).
  const parts = modulePath.split('/');
  const start = Math.max(
    0,
    parts.findIndex((part) => part === 'handler' || part === 'bench'),
  );
  const own = parts.slice(start);
  return own.length > 2 ? own.slice(0, 2).join('/') : own.join('/');
}

/** The group an origin (package or source folder) belongs to. */
export function groupOf(origin) {
  if (origin.startsWith('handler/') || origin.startsWith('bench/')) return 'handler/';
  if (origin.startsWith('@aws-lambda-powertools/')) return 'Powertools';
  if (origin.startsWith('@aws-sdk/') || origin.startsWith('@smithy/') || origin.startsWith('@aws/')) return 'AWS SDK';
  if (SDK_DEPENDENCIES.has(origin)) return 'AWS SDK';
  return 'other packages';
}

/** For one bundle file: the module each line belongs to (undefined before the first module). */
function lineOrigins(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const origins = new Array(lines.length);
  let current;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const comment = /^\s*\/\/ (\S*(?:node_modules|handler|bench)\/\S+\.(?:[cm]?[jt]s|json))$/.exec(line);
    const commonJs = /__commonJS\(\{\s*"([^"]+)"/.exec(line);
    if (comment) current = originOf(comment[1]);
    else if (commonJs) current = originOf(commonJs[1]);
    origins[i] = current;
  }
  return origins;
}

/**
 * Self time per push, by group and by origin, from one profile. `pushes` is how many pushes the
 * profile covers. Idle time (waiting for the stub's answers) is left out.
 */
export function breakdown(profilePath, pushes) {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8'));
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  // timeDeltas[i] is the time from sample i-1 to sample i: sample i's node ran for the next delta.
  for (let i = 0; i < profile.samples.length; i++) {
    const next = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + next);
  }
  const originsOfFile = new Map();
  const byOrigin = {};
  const byFunction = {};
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byNode.get(id);
    const { url, functionName, lineNumber } = callFrame;
    let origin;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    if (functionName === '(garbage collector)') origin = '(garbage collector)';
    else if (url.startsWith('node:')) origin = 'node:';
    else if (url.startsWith('file:')) {
      const file = fileURLToPath(url);
      if (!originsOfFile.has(file)) originsOfFile.set(file, lineOrigins(file));
      origin = originsOfFile.get(file)[lineNumber] ?? '(esbuild runtime)';
    } else origin = functionName.startsWith('(') ? functionName : '(V8 natives)';
    byOrigin[origin] = (byOrigin[origin] ?? 0) + us;
    const name = `${functionName || '(anonymous)'} ${origin}`;
    byFunction[name] = (byFunction[name] ?? 0) + us;
  }
  const groupOfOrigin = (origin) => {
    if (origin === 'node:') return 'Node core';
    if (origin === '(garbage collector)') return 'GC';
    if (origin.startsWith('(')) return 'V8 natives, microtasks, other';
    return groupOf(origin);
  };
  const groups = Object.fromEntries(GROUPS.map((group) => [group, 0]));
  for (const [origin, us] of Object.entries(byOrigin)) groups[groupOfOrigin(origin)] += us;
  const perPush = (object) =>
    Object.fromEntries(
      Object.entries(object)
        .map(([key, us]) => [key, us / pushes])
        .sort((a, b) => b[1] - a[1]),
    );
  const totalUs = Object.values(groups).reduce((sum, us) => sum + us, 0);
  return {
    pushes,
    totalUsPerPush: totalUs / pushes,
    idleUsPerPush: idleUs / pushes,
    groups: Object.fromEntries(GROUPS.map((group) => [group, groups[group] / pushes])),
    origins: perPush(byOrigin),
    topFunctions: Object.fromEntries(Object.entries(perPush(byFunction)).slice(0, 25)),
  };
}
