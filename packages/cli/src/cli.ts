/**
 * The `xent` command: dispatches to its subcommands and turns their errors into messages and exit
 * statuses (2 for usage errors, 1 for data errors and training that diverged), never a stack trace.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { DataError, TrainingError, UsageError } from './errors.js';
import { evalCommand, type Io } from './eval/command.js';
import { plotCommand } from './plot/command.js';
import { predictCommand } from './predict/command.js';
import { trainCommand } from './train/command.js';

/** The subcommands, by name. */
const COMMANDS: Record<string, (args: readonly string[], io: Io) => Promise<number>> = {
  eval: evalCommand,
  train: trainCommand,
  predict: predictCommand,
  plot: plotCommand,
};

const HELP = `Usage: xent COMMAND [options]

Commands
  train [FILE]         train a classifier by gradient descent on cross-entropy (default: digits)
  predict MODEL FILE   write the class probabilities of a trained model for the rows of FILE
  eval FILE            score a file of predictions against labels (log loss, accuracy, ...)
  plot seed            draw the figures that explain cross-entropy

Options
  -h, --help    this help; xent COMMAND --help for a command's
  --version     the version

Examples
  xent train --out model.json --plot loss.svg
  xent predict model.json data.csv --out preds.csv
  xent eval preds.csv --json
  xent plot seed --format png
`;

/** Runs `xent ARGV`; returns the exit status. */
export async function run(argv: readonly string[], io: Io = process): Promise<number> {
  const [command, ...rest] = argv;
  const name = command !== undefined && Object.hasOwn(COMMANDS, command) ? `xent ${command}` : 'xent';
  try {
    if (command === undefined) {
      io.stderr.write(HELP);
      return 2;
    }
    if (command === '-h' || command === '--help' || command === 'help') {
      if (rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0]))
        return await COMMANDS[rest[0]](['--help'], io);
      io.stdout.write(HELP);
      return 0;
    }
    if (command === '--version' || command === '-v') {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    if (Object.hasOwn(COMMANDS, command)) return await COMMANDS[command](rest, io);
    throw new UsageError(
      `unknown command ${JSON.stringify(command)}; the commands are: ${Object.keys(COMMANDS).join(', ')}`,
    );
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${name}: ${error.message}\nTry '${name} --help'.\n`);
      return 2;
    }
    if (error instanceof DataError || error instanceof TrainingError) {
      io.stderr.write(`${name}: ${error.message}\n`);
      return 1;
    }
    const detail = process.env.XENT_DEBUG ? (error as Error).stack : (error as Error)?.message;
    io.stderr.write(`${name}: internal error: ${detail}\n`);
    return 1;
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
