/**
 * The command line of `xent eval`: its options, their checks (usage errors, exit status 2), and the help.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import type { From } from './decoder.js';
import type { Format } from './input.js';
import type { Task } from './schema.js';

/** float64 machine epsilon, 2^-52: scikit-learn's `log_loss` clip for float64 input since 1.3. */
export const AUTO_EPS = 2.220446049250313e-16;

/** The options of `xent eval`, checked. */
export interface EvalOptions {
  /** FILE (`-` for standard input); with `--merge`, the JSON results to merge. */
  readonly files: readonly string[];
  readonly labels: string | undefined;
  readonly target: readonly string[] | undefined;
  readonly from: From;
  readonly task: 'auto' | Task;
  readonly eps: number;
  readonly weightColumn: string | undefined;
  readonly format: Format | undefined;
  readonly skipInvalid: boolean;
  readonly json: boolean;
  readonly progress: boolean;
  readonly merge: boolean;
  readonly help: boolean;
}

export const EVAL_HELP = `Usage: xent eval FILE [options]
       xent eval --merge RESULT.json RESULT.json ... [--json]

Scores a file of predictions against labels: log loss (mean cross-entropy, exactly as
scikit-learn's log_loss), accuracy, per-class results, calibration (ECE), Brier score,
perplexity and predictive entropy. Files larger than memory are streamed.

Input
  FILE is CSV or TSV with a header row, or JSON Lines (one object per line); the
  extension tells which (.csv, .tsv, .jsonl, each optionally .gz), else the first line.
  Gzip files are read transparently; - reads standard input.
  By default the last column is the target and every other column is a prediction
  column, in class order, named after its class. A target is a class name (a prediction
  column's header) or a class index from 0. One prediction column means binary: the
  probability of the positive class, with targets 0/1. Several target columns
  (--target a,b,c) mean multi-label: targets 0/1, one prediction column per label.

Options
  --labels FILE             take the targets from FILE, row by row (its last column,
                            or the --target columns); FILE's other columns are ignored
  --target COL[,COL...]     the target column(s); several mean multi-label
  --from probs|logits       what the predictions are (default probs); logits go through
                            softmax (multiclass) or sigmoid (binary, multi-label)
  --task auto|multiclass|binary|multilabel
                            the task (default auto: from the number of columns)
  --eps auto|NUMBER         probabilities are clipped to [eps, 1 - eps] before the log;
                            auto (default) is float64 machine epsilon 2.220446049250313e-16,
                            as scikit-learn >= 1.3 does; NUMBER in [1e-16, 0.5)
  --weight-column COL       weight each row by COL (weighted means, as sample_weight)
  --format csv|tsv|jsonl    the format of FILE, whatever its name
  --skip-invalid            skip bad rows (counted and reported) instead of stopping
  --json                    print one JSON object instead of the table
  --no-progress             no progress on stderr (default: a bar on a terminal,
                            a line every few seconds otherwise)
  --merge                   combine the --json results of shards of one dataset: the
                            same result as scoring the concatenated file
  -h, --help                this help

Output (--json keys)
  rows, logLoss, accuracy, perClass [{class, count, logLoss, accuracy}], ece (15 bins),
  brier, perplexity, entropy; multi-label adds subsetAccuracy (= accuracy) and
  hammingLoss, and perClass holds one entry per label (count: rows where it is 1).
  With --weight-column every mean is weighted. Also task, classes, eps,
  unnormalizedRows (rows whose probabilities do not sum to 1 within 1e-6; they are not
  renormalised), skippedRows, skipped (the first few), warnings, and sums: the additive
  partial sums for --merge. NaN is written as null, infinities as "Infinity".

Exit status
  0 scored; 1 bad data (the message names file, line, column and value); 2 usage error.

Examples
  xent eval preds.csv
      classes as columns (cat,dog,bird), target column last (cat, dog, ... or 0, 1, ...)
  xent eval logits.tsv.gz --from logits --json
  xent eval scores.csv --labels truth.csv --target label --weight-column w
  xent eval tags.jsonl --target a,b,c --skip-invalid
  xent eval part1.csv --json > 1.json; xent eval part2.csv --json > 2.json
  xent eval --merge 1.json 2.json

Environment
  XENT_CSV_READER=csv-parse   read CSV/TSV with csv-parse throughout instead of the
                              faster byte-level reader (same results)
`;

