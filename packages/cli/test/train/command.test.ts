/**
 * `xent train` end to end (the built command, spawned): the JSON contract, the true optimum of the
 * convex problem against scikit-learn, determinism, the main job's accuracy, outputs, bad input, bad
 * or conflicting options, output paths checked before training, and runs that diverge.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FIXTURES, xent } from '../support/xent.ts';

const TRAIN = join(FIXTURES, 'train');
const optimum = JSON.parse(readFileSync(join(TRAIN, 'optimum.json'), 'utf8'));
const CONVEX = [
  '--model',
  'linear',
  '--optimizer',
  'gd',
  '--lr',
  '0.3',
  '--epochs',
  '5000',
  '--l2',
  '0.01',
  '--val-split',
  '0',
];

function trainJson(args: readonly string[], cwd?: string) {
  const run = xent(['train', ...args, '--json', '--no-progress'], { cwd });
  assert.equal(run.code, 0, `xent train ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

test("xent train: full-batch gradient descent reaches scikit-learn's multiclass optimum on iris (1e-6 relative)", () => {
  const r = trainJson(['--dataset', 'iris', ...CONVEX]);
  assert.equal(r.task, 'multiclass');
  assert.deepEqual(r.classes, ['setosa', 'versicolor', 'virginica']);
  assert.ok(
    relative(r.objective, optimum.multiclass.objective) < 1e-6,
    `objective ${r.objective}, sklearn ${optimum.multiclass.objective}`,
  );
  assert.ok(r.objective >= r.trainLoss, 'the objective adds the penalty to the training loss');
  assert.equal(r.valLoss, null);
  assert.equal(r.valAccuracy, null);
  assert.equal(r.history.length, 5000);
});

test("xent train: full-batch gradient descent reaches scikit-learn's binary optimum on iris (virginica or not)", () => {
  const r = trainJson([join(TRAIN, 'iris_binary.csv'), ...CONVEX]);
  assert.equal(r.task, 'binary');
  assert.ok(
    relative(r.objective, optimum.binary.objective) < 1e-6,
    `objective ${r.objective}, sklearn ${optimum.binary.objective}`,
  );
});

test('xent train --json carries the contract keys, and the history has train and validation loss per epoch', () => {
  const r = trainJson(['--dataset', 'iris', '--epochs', '12', '--hidden', '8', '--seed', '3']);
  for (const key of [
    'task',
    'classes',
    'epochs',
    'trainLoss',
    'objective',
    'trainAccuracy',
    'valLoss',
    'valAccuracy',
    'history',
  ]) {
    assert.ok(key in r, `missing ${key}`);
  }
  assert.equal(r.epochs, 12);
  assert.equal(r.history.length, 12);
  for (const h of r.history) assert.ok(Number.isFinite(h.trainLoss) && Number.isFinite(h.valLoss));
  assert.equal(r.rows.train + r.rows.validation, 150);
  assert.equal(r.rows.validation, 30, 'a stratified 20% of each class: 10 + 10 + 10');
  assert.equal(r.trainLoss, r.history.at(-1).trainLoss);
});

test('the main job: the default MLP on the embedded digits reaches at least 95% validation accuracy', () => {
  const r = trainJson([]);
  assert.equal(r.task, 'multiclass');
  assert.equal(r.classes.length, 10);
  assert.equal(r.model.type, 'mlp');
  assert.ok(r.valAccuracy >= 0.95, `validation accuracy ${r.valAccuracy}`);
});

test('the same seed gives the same model, byte for byte; another seed another model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xent-train-'));
  const args = ['--dataset', 'iris', '--epochs', '5', '--optimizer', 'sgd', '--hidden', '6'];
  trainJson([...args, '--seed', '7', '--out', 'a.json'], dir);
  trainJson([...args, '--seed', '7', '--out', 'b.json'], dir);
  trainJson([...args, '--seed', '8', '--out', 'c.json'], dir);
  const a = readFileSync(join(dir, 'a.json'));
  assert.ok(a.equals(readFileSync(join(dir, 'b.json'))));
  assert.ok(!a.equals(readFileSync(join(dir, 'c.json'))));
});

test('every optimizer, both activations, label smoothing, class weights and early stopping train and lower the loss', () => {
  for (const extra of [
    ['--optimizer', 'gd', '--lr', '0.5'],
    ['--optimizer', 'sgd'],
    ['--optimizer', 'momentum', '--activation', 'tanh'],
    ['--optimizer', 'adam', '--label-smoothing', '0.1', '--class-weight', 'balanced'],
    ['--model', 'linear', '--no-standardize', '--lr', '0.05'],
  ]) {
    const r = trainJson(['--dataset', 'iris', '--epochs', '40', ...extra]);
    assert.ok(r.history.at(-1).trainLoss < r.history[0].trainLoss, `${extra.join(' ')}: loss did not fall`);
    assert.ok(r.valAccuracy > 0.8, `${extra.join(' ')}: validation accuracy ${r.valAccuracy}`);
  }
  const stopped = trainJson([
    '--dataset',
    'iris',
    '--epochs',
    '2000',
    '--lr',
    '0.1',
    '--early-stopping',
    '3',
  ]);
  assert.ok(stopped.epochs < 2000, 'early stopping ended the run');
  assert.ok(stopped.bestEpoch <= stopped.epochs);
});

test('multi-label: several target columns, a sigmoid per label, BCE summed over labels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xent-train-'));
  const rows = ['x1,x2,a,b'];
  for (let i = 0; i < 200; i++) {
    const x1 = ((i * 37) % 100) / 50 - 1;
    const x2 = ((i * 61) % 100) / 50 - 1;
    rows.push(`${x1},${x2},${x1 > 0 ? 1 : 0},${x2 > 0.2 ? 1 : 0}`);
  }
  writeFileSync(join(dir, 'ml.csv'), `${rows.join('\n')}\n`);
  const r = trainJson(
    ['ml.csv', '--target', 'a,b', '--model', 'linear', '--epochs', '200', '--lr', '0.1'],
    dir,
  );
  assert.equal(r.task, 'multilabel');
  assert.deepEqual(r.classes, ['a', 'b']);
  assert.ok(r.valAccuracy > 0.85, `subset accuracy ${r.valAccuracy}`);
});

test('xent train writes the model and the loss plot; the table goes to stdout, progress to stderr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xent-train-'));
  const run = xent(
    ['train', '--dataset', 'iris', '--epochs', '20', '--out', 'm/model.json', '--plot', 'loss.svg'],
    { cwd: dir },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /validation\s+\d\.\d+\s+\d+\.\d+ %/);
  assert.match(run.stderr, /task multiclass \(3 classes in "species"\)/);
  assert.match(run.stderr, /epoch 20\/20/);
  const model = JSON.parse(readFileSync(join(dir, 'm/model.json'), 'utf8'));
  assert.equal(model.format, 'xent-model');
  assert.equal(model.version, 1);
  assert.deepEqual(model.architecture.layers, [4, 64, 3]);
  const svg = readFileSync(join(dir, 'loss.svg'), 'utf8');
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /loss per epoch/);
  assert.match(svg, /validation/);
  assert.deepEqual(readdirSync(dir).sort(), ['loss.svg', 'm'], 'no temporary files left');
  const quiet = xent(['train', '--dataset', 'iris', '--epochs', '3', '--no-progress'], { cwd: dir });
  assert.equal(quiet.stderr.includes('epoch'), false);
});

test('bad training data: exit 1 with file, line, column and value; usage errors exit 2; nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xent-train-'));
  const cases: [string, string, RegExp][] = [
    ['text.csv', 'a,b,y\n1,2,x\n1,oops,z\n', /text\.csv:3: column "b": value "oops" is not a finite number/],
    ['missing.csv', 'a,b,y\n1,2,x\n1,,z\n', /missing\.csv:3: column "b": value "" is a missing value/],
    ['single.csv', 'a,b,y\n1,2,x\n3,4,x\n', /single\.csv: column "y": has a single class/],
    ['ragged.csv', 'a,b,y\n1,2,x\n1,z\n', /ragged\.csv:3: has 2 columns, expected 3/],
    ['empty.csv', '', /empty\.csv: is empty/],
  ];
  for (const [name, text, message] of cases) {
    writeFileSync(join(dir, name), text);
    const run = xent(['train', name, '--out', 'never.json', '--no-progress'], { cwd: dir });
    assert.equal(run.code, 1, `${name}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  }
  writeFileSync(join(dir, 'ok.csv'), 'a,b,y\n1,2,x\n3,4,z\n');
  // A column the file lacks is bad data (exit 1), worded as xent eval words it.
  const noColumn = xent(['train', 'ok.csv', '--target', 'nope'], { cwd: dir });
  assert.equal(noColumn.code, 1, noColumn.stderr);
  assert.equal(
    noColumn.stderr,
    'xent train: ok.csv:1: column "nope": target column not found in ok.csv (columns: "a", "b", "y")\n',
  );
  for (const args of [
    ['--lr', '-1'],
    ['--epochs', '1.5'],
    ['--optimizer', 'rmsprop'],
    ['--plot', 'loss.gif'],
    ['--bogus'],
  ]) {
    const run = xent(['train', 'ok.csv', ...args], { cwd: dir });
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, /Try 'xent train --help'/);
  }
  assert.equal(existsSync(join(dir, 'never.json')), false);
});

test('xent train --help teaches: every option and an example', () => {
  const help = xent(['train', '--help']).stdout;
  for (const option of [
    '--target',
    '--task',
    '--model',
    '--hidden',
    '--activation',
    '--optimizer',
    '--lr',
    '--epochs',
    '--batch-size',
    '--l2',
    '--label-smoothing',
    '--class-weight',
    '--val-split',
    '--seed',
    '--no-standardize',
    '--early-stopping',
    '--out',
    '--plot',
    '--json',
    '--no-progress',
    '--dataset',
  ]) {
    assert.ok(help.includes(option), `help lacks ${option}`);
  }
  assert.match(help, /Examples/);
});

/** Asserts a usage error (exit 2) whose message matches, and no stack trace. */
function assertUsageError(args: readonly string[], message: RegExp, cwd?: string): { stderr: string } {
  const run = xent(['train', ...args], { cwd });
  assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
  assert.match(run.stderr, message, args.join(' '));
  assert.match(run.stderr, /Try 'xent train --help'/);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
  return run;
}

