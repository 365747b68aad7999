/**
 * `xent predict` end to end: train → predict → eval round trips, the output's columns, logits,
 * models that are broken or tampered with, inputs and outputs that cannot be used, and progress.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, FIXTURES, xent } from '../support/xent.ts';

const IRIS = join(FIXTURES, '..', '..', 'data', 'iris.csv');
const BINARY = join(FIXTURES, 'train', 'iris_binary.csv');

function trained(args: readonly string[]): { dir: string; result: Record<string, number> } {
  const dir = mkdtempSync(join(tmpdir(), 'xent-predict-'));
  const run = xent(['train', ...args, '--val-split', '0', '--out', 'model.json', '--json', '--no-progress'], {
    cwd: dir,
  });
  assert.equal(run.code, 0, run.stderr);
  return { dir, result: JSON.parse(run.stdout) };
}

function evalJson(args: readonly string[], cwd: string) {
  const run = xent(['eval', ...args, '--json', '--no-progress'], { cwd });
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

test('train → predict → eval: the scored log loss and accuracy are the training loss and accuracy (multiclass)', () => {
  const { dir, result } = trained(['--dataset', 'iris', '--epochs', '30', '--hidden', '8']);
  const run = xent(['predict', 'model.json', IRIS, '--out', 'preds.csv'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  const lines = readFileSync(join(dir, 'preds.csv'), 'utf8').trim().split('\n');
  assert.equal(lines[0], 'setosa,versicolor,virginica,species');
  assert.equal(lines.length, 151);
  const scored = evalJson(['preds.csv'], dir);
  assert.ok(
    Math.abs(scored.logLoss - result.trainLoss) <= 1e-12 * result.trainLoss,
    `${scored.logLoss} vs ${result.trainLoss}`,
  );
  assert.equal(scored.accuracy, result.trainAccuracy);
});

test('train → predict → eval: binary models write both classes, and eval agrees with training', () => {
  const { dir, result } = trained([BINARY, '--model', 'linear', '--epochs', '200', '--lr', '0.1']);
  const preds = xent(['predict', 'model.json', BINARY], { cwd: dir });
  assert.equal(preds.code, 0, preds.stderr);
  assert.match(preds.stdout, /^0,1,virginica\n/);
  const piped = xent(['eval', '-', '--json', '--no-progress'], { cwd: dir, input: preds.stdout });
  const s = JSON.parse(piped.stdout);
  assert.ok(
    Math.abs(s.logLoss - result.trainLoss) <= 1e-12 * result.trainLoss,
    `${s.logLoss} vs ${result.trainLoss}`,
  );
  assert.equal(s.accuracy, result.trainAccuracy);
});

test('xent predict --logits writes logits that eval --from logits scores the same', () => {
  const { dir } = trained(['--dataset', 'iris', '--epochs', '10', '--hidden', '5']);
  assert.equal(xent(['predict', 'model.json', IRIS, '--out', 'p.csv'], { cwd: dir }).code, 0);
  assert.equal(xent(['predict', 'model.json', IRIS, '--out', 'z.csv', '--logits'], { cwd: dir }).code, 0);
  const p = evalJson(['p.csv'], dir);
  const z = evalJson(['z.csv', '--from', 'logits'], dir);
  assert.ok(Math.abs(p.logLoss - z.logLoss) <= 1e-12 * p.logLoss);
  assert.equal(p.accuracy, z.accuracy);
});

test('xent predict without a target column writes only the class columns', () => {
  const { dir } = trained(['--dataset', 'iris', '--epochs', '5', '--hidden', '4']);
  writeFileSync(join(dir, 'x.csv'), 'petal_width,sepal_length,sepal_width,petal_length\n0.2,5.1,3.5,1.4\n');
  const run = xent(['predict', 'model.json', 'x.csv'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  const [head, row] = run.stdout.trim().split('\n');
  assert.equal(head, 'setosa,versicolor,virginica');
  const p = row.split(',').map(Number);
  assert.ok(Math.abs(p[0] + p[1] + p[2] - 1) < 1e-12, 'probabilities of a row sum to 1');
});

test('a broken or tampered model file is refused with a clear message (exit 1), and nothing is written', () => {
  const { dir } = trained(['--dataset', 'iris', '--epochs', '3', '--hidden', '4']);
  const good = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const variants: [string, string, RegExp][] = [
    ['not-json', '{ nope', /is not JSON/],
    ['version', JSON.stringify({ ...good, version: 99 }), /"version" is 99/],
    ['format', JSON.stringify({ ...good, format: 'other' }), /"format" is "other"/],
    [
      'nan',
      JSON.stringify(good).replace(/"w":\[[-0-9.e]+/, '"w":["NaN"'),
      /"weights\[0\]\.w"\[0\] is "NaN", not a finite number/,
    ],
    [
      'shape',
      JSON.stringify({ ...good, architecture: { ...good.architecture, layers: [4, 5, 3] } }),
      /has \d+ numbers, expected 5 × 4/,
    ],
    [
      'proto',
      JSON.stringify(good).replace('{', '{"__proto__":{"polluted":true},'),
      /forbidden key "__proto__"/,
    ],
    ['task', JSON.stringify({ ...good, task: 'regression' }), /"task" is "regression"/],
  ];
  for (const [name, text, message] of variants) {
    writeFileSync(join(dir, `${name}.json`), text);
    const run = xent(['predict', `${name}.json`, IRIS, '--out', `${name}.csv`], { cwd: dir });
    assert.equal(run.code, 1, `${name}: ${run.stderr}`);
    assert.match(run.stderr, message, name);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(join(dir, `${name}.csv`)), false, `${name}: no output written`);
  }
});

test('bad rows in FILE stop xent predict with file, line, column and value, and leave no half-written output', () => {
  const { dir } = trained(['--dataset', 'iris', '--epochs', '3', '--hidden', '4']);
  const rows = ['sepal_length,sepal_width,petal_length,petal_width'];
  for (let i = 0; i < 3000; i++) rows.push('5.1,3.5,1.4,0.2');
  rows.push('5.1,abc,1.4,0.2');
  writeFileSync(join(dir, 'bad.csv'), `${rows.join('\n')}\n`);
  const run = xent(['predict', 'model.json', 'bad.csv', '--out', 'out.csv'], { cwd: dir });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /bad\.csv:3002: column "sepal_width": value "abc" is not a finite number/);
  assert.equal(existsSync(join(dir, 'out.csv')), false);
  writeFileSync(join(dir, 'nocol.csv'), 'sepal_length,sepal_width\n1,2\n');
  const missing = xent(['predict', 'model.json', 'nocol.csv'], { cwd: dir });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /column "petal_length": is missing/);
  assert.equal(xent(['predict', 'model.json'], { cwd: dir }).code, 2);
});

/** Asserts exit status `code`, `message` on stderr and no stack trace. */
function assertFails(run: { code: number | null; stderr: string }, code: number, message: RegExp): void {
  assert.equal(run.code, code, run.stderr);
  assert.match(run.stderr, message);
  assert.doesNotMatch(run.stderr, /\n\s+at |Unhandled|ERR_/, 'no stack trace');
}

