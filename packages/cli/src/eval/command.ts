/**
 * `xent eval`: parse the options, score the file (or merge results), print the result to stdout and
 * warnings to stderr.
 *
 * @module
 */
import { formatJson, formatTable } from './format.js';
import { mergeResults } from './merge.js';
import { EVAL_HELP, parseEvalArgs } from './options.js';
import { scoreFile } from './score.js';

/** Where the command writes. */
export interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Runs `xent eval ARGS`; returns the exit status. Throws UsageError and DataError for the caller to report. */
export async function evalCommand(args: readonly string[], io: Io): Promise<number> {
  const options = parseEvalArgs(args);
  if (options.help) {
    io.stdout.write(EVAL_HELP);
    return 0;
  }
  const result = options.merge ? await mergeResults(options.files) : await scoreFile(options);
  for (const warning of result.warnings) io.stderr.write(`xent eval: warning: ${warning}\n`);
  io.stdout.write(options.json ? formatJson(result) : formatTable(result));
  return 0;
}
