/** axisLayout / classLayout / withoutAxis: a shape seen as (outer, classes, inner) around an axis. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { axisLayout, classLayout, withoutAxis } from '../../src/internal/layout.ts';
import { anyShape, RUNS } from '../support/arbitraries.ts';
import { axisRows, size } from '../support/naive.ts';
import { throwsWith } from '../support/throws.ts';

test('axisLayout(fn, shape, axis) splits the shape into outer · classes · inner, element (o, c, i) at o·C·I + c·I + i', () => {
  assert.deepEqual(axisLayout('f', [2, 3, 4], 1), { axis: 1, outer: 2, classes: 3, inner: 4 });
  assert.deepEqual(axisLayout('f', [2, 3, 4], -1), { axis: 2, outer: 6, classes: 4, inner: 1 });
  assert.deepEqual(axisLayout('f', [2, 3, 4], -3), { axis: 0, outer: 1, classes: 2, inner: 12 });
  assert.deepEqual(axisLayout('f', [], 0), { axis: 0, outer: 1, classes: 1, inner: 1 });
  assert.deepEqual(axisLayout('f', [], -1), { axis: 0, outer: 1, classes: 1, inner: 1 });
  fc.assert(
    fc.property(
      anyShape.chain((shape) =>
        fc.record({
          shape: fc.constant(shape),
          axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
        }),
      ),
      ({ shape, axis }) => {
        const { outer, classes, inner } = axisLayout('f', shape, axis);
        assert.equal(outer * classes * inner, size(shape));
        const rows = axisRows(shape, axis);
        let r = 0;
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            assert.deepEqual(
              Array.from({ length: classes }, (_, c) => o * classes * inner + c * inner + i),
              rows[r++],
            );
          }
        }
      },
    ),
    RUNS,
  );
});

test('axisLayout(fn, shape, axis) throws a RangeError naming fn, the axis range and the shape for an axis that does not exist', () => {
  for (const axis of [3, -4, 0.5, Number.NaN, '1', undefined]) {
    throwsWith(
      () => axisLayout('f', [2, 3, 4], axis),
      RangeError,
      /^f: axis must be an integer in \[-3, 2\] for an input of shape \[2, 3, 4\], got /,
    );
  }
  throwsWith(
    () => axisLayout('f', [], 1),
    RangeError,
    /^f: axis must be an integer in \[-1, 0\] for an input of shape \[\], got 1/,
  );
});

test('classLayout(fn, shape) uses axis 1, or 0 for a 1-d input, and rejects a 0-d input', () => {
  assert.deepEqual(classLayout('f', [5]), { axis: 0, outer: 1, classes: 5, inner: 1 });
  assert.deepEqual(classLayout('f', [2, 5]), { axis: 1, outer: 2, classes: 5, inner: 1 });
  assert.deepEqual(classLayout('f', [2, 5, 3, 2]), { axis: 1, outer: 2, classes: 5, inner: 6 });
  throwsWith(
    () => classLayout('f', []),
    RangeError,
    /^f: input must have a class dimension: shape \(C\), \(N, C\) or \(N, C, d1, \.\.\., dk\), got a 0-d input/,
  );
});

test('withoutAxis(shape, axis) drops one dimension', () => {
  assert.deepEqual(withoutAxis([2, 3, 4], 1), [2, 4]);
  assert.deepEqual(withoutAxis([5], 0), []);
});