const CHOICES = {
  from: ['probs', 'logits'],
  task: ['auto', 'multiclass', 'binary', 'multilabel'],
  format: ['csv', 'tsv', 'jsonl'],
} as const;

/**
 * Parses and checks the arguments after `eval`.
 *
 * @throws UsageError on an unknown option, a missing or extra FILE, or a bad option value
 */
export function parseEvalArgs(args: readonly string[]): EvalOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const help = values.help === true;
  const merge = values.merge === true;
  const choice = <K extends keyof typeof CHOICES>(key: K): (typeof CHOICES)[K][number] | undefined => {
    const value = values[key];
    if (value === undefined) return undefined;
    if (!(CHOICES[key] as readonly string[]).includes(value)) {
      throw new UsageError(
        `--${key} must be one of ${CHOICES[key].join(', ')}; got ${JSON.stringify(value)}`,
      );
    }
    return value as (typeof CHOICES)[K][number];
  };
  const from = choice('from') ?? 'probs';
  const task = choice('task') ?? 'auto';
  const format = choice('format');
  const eps = parseEps(values.eps);
  let target: string[] | undefined;
  if (values.target !== undefined) {
    target = values.target.split(',');
    if (target.some((t) => t === ''))
      throw new UsageError(`--target has an empty column name: ${JSON.stringify(values.target)}`);
    if (new Set(target).size !== target.length)
      throw new UsageError(`--target names a column twice: ${values.target}`);
    // The options alone conflict (as in xent train): a usage error, whatever the file holds.
    if (target.length > 1 && (task === 'multiclass' || task === 'binary'))
      throw new UsageError(`--task ${task} takes one target column, got ${target.length}`);
  }
  if (!help) {
    if (merge) {
      const misplaced = (
        ['labels', 'target', 'from', 'task', 'eps', 'weight-column', 'format', 'skip-invalid'] as const
      ).find((k) => values[k] !== undefined);
      if (misplaced)
        throw new UsageError(`--merge combines results; --${misplaced} belongs to the runs that made them`);
      if (positionals.length === 0)
        throw new UsageError('--merge needs the JSON results to merge (xent eval --json output)');
    } else {
      if (positionals.length === 0)
        throw new UsageError('missing FILE (the predictions; - for standard input)');
      if (positionals.length > 1) {
        throw new UsageError(
          `one FILE at a time, got ${positionals.length}: ${positionals.join(' ')} (use --merge to combine results)`,
        );
      }
      if (values.labels === positionals[0] && values.labels === '-') {
        throw new UsageError('FILE and --labels cannot both be standard input');
      }
    }
  }
  return {
    files: positionals,
    labels: values.labels,
    target,
    from,
    task,
    eps,
    weightColumn: values['weight-column'],
    format,
    skipInvalid: values['skip-invalid'] === true,
    json: values.json === true,
    progress: values['no-progress'] !== true,
    merge,
    help,
  };
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      labels: { type: 'string' },
      target: { type: 'string' },
      from: { type: 'string' },
      task: { type: 'string' },
      eps: { type: 'string' },
      'weight-column': { type: 'string' },
      format: { type: 'string' },
      'skip-invalid': { type: 'boolean' },
      json: { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      merge: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * The smallest --eps: below 2^-54, 1 - eps rounds to 1, and a probability of 1 clipped to 1 makes the
 * library's binaryCrossEntropy (with `epsilon`) compute 0 · log(1 - 1) = NaN; eps = 0 would also turn
 * every zero probability into an infinite loss.
 */
export const MIN_EPS = 1e-16;

function parseEps(text: string | undefined): number {
  if (text === undefined || text === 'auto') return AUTO_EPS;
  const eps = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(eps >= MIN_EPS && eps <= 0.5 - Number.EPSILON)) {
    throw new UsageError(`--eps must be auto or a number in [1e-16, 0.5); got ${JSON.stringify(text)}`);
  }
  return eps;
}