test('a FILE that does not exist or is a folder is a data error (exit 1), and --out leaves no file behind', () => {
  const { dir } = trained(['--dataset', 'iris', '--epochs', '2', '--hidden', '3']);
  mkdirSync(join(dir, 'folder'));
  const before = readdirSync(dir).sort();
  assertFails(
    xent(['predict', 'model.json', 'nope.csv'], { cwd: dir }),
    1,
    /^xent predict: nope\.csv: does not exist\n$/,
  );
  assertFails(
    xent(['predict', 'model.json', 'nope.csv', '--out', 'p.csv'], { cwd: dir }),
    1,
    /^xent predict: nope\.csv: does not exist\n$/,
  );
  assertFails(
    xent(['predict', 'model.json', 'folder', '--out', 'p.csv'], { cwd: dir }),
    1,
    /^xent predict: folder: is a directory, expected a file\n$/,
  );
  assert.deepEqual(readdirSync(dir).sort(), before, 'no output and no temporary file');
});

test('a bad row with --out: one message, no stack trace, no output or temporary file', () => {
  const { dir } = trained(['--dataset', 'iris', '--epochs', '2', '--hidden', '3']);
  writeFileSync(
    join(dir, 'bad.csv'),
    'sepal_length,sepal_width,petal_length,petal_width\n1,2,3,4\n1,x,3,4\n',
  );
  const before = readdirSync(dir).sort();
  const run = xent(['predict', 'model.json', 'bad.csv', '--out', 'p.csv'], { cwd: dir });
  assertFails(run, 1, /^xent predict: bad\.csv:3: column "sepal_width": value "x" is not a finite number\n$/);
  assert.deepEqual(readdirSync(dir).sort(), before);
});

