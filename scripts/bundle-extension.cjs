// Resolved by serverless.yml (custom.esbuild.outputFileExtension). Deployed bundles are
// `.mjs`, which Lambda runs as ES modules. `serverless invoke local` (osls) can only
// load a handler file without that extension; Node >= 20.19 then recognises it as ESM.
module.exports.extension = () => {
  const invokeLocal = process.argv.includes('invoke') && process.argv.includes('local');
  return invokeLocal ? '.js' : '.mjs';
};
