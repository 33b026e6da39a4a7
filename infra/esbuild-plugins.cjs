// esbuild plugins for serverless-esbuild (serverless.yml custom.esbuild.plugins): each function's
// zip holds its bundle and the chunks that bundle imports, nothing else.
//
// serverless-esbuild builds each function's entry on its own but into one shared folder, then zips
// every file of that folder except the other entries: with code splitting, each zip would carry
// every function's chunks. Naming the chunks after their entry (`handler/push.chunks/...`) lets
// serverless-esbuild leave them out of the other functions' zips, as it does for `handler/push.*`.
// And esbuild writes a chunk for every dynamic import() it saw, even one whose caller minifying
// removed (the SDK's browser-only `import("bowser")`): chunks nothing imports are deleted.
const { rmSync } = require('node:fs');
const path = require('node:path');

const toPosix = (file) => file.split(path.sep).join('/');

/** The outputs the entry's output loads, statically or by import(), transitively. */
function reachableOutputs(outputs, entryOutput) {
  const reached = new Set([entryOutput]);
  for (const file of reached) {
    for (const { path: imported, external } of outputs[file].imports) {
      if (!external && imported in outputs) reached.add(imported);
    }
  }
  return reached;
}

const chunksPerEntry = {
  name: 'chunks-per-entry',
  setup(build) {
    const entries = [build.initialOptions.entryPoints ?? []].flat();
    if (entries.length !== 1) throw new Error(`chunks-per-entry expects one entry point, got ${entries.length}`);
    const entry = String(entries[0]);
    const workingDir = build.initialOptions.absWorkingDir ?? process.cwd();
    build.initialOptions.chunkNames = `${path.basename(entry, path.extname(entry))}.chunks/[name]-[hash]`;
    build.initialOptions.metafile = true;

    build.onEnd(({ metafile }) => {
      if (!metafile) return;
      const entryPoint = toPosix(path.relative(workingDir, path.resolve(workingDir, entry)));
      const entryOutput = Object.keys(metafile.outputs).find(
        (file) => metafile.outputs[file].entryPoint === entryPoint,
      );
      if (!entryOutput) throw new Error(`chunks-per-entry: no output for ${entryPoint}`);
      const reached = reachableOutputs(metafile.outputs, entryOutput);
      for (const file of Object.keys(metafile.outputs)) {
        if (!reached.has(file)) rmSync(path.resolve(workingDir, file), { force: true });
      }
    });
  },
};

// Deployed bundles leave out the local credential check of the IAM-authorized reads.
const { iamOnlyReads } = require('./deploy-checks/iam-only-reads.cjs');

module.exports = [chunksPerEntry, iamOnlyReads()];
