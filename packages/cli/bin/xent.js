#!/usr/bin/env node
// The `xent` command. It runs the compiled TypeScript in ../dist (built by `npm run build`, which
// `npm ci` runs through the root's prepare script); bin points here rather than into dist so that npm
// links the command even when dist does not exist yet at install time.
try {
  await import('../dist/main.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/main.js')) {
    process.stderr.write('xent: not built yet: run `npm run build` at the repository root\n');
    process.exitCode = 1;
  } else {
    throw error;
  }
}
