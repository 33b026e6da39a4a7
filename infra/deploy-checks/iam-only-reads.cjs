// esbuild plugin (infra/esbuild-plugins.cjs): in a bundle built for deployment (`serverless
// package`/`deploy`, not `offline` or `invoke local`: infra/auth-guard.cjs), the read and
// reports functions' local credential check (handler/auth/local-credentials.ts) is
// replaced by handler/auth/iam-only-credentials.ts. Deployed, API Gateway's IAM authorization checks
// every reader, so their zips need neither the SSM client (secrets) nor jose (access tokens).
const path = require('node:path');
const { isLocalCommand } = require('../auth-guard.cjs');

const LOCAL_CHECK = /(^|\/)local-credentials(\.ts)?$/;

function iamOnlyReads(local = isLocalCommand()) {
  return {
    name: 'iam-only-reads',
    setup(build) {
      if (local) return;
      build.onResolve({ filter: LOCAL_CHECK }, (args) => ({
        path: path.join(args.resolveDir, path.dirname(args.path), 'iam-only-credentials.ts'),
      }));
    },
  };
}

module.exports = { iamOnlyReads };
