/** softplus and logistic, the scalar kernels of the logistic losses: the formulas, and exactness at the extremes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { logistic, softplus } from '../../src/internal/logistic.ts';
import { RUNS } from '../support/arbitraries.ts';
import { closeTo, REL64 } from '../support/close.ts';

const moderate = fc.double({ min: -30, max: 30, noNaN: true });

test('softplus(x) equals log(1 + exp(x)) on moderate inputs, and softplus(x) - softplus(-x) = x', () => {
  fc.assert(
    fc.property(moderate, (x) => {
      closeTo(softplus(x), Math.log1p(Math.exp(x)), 1e-14, 0, `softplus(${x})`);
      closeTo(softplus(x) - softplus(-x), x, REL64, softplus(x) + softplus(-x), `x = ${x}`);
    }),
    RUNS,
  );
});

test('softplus(x) does not overflow and keeps tiny values: softplus(800) = 800, softplus(-800) = exp(-800)', () => {
  assert.equal(softplus(800), 800);
  assert.equal(softplus(1e308), 1e308);
  closeTo(softplus(-40), Math.exp(-40), REL64, 0, 'softplus(-40)');
  closeTo(softplus(-700), Math.exp(-700), REL64, 0, 'softplus(-700)');
  assert.equal(softplus(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
  assert.equal(softplus(Number.NEGATIVE_INFINITY), 0);
  assert.ok(Number.isNaN(softplus(Number.NaN)));
});

test('logistic(x) equals 1 / (1 + exp(-x)), lies in [0, 1], and is 0 below -745 and 1 at +Infinity', () => {
  fc.assert(
    fc.property(moderate, (x) => {
      const p = logistic(x);
      assert.ok(p >= 0 && p <= 1);
      closeTo(p + logistic(-x), 1, REL64, 0, `σ(${x}) + σ(-${x})`);
    }),
    RUNS,
  );
  assert.equal(logistic(-800), 0);
  assert.equal(logistic(Number.POSITIVE_INFINITY), 1);
  assert.equal(logistic(0), 0.5);
});