test('non-finite numbers and seeds outside [0, 2^32) are usage errors (exit 2)', () => {
  for (const [option, value, message] of [
    ['--lr', 'Infinity', /--lr must be a finite number > 0, got "Infinity"/],
    ['--lr', '1e400', /--lr must be a finite number > 0, got "1e400"/],
    ['--lr', 'NaN', /--lr must be a finite number > 0, got "NaN"/],
    ['--l2', 'Infinity', /--l2 must be a finite number >= 0, got "Infinity"/],
    ['--seed', '4294967296', /--seed must be an integer in \[0, 4294967295\], got "4294967296"/],
    ['--seed', '1.5', /--seed must be an integer in \[0, 4294967295\]/],
  ] as const)
    assertUsageError(['--dataset', 'iris', `${option}=${value}`], message);
  assert.equal(trainJson(['--dataset', 'iris', '--epochs', '1', '--seed', '4294967295']).epochs, 1);
  // A network larger than the runtime allocates: a usage error naming the options, not an internal error.
  assertUsageError(
    ['--dataset', 'iris', '--hidden', '1000000000'],
    /the network \(--hidden 1000000000, --batch-size 32\) needs more memory than this runtime allocates/,
  );
});

test('a loss that becomes NaN stops training: exit 1, the epoch named, no model and no plot written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xent-train-'));
  const run = xent(
    ['train', '--optimizer', 'sgd', '--lr', '5', '--out', 'div.json', '--plot', 'div.svg', '--no-progress'],
    { cwd: dir },
  );
  assert.equal(run.code, 1, run.stderr);
  assert.match(
    run.stderr,
    /^xent train: training loss became NaN at epoch \d+ \(training diverged; nothing is written\); try a smaller --lr$/m,
  );
  assert.doesNotMatch(run.stderr, /\n\s+at /);
  assert.equal(run.stdout, '', 'no result table');
  assert.deepEqual(readdirSync(dir), [], 'no model, no plot, no temporary file');
});

