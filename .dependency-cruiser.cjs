// The layers of handler/ (handler/README.md has the map): each folder may import only the
// folders listed for it, and nothing may import in a circle. `npm run lint` runs it, so CI
// fails on an import against the map; tests/structure.test.ts shows that it can fail.
const LAYERS = {
  common: [],
  aws: ['common'],
  'push-types': ['common'],
  http: ['common'],
  records: ['common', 'aws', 'push-types'],
  query: ['common', 'aws', 'push-types', 'records'],
  decode: ['common', 'http', 'push-types'],
  auth: ['common', 'aws', 'http'],
  reports: ['common', 'aws', 'push-types', 'records', 'query'],
  intake: ['common', 'aws', 'push-types', 'http', 'records', 'query', 'decode'],
  privacy: ['common', 'aws', 'push-types', 'records', 'query', 'auth', 'reports'],
  reconcile: ['common', 'aws', 'push-types', 'http', 'records', 'query', 'decode', 'auth', 'intake'],
  functions: null, // the entry points: anything in handler/
};

const folders = Object.keys(LAYERS);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other, directly or through others.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'handler-imports-only-handler',
      severity: 'error',
      comment: 'The deployed code imports nothing of the scripts, tests, bench or page sources.',
      from: { path: '^handler/' },
      to: { path: '^(scripts|tests|bench|web)/' },
    },
    {
      name: 'no-unknown-folder',
      severity: 'error',
      comment: 'Every module of handler/ lives in a folder of the map (handler/README.md).',
      from: { path: '^handler/', pathNot: `^handler/(${folders.join('|')})/` },
      to: {},
    },
    {
      name: 'nothing-imports-an-entry-point',
      severity: 'error',
      comment: 'Entry points (handler/functions/) are imported by nobody in handler/: library code stays apart.',
      from: { path: '^handler/', pathNot: '^handler/functions/' },
      to: { path: '^handler/functions/' },
    },
    ...Object.entries(LAYERS)
      .filter(([, allowed]) => allowed !== null)
      .map(([folder, allowed]) => ({
        name: `layer-${folder}`,
        severity: 'error',
        comment: `handler/${folder}/ may import only: ${allowed.length ? allowed.join(', ') : 'nothing else in handler/'}.`,
        from: { path: `^handler/${folder}/` },
        to: { path: '^handler/', pathNot: `^handler/(${[folder, ...allowed].join('|')})/` },
      })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
  },
};
