/**
 * parseEvalArgs: defaults, checks, and usage errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.ts';
import { AUTO_EPS, parseEvalArgs } from '../../src/eval/options.ts';

test('parseEvalArgs: defaults', () => {
  const o = parseEvalArgs(['p.csv']);
  assert.deepEqual(o.files, ['p.csv']);
  assert.equal(o.from, 'probs');
  assert.equal(o.task, 'auto');
  assert.equal(o.eps, AUTO_EPS);
  assert.equal(AUTO_EPS, 2 ** -52);
  assert.equal(o.progress, true);
  assert.equal(o.json, false);
  assert.equal(o.target, undefined);
});

test('parseEvalArgs: every option', () => {
  const o = parseEvalArgs([
    '-',
    '--labels=l.csv',
    '--target',
    'a,b',
    '--from',
    'logits',
    '--task',
    'multilabel',
    '--eps',
    '1e-7',
    '--weight-column',
    'w',
    '--format',
    'jsonl',
    '--skip-invalid',
    '--json',
    '--no-progress',
  ]);
  assert.deepEqual(
    { ...o },
    {
      files: ['-'],
      labels: 'l.csv',
      target: ['a', 'b'],
      from: 'logits',
      task: 'multilabel',
      eps: 1e-7,
      weightColumn: 'w',
      format: 'jsonl',
      skipInvalid: true,
      json: true,
      progress: false,
      merge: false,
      help: false,
    },
  );
});

test('parseEvalArgs: usage errors', () => {
  for (const args of [
    [],
    ['a', 'b'],
    ['a', '--eps', '-1'],
    ['a', '--eps=0.5'],
    ['a', '--eps', 'NaN'],
    ['a', '--target', 'x,x'],
    ['a', '--from'],
    ['-', '--labels', '-'],
    ['--merge', 'a.json', '--from', 'logits'],
    ['a', '--task', 'multiclass', '--target', 'x,y'],
    ['a', '--task', 'binary', '--target', 'x,y'],
  ]) {
    assert.throws(() => parseEvalArgs(args), UsageError, args.join(' '));
  }
  assert.throws(
    () => parseEvalArgs(['a', '--task', 'multiclass', '--target', 'x,y']),
    /^UsageError: --task multiclass takes one target column, got 2$/,
  );
  assert.equal(parseEvalArgs(['--help']).help, true);
});