test('--val-split: every class keeps a training row; a split that leaves no validation rows is warned about', () => {
  const iris = trainJson(['--dataset', 'iris', '--val-split', '0.99', '--epochs', '2']);
  assert.deepEqual(iris.rows, { train: 3, validation: 147 }, 'one training row of each of the 3 classes');
  assert.ok(Number.isFinite(iris.trainLoss) && Number.isFinite(iris.valLoss));
  const dir = mkdtempSync(join(tmpdir(), 'xent-train-'));
  writeFileSync(join(dir, 'tiny.csv'), 'a,b,y\n1,2,x\n3,4,z\n');
  const run = xent(
    [
      'train',
      'tiny.csv',
      '--val-split',
      '0.5',
      '--early-stopping',
      '2',
      '--epochs',
      '3',
      '--json',
      '--no-progress',
    ],
    { cwd: dir },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stderr,
    /^xent train: warning: --val-split 0\.5 leaves no validation rows in tiny\.csv \(every class keeps at least one training row\); --early-stopping 2 is off$/m,
  );
  const r = JSON.parse(run.stdout);
  assert.deepEqual(r.rows, { train: 2, validation: 0 });
  assert.ok(Number.isFinite(r.trainLoss), `training loss ${r.trainLoss}`);
  assert.equal(r.valLoss, null);
});

