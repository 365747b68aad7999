/** softmax: the doc formula along any axis, distributions summing to 1, stability, special values, errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { logSoftmax, softmax } from '../../src/index.ts';
import { anyShape, floats, RUNS } from '../support/arbitraries.ts';
import { allClose, closeTo, REL64 } from '../support/close.ts';
import { type AnyActivation, activationContracts } from '../support/contracts.ts';
import { axisRows, naiveSoftmax, size } from '../support/naive.ts';
import { throwsWith } from '../support/throws.ts';

/** Moderate values of a rank-1 to rank-3 shape, with an axis of it. */
const withAxis = anyShape.chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    data: floats(size(shape), -10, 10),
    axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
  }),
);

test('softmax(x, { axis }) equals the doc formula exp(x[c]) / Σ exp(x[k]) along any axis, negative axes included', () => {
  fc.assert(
    fc.property(withAxis, ({ shape, data, axis }) => {
      const out = softmax({ data, shape }, { axis });
      assert.deepEqual(out.shape, shape);
      const expected = new Float64Array(data.length);
      for (const row of axisRows(shape, axis)) {
        const p = naiveSoftmax(row.map((k) => data[k]));
        row.forEach((k, c) => {
          expected[k] = p[c];
        });
      }
      allClose(out.data, expected, 1e-13, 0, `axis ${axis}`);
    }),
    RUNS,
  );
});

test('softmax(x) works along the last axis by default', () => {
  fc.assert(
    fc.property(withAxis, ({ shape, data }) => {
      assert.deepEqual(softmax({ data, shape }), softmax({ data, shape }, { axis: -1 }));
      assert.deepEqual(softmax({ data, shape }), softmax({ data, shape }, { axis: shape.length - 1 }));
    }),
    RUNS,
  );
});

test('softmax(x, { axis }) gives distributions: each slice is in [0, 1] and sums to 1', () => {
  fc.assert(
    fc.property(withAxis, ({ shape, data, axis }) => {
      const out = softmax({ data, shape }, { axis }).data;
      for (const row of axisRows(shape, axis)) {
        for (const k of row) assert.ok(out[k] >= 0 && out[k] <= 1, `p = ${out[k]}`);
        closeTo(
          row.reduce((a, k) => a + out[k], 0),
          1,
          REL64,
          0,
          'Σ p',
        );
      }
    }),
    RUNS,
  );
});

test('softmax(x) is unchanged by adding a constant to a slice, and equals exp(logSoftmax(x))', () => {
  fc.assert(
    fc.property(withAxis, fc.double({ min: -500, max: 500, noNaN: true }), ({ shape, data, axis }, shift) => {
      const out = softmax({ data, shape }, { axis }).data;
      const shifted = softmax({ data: data.map((v) => v + shift), shape }, { axis }).data;
      // The shifted inputs are rounded to the ulp of |shift|: the scale term allows for it.
      allClose(shifted, out, 1e-12, 1e3, 'shifted');
      allClose(logSoftmax({ data, shape }, { axis }).data.map(Math.exp), out, 1e-13, 0, 'exp(logSoftmax)');
    }),
    RUNS,
  );
});

test('softmax(x) is stable for large logits, where exp overflows', () => {
  assert.deepEqual(softmax([1000, 1000]).data, Float64Array.from([0.5, 0.5]));
  assert.deepEqual(softmax([1e308, 0, -1e308]).data, Float64Array.from([1, 0, 0]));
  allClose(softmax([1001, 1002, 1003]).data, softmax([1, 2, 3]).data, REL64, 0, 'shifted by 1000');
});

test('softmax(x) gives -Infinity probability 0, and NaN throughout a slice with NaN or +Infinity, or with every value -Infinity, as PyTorch', () => {
  const inf = Number.POSITIVE_INFINITY;
  const out = softmax([
    [0, -inf, 0],
    [1, Number.NaN, 2],
    [1, inf, 2],
    [-inf, -inf, -inf],
    [1, 2, 3],
  ]).data;
  assert.deepEqual(Array.from(out.slice(0, 3)), [0.5, 0, 0.5]);
  assert.ok(out.slice(3, 12).every(Number.isNaN), `NaN rows: ${out.slice(3, 12)}`);
  allClose(out.slice(12), softmax([1, 2, 3]).data, 0, 0, 'a finite row is unaffected');
});

test('softmax(x) of a 0-d input is 1, and of an empty axis is empty', () => {
  assert.deepEqual(softmax(7), { data: Float64Array.from([1]), shape: [] });
  assert.deepEqual(softmax({ data: [], shape: [2, 0] }), { data: new Float64Array(0), shape: [2, 0] });
});

test('softmax(x, options) throws naming the axis when it does not exist, and the options when not an object', () => {
  const x = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  for (const axis of [2, -3, 1.5, Number.NaN]) {
    throwsWith(
      () => softmax(x, { axis }),
      RangeError,
      new RegExp(
        `^softmax: axis must be an integer in \\[-2, 1\\] for an input of shape \\[2, 3\\], got ${axis}`,
      ),
    );
  }
  throwsWith(
    () => softmax(x, { axis: '0' as never }),
    RangeError,
    /^softmax: axis must be an integer in \[-2, 1\]/,
  );
  throwsWith(() => softmax(x, 1 as never), TypeError, /^softmax: options must be an object, got 1/);
});

activationContracts('softmax', softmax as AnyActivation, withAxis);
