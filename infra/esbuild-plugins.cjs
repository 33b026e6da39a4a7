// esbuild plugins for serverless-esbuild (serverless.yml custom.esbuild.plugins).
//
// serverless-esbuild builds each function's entry on its own but into one shared folder, then zips
// every file of that folder except the other entries: with code splitting, each zip would carry
// every function's chunks. Naming the chunks after their entry (`handler/push.chunks/...`) lets
// serverless-esbuild leave them out of the other functions' zips, as it does for `handler/push.*`.
const path = require('node:path');

const chunksPerEntry = {
  name: 'chunks-per-entry',
  setup(build) {
    const entries = [build.initialOptions.entryPoints ?? []].flat();
    if (entries.length !== 1) throw new Error(`chunks-per-entry expects one entry point, got ${entries.length}`);
    const entry = String(entries[0]);
    build.initialOptions.chunkNames = `${path.basename(entry, path.extname(entry))}.chunks/[name]-[hash]`;
  },
};

module.exports = [chunksPerEntry];