test('--out and --plot are checked before the data is read: exit 2, nothing trained or written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xent-train-'));
  writeFileSync(join(dir, 'preds.csv'), 'a file\n');
  writeFileSync(join(dir, 'data.csv'), 'a,b,y\n1,2,x\n3,4,z\n5,6,x\n7,8,z\n');
  mkdirSync(join(dir, 'folder.json'));
  for (const [args, message] of [
    [
      ['--out', 'preds.csv/model.json'],
      /--out "preds\.csv\/model\.json": "preds\.csv" is a file, expected a folder on the way/,
    ],
    [
      ['--plot', 'preds.csv/loss.svg'],
      /--plot "preds\.csv\/loss\.svg": "preds\.csv" is a file, expected a folder on the way/,
    ],
    [['--out', 'folder.json'], /--out "folder\.json": is a folder, expected a file name/],
    [['--out', 'data.csv'], /--out "data\.csv": is the same file as FILE \("data\.csv"\)/],
    [['--out', 'm.svg', '--plot', './m.svg'], /--out and --plot name the same file, "m\.svg"/],
  ] as const) {
    const run = assertUsageError(['data.csv', ...args, '--epochs', '1000000'], message, dir);
    assert.doesNotMatch(run.stderr, /task binary/, 'stopped before reading the data');
  }
  assert.equal(readFileSync(join(dir, 'data.csv'), 'utf8'), 'a,b,y\n1,2,x\n3,4,z\n5,6,x\n7,8,z\n');
  assert.deepEqual(readdirSync(dir).sort(), ['data.csv', 'folder.json', 'preds.csv']);
});

test('options that would be ignored or that conflict are usage errors (exit 2)', () => {
  for (const [args, message] of [
    [
      ['--early-stopping', '3', '--val-split', '0'],
      /--early-stopping 3 watches the validation loss; it needs --val-split greater than 0/,
    ],
    [
      ['--model', 'linear', '--hidden', '8'],
      /--hidden shapes the MLP's hidden layers; --model linear has none/,
    ],
    [
      ['--model', 'linear', '--activation', 'tanh'],
      /--activation shapes the MLP's hidden layers; --model linear has none/,
    ],
    [['--optimizer', 'gd', '--batch-size', '8'], /--batch-size applies to sgd, momentum and adam/],
    [['--target', 'species,species'], /--target names a column twice: species,species/],
  ] as const)
    assertUsageError(['--dataset', 'iris', ...args], message);
});
