/** classTarget: the input's shape means probabilities, the input's shape without the class axis means indices. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classTarget } from '../../src/internal/classTarget.ts';
import { throwsWith } from '../support/throws.ts';

test('classTarget(fn, input, target, acceptProbabilities) reads the target kind from its shape', () => {
  assert.deepEqual(classTarget('f', [4, 3], [4], true), {
    layout: { axis: 1, outer: 4, classes: 3, inner: 1 },
    indexShape: [4],
    probabilities: false,
  });
  assert.equal(classTarget('f', [4, 3], [4, 3], true).probabilities, true);
  assert.equal(classTarget('f', [3], [], true).probabilities, false);
  assert.equal(classTarget('f', [3], [3], true).probabilities, true);
  assert.deepEqual(classTarget('f', [2, 3, 5], [2, 5], false).indexShape, [2, 5]);
  // A one-class input (N, 1) has both readings for a target of shape (N, 1): probabilities win.
  assert.equal(classTarget('f', [2, 1], [2, 1], true).probabilities, true);
});

test('classTarget(fn, input, target) throws a RangeError naming the rows, or both accepted shapes', () => {
  throwsWith(
    () => classTarget('f', [4, 3], [5], true),
    RangeError,
    /^f: target has 5 rows, expected 4 \(one per row of input\)/,
  );
  throwsWith(
    () => classTarget('f', [4, 3], [4, 2], true),
    RangeError,
    /^f: target has shape \[4, 2\], expected \[4\] \(class indices\) or \[4, 3\] \(class probabilities\) for an input of shape \[4, 3\]/,
  );
  throwsWith(
    () => classTarget('f', [4, 3], [4, 3], false),
    RangeError,
    /^f: target has shape \[4, 3\], expected \[4\] \(class indices: the input's shape without the class axis\) for an input of shape \[4, 3\]/,
  );
  throwsWith(() => classTarget('f', [], [], true), RangeError, /^f: input must have a class dimension/);
});
