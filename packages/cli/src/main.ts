/**
 * The entry point of the `xent` command (bin/xent.js imports the built file): runs it on the process's
 * arguments and sets the exit status; the process ends when its output is flushed.
 *
 * @module
 */
import { run } from './cli.js';

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});
process.exitCode = await run(process.argv.slice(2));
// Standard input may have been opened and not read to its end (an error before its end): let go of it.
if (process.stdin.readableFlowing !== null || process.stdin.listenerCount('readable') > 0)
  process.stdin.destroy();
