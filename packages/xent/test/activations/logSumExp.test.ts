/** logSumExp: the doc formula, the removed axis, bounds, stability, ±Infinity, NaN, empty axes, errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { logSumExp } from '../../src/index.ts';
import { anyShape, floats, RUNS } from '../support/arbitraries.ts';
import { allClose, closeTo, REL64 } from '../support/close.ts';
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

test('logSumExp(x, { axis }) equals the doc formula log Σ exp(x[k]) and removes the axis from the shape', () => {
  fc.assert(
    fc.property(withAxis, ({ shape, data, axis }) => {
      const out = logSumExp({ data, shape }, { axis });
      const a = axis < 0 ? axis + shape.length : axis;
      assert.deepEqual(
        out.shape,
        shape.filter((_, d) => d !== a),
      );
      const expected = axisRows(shape, axis).map((row) => naiveLogSumExp(row.map((k) => data[k])));
      allClose(out.data, expected, 1e-13, 10, `axis ${axis}`);
    }),
    RUNS,
  );
});

test('logSumExp(x) lies between max(x) and max(x) + log(n), and shifts with its input', () => {
  fc.assert(
    fc.property(withAxis, fc.double({ min: -500, max: 500, noNaN: true }), ({ shape, data, axis }, shift) => {
      const out = logSumExp({ data, shape }, { axis }).data;
      const rows = axisRows(shape, axis);
      rows.forEach((row, e) => {
        const m = Math.max(...row.map((k) => data[k]));
        assert.ok(
          out[e] >= m && out[e] <= m + Math.log(row.length) + 1e-12,
          `lse ${out[e]}, max ${m}, n ${row.length}`,
        );
      });
      const shifted = logSumExp({ data: data.map((v) => v + shift), shape }, { axis }).data;
      allClose(
        shifted,
        Array.from(out, (v) => v + shift),
        1e-12,
        1e3,
        'shifted',
      );
    }),
    RUNS,
  );
});

test('logSumExp(x) is exact for large inputs: logSumExp([1000, 1000]) = 1000 + log 2', () => {
  closeTo(logSumExp([1000, 1000]).data[0], 1000 + Math.LN2, REL64, 0, '1000');
  closeTo(logSumExp([-1000, -1000]).data[0], -1000 + Math.LN2, REL64, 0, '-1000');
  assert.equal(logSumExp([1e308, 1e308]).data[0], 1e308 + Math.LN2);
});

test('logSumExp(x) gives +Infinity for a slice holding +Infinity, -Infinity for all -Infinity, NaN for NaN, -Infinity for an empty axis', () => {
  const inf = Number.POSITIVE_INFINITY;
  const out = logSumExp([
    [1, inf],
    [inf, -inf],
    [-inf, -inf],
    [Number.NaN, 1],
    [Number.NaN, inf],
  ]).data;
  assert.deepEqual(Array.from(out.slice(0, 3)), [inf, inf, -inf]);
  assert.ok(Number.isNaN(out[3]) && Number.isNaN(out[4]), `NaN rows: ${out.slice(3)}`);
  assert.deepEqual(logSumExp({ data: [], shape: [2, 0] }), {
    data: Float64Array.from([-inf, -inf]),
    shape: [2],
  });
});

test('logSumExp(x) of a 0-d input is x, and works along the last axis by default', () => {
  assert.deepEqual(logSumExp(3), { data: Float64Array.from([3]), shape: [] });
  fc.assert(
    fc.property(withAxis, ({ shape, data }) => {
      assert.deepEqual(logSumExp({ data, shape }), logSumExp({ data, shape }, { axis: -1 }));
    }),
    RUNS,
  );
});

test('logSumExp(x, options) throws naming the axis when it does not exist', () => {
  throwsWith(
    () => logSumExp([[1, 2]], { axis: -3 }),
    RangeError,
    /^logSumExp: axis must be an integer in \[-2, 1\] for an input of shape \[1, 2\], got -3/,
  );
  throwsWith(
    () => logSumExp(1, { axis: 1 }),
    RangeError,
    /^logSumExp: axis must be an integer in \[-1, 0\] for an input of shape \[\], got 1/,
  );
});

activationContracts(
  'logSumExp',
  ((x: Parameters<typeof logSumExp>[0], options?: object) => logSumExp(x, options)) as AnyActivation,
  withAxis,
);
