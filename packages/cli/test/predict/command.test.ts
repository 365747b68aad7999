/**
 * `xent predict` end to end: train → predict → eval round trips, the output's columns, logits, and
 * models that are broken or tampered with.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FIXTURES, xent } from '../support/xent.ts';

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
