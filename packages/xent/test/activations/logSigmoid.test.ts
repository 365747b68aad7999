/** logSigmoid: the doc formula on moderate inputs, its exactness where log(sigmoid(x)) fails, ±Infinity and NaN. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { logSigmoid, sigmoid } from '../../src/index.ts';
import { anyShape, floats, RUNS } from '../support/arbitraries.ts';
import { allClose, closeTo, REL64 } from '../support/close.ts';
import { type AnyActivation, activationContracts } from '../support/contracts.ts';
import { size } from '../support/naive.ts';

const values = anyShape.chain((shape) =>
  fc.record({ shape: fc.constant(shape), data: floats(size(shape), -30, 30) }),
);

test('logSigmoid(x) equals the doc formula -log(1 + exp(-x)) and log(sigmoid(x)) on moderate inputs', () => {
  fc.assert(
    fc.property(values, ({ shape, data }) => {
      const out = logSigmoid({ data, shape });
      assert.deepEqual(out.shape, shape);
      allClose(
        out.data,
        Array.from(data, (v) => -Math.log1p(Math.exp(-v))),
        1e-13,
        0,
        'formula',
      );
      // log(σ(x)) as written loses the tiny term for large x: it is held to the rounding of 1.
      allClose(out.data, sigmoid({ data, shape }).data.map(Math.log), REL64, 1, 'log(sigmoid)');
    }),
    RUNS,
  );
});

test('logSigmoid(x) - logSigmoid(-x) = x, and logSigmoid(x) <= min(x, 0)', () => {
  fc.assert(
    fc.property(values, ({ shape, data }) => {
      const a = logSigmoid({ data, shape }).data;
      const b = logSigmoid({ data: data.map((v) => -v), shape }).data;
      a.forEach((v, k) => {
        closeTo(v - b[k], data[k], REL64, Math.abs(v) + Math.abs(b[k]), `x = ${data[k]}`);
        assert.ok(v <= Math.min(data[k], 0), `logSigmoid(${data[k]}) = ${v}`);
      });
    }),
    RUNS,
  );
});

test('logSigmoid(x) stays exact where log(sigmoid(x)) fails: x for x < -745, -exp(-x) for large x', () => {
  const out = logSigmoid([-800, -1e308, 40, 800]).data;
  assert.deepEqual(Array.from(out.slice(0, 2)), [-800, -1e308]);
  closeTo(out[2], -Math.exp(-40), REL64, 0, 'x = 40');
  closeTo(out[3], -Math.exp(-800), REL64, 0, 'x = 800');
});

test('logSigmoid(x) is 0 at +Infinity, -Infinity at -Infinity, NaN at NaN', () => {
  const out = logSigmoid([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]).data;
  assert.ok(out[0] === 0, `logSigmoid(+Infinity) = ${out[0]}`);
  assert.equal(out[1], Number.NEGATIVE_INFINITY);
  assert.ok(Number.isNaN(out[2]));
});

activationContracts('logSigmoid', logSigmoid as AnyActivation, values);
