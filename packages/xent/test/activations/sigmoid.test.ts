/** sigmoid: the doc formula, symmetry, range, saturation, ±Infinity and NaN. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sigmoid } from '../../src/index.ts';
import { anyShape, floats, RUNS } from '../support/arbitraries.ts';
import { allClose, REL64 } from '../support/close.ts';
import { type AnyActivation, activationContracts } from '../support/contracts.ts';
import { size } from '../support/naive.ts';

const values = anyShape.chain((shape) =>
  fc.record({ shape: fc.constant(shape), data: floats(size(shape), -30, 30) }),
);

test('sigmoid(x) equals the doc formula 1 / (1 + exp(-x)), elementwise, keeping the shape', () => {
  fc.assert(
    fc.property(values, ({ shape, data }) => {
      const out = sigmoid({ data, shape });
      assert.deepEqual(out.shape, shape);
      allClose(
        out.data,
        Array.from(data, (v) => 1 / (1 + Math.exp(-v))),
        REL64,
        0,
        'sigmoid',
      );
    }),
    RUNS,
  );
});

test('sigmoid(x) lies in [0, 1] and satisfies sigmoid(-x) = 1 - sigmoid(x)', () => {
  fc.assert(
    fc.property(values, ({ shape, data }) => {
      const p = sigmoid({ data, shape }).data;
      const q = sigmoid({ data: data.map((v) => -v), shape }).data;
      for (const v of p) assert.ok(v >= 0 && v <= 1, `σ = ${v}`);
      // 1 - σ(x) is a difference of terms of size 1.
      allClose(
        q,
        Array.from(p, (v) => 1 - v),
        REL64,
        1,
        'symmetry',
      );
    }),
    RUNS,
  );
});

test('sigmoid(x) is 1 at +Infinity, 0 at -Infinity and below -745, NaN at NaN, and 0.5 at 0', () => {
  const out = sigmoid([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -800, 0, 40, Number.NaN]).data;
  assert.deepEqual(Array.from(out.slice(0, 5)), [1, 0, 0, 0.5, 1]);
  assert.ok(Number.isNaN(out[5]));
  assert.ok(sigmoid([-700]).data[0] > 0, 'σ(-700) is a positive subnormal-free double');
});

activationContracts('sigmoid', sigmoid as AnyActivation, values);