test('xent predict --out creates missing folders, as xent train --out does', () => {
  const { dir } = trained(['--dataset', 'iris', '--epochs', '2', '--hidden', '3']);
  const run = xent(['predict', 'model.json', IRIS, '--out', 'new/sub/p.csv'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  assert.equal(readFileSync(join(dir, 'new/sub/p.csv'), 'utf8').trim().split('\n').length, 151);
  assert.deepEqual(readdirSync(join(dir, 'new/sub')), ['p.csv'], 'no temporary file left');
});

test('--out that is MODEL or FILE (also through a symbolic link) is refused (exit 2) and the input is kept', () => {
  const { dir } = trained(['--dataset', 'iris', '--epochs', '2', '--hidden', '3']);
  writeFileSync(join(dir, 'iris.csv'), readFileSync(IRIS));
  symlinkSync('iris.csv', join(dir, 'link.csv'));
  const model = readFileSync(join(dir, 'model.json'));
  const cases: [string[], RegExp][] = [
    [['iris.csv', '--out', 'iris.csv'], /--out "iris\.csv": is the same file as FILE \("iris\.csv"\)/],
    [['link.csv', '--out', 'iris.csv'], /--out "iris\.csv": is the same file as FILE \("link\.csv"\)/],
    [
      ['iris.csv', '--out', './model.json'],
      /--out "\.\/model\.json": is the same file as MODEL \("model\.json"\)/,
    ],
  ];
  for (const [args, message] of cases) {
    const run = xent(['predict', 'model.json', ...args], { cwd: dir });
    assertFails(run, 2, message);
    assert.match(run.stderr, /Try 'xent predict --help'/);
  }
  assert.ok(readFileSync(join(dir, 'iris.csv')).equals(readFileSync(IRIS)), 'FILE unchanged');
  assert.ok(readFileSync(join(dir, 'model.json')).equals(model), 'MODEL unchanged');
});

test('--out that cannot be written is a usage error before anything is read', () => {
  const { dir } = trained(['--dataset', 'iris', '--epochs', '2', '--hidden', '3']);
  mkdirSync(join(dir, 'folder'));
  assertFails(
    xent(['predict', 'model.json', IRIS, '--out', 'folder'], { cwd: dir }),
    2,
    /--out "folder": is a folder, expected a file name/,
  );
  assertFails(
    xent(['predict', 'model.json', IRIS, '--out', 'model.json/p.csv'], { cwd: dir }),
    2,
    /--out "model\.json\/p\.csv": "model\.json" is a file, expected a folder on the way/,
  );
});

test('xent predict reports progress on stderr (lines when not a terminal); --no-progress turns it off', () => {
  const { dir } = trained(['--dataset', 'iris', '--epochs', '2', '--hidden', '3']);
  const rows = readFileSync(IRIS, 'utf8').trim().split(/\r?\n/);
  const big = [rows[0], ...Array.from({ length: 40000 }, (_, i) => rows[1 + (i % 150)])].join('\n');
  const env = { XENT_PROGRESS_INTERVAL_MS: '1' };
  const run = xent(['predict', 'model.json', '-', '--out', 'p.csv'], { cwd: dir, input: big, env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^xent predict: stdin: [\d.]+ MB, [\d,]+ rows, [\d.]+ s$/m);
  const quiet = xent(['predict', 'model.json', '-', '--out', 'q.csv', '--no-progress'], {
    cwd: dir,
    input: big,
    env,
  });
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stderr, '');
  assert.ok(readFileSync(join(dir, 'p.csv')).equals(readFileSync(join(dir, 'q.csv'))));
  assert.match(xent(['predict', '--help']).stdout, /--no-progress/);
});

test('xent predict ... | head: the reader going away ends the command quietly (exit 0)', () => {
  const { dir } = trained(['--dataset', 'iris', '--epochs', '2', '--hidden', '3']);
  const rows = readFileSync(IRIS, 'utf8').trim().split(/\r?\n/);
  writeFileSync(
    join(dir, 'big.csv'),
    [rows[0], ...Array.from({ length: 100000 }, (_, i) => rows[1 + (i % 150)])].join('\n'),
  );
  const run = spawnSync(
    'bash',
    [
      '-o',
      'pipefail',
      '-c',
      `"${process.execPath}" "${BIN}" predict model.json big.csv --no-progress | head -1`,
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  assert.equal(run.stdout, 'setosa,versicolor,virginica,species\n');
  assert.equal(run.stderr, '');
  assert.equal(run.status, 0);
});
