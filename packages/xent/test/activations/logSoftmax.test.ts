/** logSoftmax: the doc formula along any axis, its relation to softmax and logSumExp, stability, special values, errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { logSoftmax, logSumExp, softmax } from '../../src/index.ts';
import { anyShape, floats, RUNS } from '../support/arbitraries.ts';
import { allClose, REL64 } from '../support/close.ts';
import { type AnyActivation, activationContracts } from '../support/contracts.ts';
import { axisRows, naiveLogSumExp, size } from '../support/naive.ts';
import { throwsWith } from '../support/throws.ts';

const withAxis = anyShape.chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    data: floats(size(shape), -10, 10),
    axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
  }),
);

test('logSoftmax(x, { axis }) equals the doc formula x[c] - log Σ exp(x[k]) along any axis', () => {
  fc.assert(
    fc.property(withAxis, ({ shape, data, axis }) => {
      const out = logSoftmax({ data, shape }, { axis });
      assert.deepEqual(out.shape, shape);
      const expected = new Float64Array(data.length);
      for (const row of axisRows(shape, axis)) {
        const lse = naiveLogSumExp(row.map((k) => data[k]));
        for (const k of row) expected[k] = data[k] - lse;
      }
      // x[c] - lse cancels terms of size |x| + |lse| <= 10 + 11.
      allClose(out.data, expected, REL64, 21, `axis ${axis}`);
    }),
    RUNS,
  );
});

test('logSoftmax(x) equals log(softmax(x)) on moderate inputs, and logSumExp of it is 0', () => {
  fc.assert(
    fc.property(withAxis, ({ shape, data, axis }) => {
      const out = logSoftmax({ data, shape }, { axis });
      allClose(out.data, softmax({ data, shape }, { axis }).data.map(Math.log), 1e-12, 21, 'log(softmax)');
      allClose(
        logSumExp(out, { axis }).data,
        new Float64Array(data.length / (shape.at(axis) ?? 1)),
        REL64,
        21,
        'logSumExp',
      );
    }),
    RUNS,
  );
});

test('logSoftmax(x) is unchanged by adding a constant to a slice, and works along the last axis by default', () => {
  fc.assert(
    fc.property(withAxis, fc.double({ min: -500, max: 500, noNaN: true }), ({ shape, data }, shift) => {
      const out = logSoftmax({ data, shape });
      assert.deepEqual(out, logSoftmax({ data, shape }, { axis: -1 }));
      allClose(logSoftmax({ data: data.map((v) => v + shift), shape }).data, out.data, 1e-12, 1e3, 'shifted');
    }),
    RUNS,
  );
});

test('logSoftmax(x) stays exact where softmax underflows: [1000, 0] gives [0, -1000]', () => {
  assert.deepEqual(logSoftmax([1000, 0]).data, Float64Array.from([0, -1000]));
  assert.deepEqual(logSoftmax([1e308, 0]).data, Float64Array.from([0, -1e308]));
  allClose(logSoftmax([-800, -800]).data, [-Math.LN2, -Math.LN2], REL64, 0, 'tiny equal logits');
});

test('logSoftmax(x) keeps -Infinity, and gives NaN throughout a slice with NaN or +Infinity, or with every value -Infinity', () => {
  const inf = Number.POSITIVE_INFINITY;
  const out = logSoftmax([
    [0, -inf, 0],
    [1, Number.NaN, 2],
    [1, inf, 2],
    [-inf, -inf, -inf],
  ]).data;
  allClose(out.slice(0, 3), [-Math.LN2, -inf, -Math.LN2], REL64, 0, 'row with -Infinity');
  assert.ok(out.slice(3).every(Number.isNaN), `NaN rows: ${out.slice(3)}`);
});

test('logSoftmax(x, options) throws naming the axis when it does not exist', () => {
  throwsWith(
    () => logSoftmax([1, 2], { axis: 1 }),
    RangeError,
    /^logSoftmax: axis must be an integer in \[-1, 0\] for an input of shape \[2\], got 1/,
  );
  throwsWith(() => logSoftmax([1, 2], 'x' as never), TypeError, /^logSoftmax: options must be an object/);
});

activationContracts('logSoftmax', logSoftmax as AnyActivation, withAxis);
