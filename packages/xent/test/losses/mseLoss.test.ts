/** mseLoss: (x - y)², its gradient 2 (x - y), the reductions, special values and errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { mseLoss, mseLossWithGrad } from '../../src/index.ts';
import { elementBatch, floats, RUNS } from '../support/arbitraries.ts';
import { allClose, closeTo, REL64 } from '../support/close.ts';
import { type AnyLoss, type AnyLossWithGrad, lossContracts } from '../support/contracts.ts';
import { checkGradient } from '../support/gradcheck.ts';
import { size, total } from '../support/naive.ts';
import { seeded, uniform } from '../support/random.ts';
import { throwsWith } from '../support/throws.ts';

const REDUCTIONS = ['none', 'mean', 'sum'] as const;

test('mseLoss(input, target) equals the doc formula (x - y)², for every reduction', () => {
  const random = seeded(61);
  for (const shape of [[5], [3, 4], [2, 3, 2]]) {
    const x = uniform(random, size(shape), -3, 3);
    const y = uniform(random, size(shape), -3, 3);
    const none = Array.from(x, (v, k) => (v - y[k]) * (v - y[k]));
    const sum = none.reduce((a, b) => a + b, 0);
    const input = { data: x, shape };
    const target = { data: y, shape };
    const result = mseLoss(input, target, { reduction: 'none' });
    assert.deepEqual(result.shape, shape);
    allClose(result.data, none, REL64, 0, `none [${shape}]`);
    closeTo(mseLoss(input, target, { reduction: 'sum' }), sum, REL64, 0, `sum [${shape}]`);
    closeTo(mseLoss(input, target), sum / none.length, REL64, 0, `mean [${shape}]`);
  }
});

test('mseLossWithGrad(input, target) agrees with central finite differences for every reduction', () => {
  const random = seeded(62);
  for (const shape of [[5], [3, 4], [2, 3, 2]]) {
    const x = uniform(random, size(shape), -3, 3);
    const target = { data: uniform(random, size(shape), -3, 3), shape };
    for (const reduction of REDUCTIONS) {
      const { grad } = mseLossWithGrad({ data: x, shape }, target, { reduction });
      checkGradient(
        `${reduction}, shape [${shape}]`,
        (z) => total(mseLoss({ data: z, shape }, target, { reduction })),
        x,
        grad.data,
      );
    }
  }
});

test("mseLossWithGrad(input, target, { reduction: 'sum' }) is 2 (x - y), and 'mean' divides it by the element count", () => {
  fc.assert(
    fc.property(
      elementBatch(-10, 10).chain((b) => floats(b.values.length, -10, 10).map((y) => ({ ...b, y }))),
      ({ values, shape, y }) => {
        const sum = mseLossWithGrad({ data: values, shape }, { data: y, shape }, { reduction: 'sum' });
        assert.deepEqual(
          sum.grad.data,
          values.map((v, k) => 2 * (v - y[k])),
        );
        const mean = mseLossWithGrad({ data: values, shape }, { data: y, shape });
        allClose(
          mean.grad.data,
          sum.grad.data.map((g) => g / values.length),
          REL64,
          0,
          'mean grad',
        );
      },
    ),
    RUNS,
  );
});

test("mseLoss(input, target) is >= 0, 0 at input = target, and 'mean' × element count equals 'sum'", () => {
  fc.assert(
    fc.property(
      elementBatch(-10, 10).chain((b) => floats(b.values.length, -10, 10).map((y) => ({ ...b, y }))),
      ({ values, shape, y }) => {
        const input = { data: values, shape };
        for (const v of mseLoss(input, { data: y, shape }, { reduction: 'none' }).data)
          assert.ok(v >= 0, `loss ${v}`);
        assert.equal(mseLoss(input, { data: values, shape }, { reduction: 'sum' }), 0);
        const sum = mseLoss(input, { data: y, shape }, { reduction: 'sum' });
        closeTo(mseLoss(input, { data: y, shape }) * values.length, sum, REL64, sum, "'mean' × count");
      },
    ),
    RUNS,
  );
});

test('mseLoss(input, target) gives +Infinity for ±Infinity, NaN for NaN or ∞ - ∞, and NaN for an empty mean', () => {
  const inf = Number.POSITIVE_INFINITY;
  const none = mseLoss([inf, -inf, Number.NaN, inf, 1], [0, 0, 0, inf, 1], { reduction: 'none' }).data;
  assert.deepEqual(Array.from(none.slice(0, 2)), [inf, inf]);
  assert.ok(Number.isNaN(none[2]) && Number.isNaN(none[3]), `none ${none}`);
  assert.equal(none[4], 0);
  assert.ok(Number.isNaN(mseLoss([], [])));
  assert.equal(mseLoss([], [], { reduction: 'sum' }), 0);
});

test('mseLoss(input, target) throws naming the argument for mismatched shapes or a reduction it lacks', () => {
  throwsWith(
    () => mseLoss([1, 2], [1, 2, 3]),
    RangeError,
    /^mseLoss: target has shape \[3\], expected the input's shape \[2\]/,
  );
  throwsWith(
    () => mseLoss([1, 2], [1, 2], { reduction: 'batchmean' as never }),
    TypeError,
    /^mseLoss: reduction must be one of 'none', 'mean', 'sum', got "batchmean"/,
  );
});

lossContracts({
  name: 'mseLoss',
  loss: mseLoss as unknown as AnyLoss,
  withGrad: mseLossWithGrad as unknown as AnyLossWithGrad,
  reductions: REDUCTIONS,
  defaultReduction: 'mean',
  cases: elementBatch(-5, 5).map(({ values, targets, shape }) => ({
    data: values,
    shape,
    target: targets,
    targetShape: shape,
    options: {},
  })),
});
