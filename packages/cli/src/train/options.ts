/**
 * The command line of `xent train`: its options, their checks (usage errors, exit status 2), and the help.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { DATASETS, type DatasetName, type Task } from './dataset.js';
import type { Activation } from './network.js';
import { OPTIMIZERS, type OptimizerName } from './optimizer.js';
import type { TrainOptions } from './trainer.js';

export interface TrainCommandOptions extends TrainOptions {
  readonly file: string | undefined;
  readonly dataset: DatasetName;
  readonly target: readonly string[] | undefined;
  readonly task: 'auto' | Task;
  readonly out: string | undefined;
  readonly plot: string | undefined;
  readonly json: boolean;
  readonly progress: boolean;
  readonly help: boolean;
}

export const TRAIN_HELP = `Usage: xent train [FILE] [options]

Trains a classifier by gradient descent on cross-entropy, with the xent library's fused losses and
gradients: softmax regression or an MLP for multiclass targets, one sigmoid output (logistic
regression) for binary targets, a sigmoid per label for multi-label targets.

Data
  FILE is a CSV file with a header row: numeric feature columns and the target column(s).
  Without FILE it trains on the bundled digits data (1797 8x8 images, 10 classes).
  --dataset iris|digits     train on a bundled dataset (UCI, CC BY 4.0; see data/README.md)
  --target COL[,COL...]     the target column(s) (default: the last column); several mean
                            multi-label, each 0/1
  --task auto|multiclass|binary|multilabel
                            default auto: two classes are binary, more are multiclass,
                            several target columns are multi-label; it says what it chose

Model
  --model linear|mlp        default mlp
  --hidden N[,N...]         hidden layer sizes of the MLP (default 64; mlp only)
  --activation relu|tanh    the MLP's activation (default relu; mlp only)

Optimisation
  --optimizer gd|sgd|momentum|adam
                            gd: full-batch gradient descent; the others use shuffled
                            mini-batches (default adam)
  --lr X                    learning rate (default 0.01 for adam, 0.1 otherwise)
  --epochs N                passes over the training data (default 30)
  --batch-size N            rows per mini-batch (default 32; not with gd)
  --l2 X                    L2 penalty on the weights, not the biases (default 0.0001)
  --label-smoothing X       smooth the targets by X in [0, 1) (default 0)
  --class-weight none|balanced
                            balanced weighs each class by n / (classes · count), as
                            scikit-learn (multi-label: positives by negatives/positives)
  --val-split X             fraction held out for validation, in [0, 1) (default 0.2; 0: none):
                            round(X · n) of each class of n rows (of all rows for
                            multi-label), but every class keeps at least one training row
  --seed N                  seed of the split, the shuffles and the initial weights, an
                            integer in [0, 2^32) (default 0)
  --no-standardize          do not z-score the features (default: z-score with the training
                            split's mean and standard deviation, stored in the model)
  --early-stopping N        stop when the validation loss has not improved for N epochs and
                            keep the best weights (default 0: off; needs --val-split > 0)

The objective it minimises (reported as objective):
  mean training loss + (l2 / 2) · Σ W²

Output
  --out FILE.json           write the model (versioned JSON) for xent predict
  --plot FILE.svg|FILE.png  write the training and validation loss curves
                            Both are checked before training starts, written complete or
                            not at all, and missing folders are created.
  --json                    print one JSON object (task, classes, epochs, trainLoss, objective,
                            trainAccuracy, valLoss, valAccuracy, history, ...) instead of the table
  --no-progress             no progress on stderr
  -h, --help                this help

Exit status
  0 trained; 1 bad data (the message names file, line, column and value), or a loss that
  became NaN or infinite (the run diverged: try a smaller --lr); 2 usage error.

Examples
  xent train --out model.json --plot loss.png
  xent train --dataset iris --model linear --optimizer gd --lr 0.3 --epochs 5000 --l2 0.01 --val-split 0
  xent train data.csv --target a,b,c --epochs 50 --json
`;

const OPTIONS = {
  dataset: { type: 'string' },
  target: { type: 'string' },
  task: { type: 'string', default: 'auto' },
  model: { type: 'string', default: 'mlp' },
  hidden: { type: 'string' },
  activation: { type: 'string' },
  optimizer: { type: 'string', default: 'adam' },
  lr: { type: 'string' },
  epochs: { type: 'string', default: '30' },
  'batch-size': { type: 'string' },
  l2: { type: 'string', default: '0.0001' },
  'label-smoothing': { type: 'string', default: '0' },
  'class-weight': { type: 'string', default: 'none' },
  'val-split': { type: 'string', default: '0.2' },
  seed: { type: 'string', default: '0' },
  'no-standardize': { type: 'boolean', default: false },
  'early-stopping': { type: 'string', default: '0' },
  out: { type: 'string' },
  plot: { type: 'string' },
  json: { type: 'boolean', default: false },
  'no-progress': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export function parseTrainArgs(args: readonly string[]): TrainCommandOptions {
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; args: string[] }>
  >;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (parsed.positionals.length > 1)
    throw new UsageError(`expected at most one FILE, got ${parsed.positionals.join(' ')}`);
  const file = parsed.positionals[0];
  if (file !== undefined && v.dataset !== undefined)
    throw new UsageError('give either FILE or --dataset, not both');
  const optimizer = oneOf('--optimizer', v.optimizer, OPTIMIZERS);
  const model = oneOf('--model', v.model, ['linear', 'mlp'] as const);
  if (model === 'linear') {
    const given =
      v.hidden !== undefined ? '--hidden' : v.activation !== undefined ? '--activation' : undefined;
    if (given !== undefined)
      throw new UsageError(
        `${given} shapes the MLP's hidden layers; --model linear has none (use --model mlp)`,
      );
  }
  if (optimizer === 'gd' && v['batch-size'] !== undefined)
    throw new UsageError(
      '--batch-size applies to sgd, momentum and adam; --optimizer gd takes the whole training split at each step',
    );
  let target: string[] | undefined;
  if (v.target !== undefined) {
    target = list('--target', v.target);
    if (new Set(target).size !== target.length)
      throw new UsageError(`--target names a column twice: ${v.target}`);
  }
  const valSplit = number('--val-split', v['val-split'], 0, 1, true, false);
  const earlyStopping = integer('--early-stopping', v['early-stopping'], 0);
  if (earlyStopping > 0 && valSplit === 0)
    throw new UsageError(
      `--early-stopping ${earlyStopping} watches the validation loss; it needs --val-split greater than 0`,
    );
  return {
    file,
    dataset: oneOf('--dataset', v.dataset ?? 'digits', DATASETS),
    target,
    task: oneOf('--task', v.task, ['auto', 'multiclass', 'binary', 'multilabel'] as const),
    model,
    hidden: list('--hidden', v.hidden ?? '64').map((h) => integer('--hidden', h, 1)),
    activation: oneOf('--activation', v.activation ?? 'relu', ['relu', 'tanh'] as const) as Activation,
    optimizer: optimizer as OptimizerName,
    lr: number('--lr', v.lr ?? (optimizer === 'adam' ? '0.01' : '0.1'), 0, Number.POSITIVE_INFINITY, false),
    epochs: integer('--epochs', v.epochs, 1),
    batchSize: integer('--batch-size', v['batch-size'] ?? '32', 1),
    l2: number('--l2', v.l2, 0, Number.POSITIVE_INFINITY, true),
    labelSmoothing: number('--label-smoothing', v['label-smoothing'], 0, 1, true, false),
    classWeight: oneOf('--class-weight', v['class-weight'], ['none', 'balanced'] as const),
    valSplit,
    seed: integer('--seed', v.seed, 0, SEEDS - 1),
    standardize: !v['no-standardize'],
    earlyStopping,
    out: v.out,
    plot: v.plot,
    json: v.json,
    progress: !v['no-progress'],
    help: v.help,
  };
}

/** Seeds are the 32-bit states of the generator (rng.ts): 0 to 2^32 - 1. */
const SEEDS = 2 ** 32;

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${option} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function list(option: string, value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === ''))
    throw new UsageError(`${option} takes a comma-separated list, got ${JSON.stringify(value)}`);
  return items;
}

function integer(option: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= min && n <= max) || value.trim() === '') {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new UsageError(`${option} must be an integer ${range}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function number(
  option: string,
  value: string,
  min: number,
  max: number,
  minIncluded: boolean,
  maxIncluded = true,
): number {
  const n = Number(value);
  const ok =
    value.trim() !== '' &&
    Number.isFinite(n) &&
    (minIncluded ? n >= min : n > min) &&
    (maxIncluded ? n <= max : n < max);
  if (!ok) {
    const range =
      max === Number.POSITIVE_INFINITY
        ? `a finite number ${minIncluded ? '>=' : '>'} ${min}`
        : `a number in ${minIncluded ? '[' : '('}${min}, ${max}${maxIncluded ? ']' : ')'}`;
    throw new UsageError(`${option} must be ${range}, got ${JSON.stringify(value)}`);
  }
  return n;
}
