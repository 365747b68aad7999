/**
 * sigmoidFocalLoss (torchvision): α_t · (1 - p_t)^γ · BCE(x, y); the doc formula with a naive sigmoid,
 * finite differences across α and γ, its reduction to BCE for γ = 0, the default reduction, errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  binaryCrossEntropyWithLogits,
  binaryCrossEntropyWithLogitsWithGrad,
  sigmoidFocalLoss,
  sigmoidFocalLossWithGrad,
} from '../../src/index.ts';
import { elementBatch, RUNS } from '../support/arbitraries.ts';
import { allClose, closeTo, REL64 } from '../support/close.ts';
import { type AnyLoss, type AnyLossWithGrad, lossContracts } from '../support/contracts.ts';
import { checkGradient } from '../support/gradcheck.ts';
import { elements, naiveSigmoid, size, total } from '../support/naive.ts';
import { bits, seeded, uniform } from '../support/random.ts';
import { throwsWith } from '../support/throws.ts';

const REDUCTIONS = ['none', 'mean', 'sum', 'batchmean'] as const;

/** The doc's formula: p = σ(x), p_t = p·y + (1 - p)(1 - y), loss = α_t · (1 - p_t)^γ · BCE(x, y). */
function reference(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  shape: readonly number[],
  alpha: number,
  gamma: number,
) {
  const none = Array.from(x, (xk, k) => {
    const p = naiveSigmoid(xk);
    const bce = -(y[k] * Math.log(p) + (1 - y[k]) * Math.log(1 - p));
    const pt = p * y[k] + (1 - p) * (1 - y[k]);
    const at = alpha < 0 ? 1 : alpha * y[k] + (1 - alpha) * (1 - y[k]);
    return at * (1 - pt) ** gamma * bce;
  });
  const sum = none.reduce((a, b) => a + b, 0);
  return { none, sum, mean: sum / none.length, batchmean: sum / shape[0] };
}

const SETTINGS = [
  { alpha: 0.25, gamma: 2 },
  { alpha: -1, gamma: 2 },
  { alpha: 0.9, gamma: 0 },
  { alpha: 0.5, gamma: 0.5 },
  { alpha: 0, gamma: 1 },
  { alpha: 1, gamma: 3.5 },
];

function* calls(seed: number) {
  const random = seeded(seed);
  for (const shape of [[5], [3, 4], [2, 3, 2]]) {
    const n = size(shape);
    const y = bits(random, n);
    y[0] = 0.3; // a soft target too
    yield { shape, x: uniform(random, n, -4, 4), y };
  }
}

test('sigmoidFocalLoss(input, target) equals the doc formula α_t · (1 - p_t)^γ · BCE(x, y) for every α, γ and reduction', () => {
  for (const { shape, x, y } of calls(81)) {
    for (const { alpha, gamma } of SETTINGS) {
      const expected = reference(x, y, shape, alpha, gamma);
      const input = { data: x, shape };
      const target = { data: y, shape };
      const where = `α ${alpha}, γ ${gamma}, shape [${shape}]`;
      const none = sigmoidFocalLoss(input, target, { alpha, gamma });
      assert.deepEqual(none.shape, shape, `${where}: 'none' is the default`);
      allClose(none.data, expected.none, REL64, 1, `${where} none`);
      for (const r of ['sum', 'mean', 'batchmean'] as const) {
        closeTo(
          sigmoidFocalLoss(input, target, { alpha, gamma, reduction: r }),
          expected[r],
          REL64,
          1,
          `${where} ${r}`,
        );
      }
    }
  }
});

test('sigmoidFocalLossWithGrad(input, target, options) agrees with central finite differences for every α, γ and reduction', () => {
  for (const { shape, x, y } of calls(82)) {
    for (const { alpha, gamma } of SETTINGS) {
      for (const reduction of REDUCTIONS) {
        const target = { data: y, shape };
        const options = { alpha, gamma, reduction };
        const { grad } = sigmoidFocalLossWithGrad({ data: x, shape }, target, options);
        checkGradient(
          `α ${alpha}, γ ${gamma}, ${reduction}, shape [${shape}]`,
          (z) => total(sigmoidFocalLoss({ data: z, shape }, target, options)),
          x,
          grad.data,
        );
      }
    }
  }
});

test('sigmoidFocalLossWithGrad keeps confident logits finite and exact for γ < 1 (1 - p_t from σ(-x), not 1 - p_t rounded to 0)', () => {
  const x = [-40, -20, 20, 40, 40, -40];
  const y = [0, 0, 1, 1, 0, 1];
  const sigma = (v: number) => 1 / (1 + Math.exp(-v));
  const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
  for (const gamma of [0.25, 0.5, 2]) {
    const { loss, grad } = sigmoidFocalLossWithGrad(x, y, { gamma, alpha: -1, reduction: 'none' });
    for (let k = 0; k < x.length; k++) {
      const p = sigma(x[k]);
      const pc = sigma(-x[k]);
      const q = y[k] === 1 ? pc : p;
      const bce = y[k] === 1 ? softplus(-x[k]) : softplus(x[k]);
      const where = `γ ${gamma}, x ${x[k]}, y ${y[k]}`;
      closeTo(loss.data[k], q ** gamma * bce, REL64, 0, `${where} loss`);
      const d = q ** gamma * (p - y[k]) - gamma * q ** (gamma - 1) * p * pc * (2 * y[k] - 1) * bce;
      assert.ok(Number.isFinite(grad.data[k]), `${where}: gradient ${grad.data[k]}`);
      closeTo(grad.data[k], d, REL64, 0, `${where} gradient`);
    }
  }
});

test('sigmoidFocalLoss(x, y, { alpha: -1, gamma: 0 }) equals binaryCrossEntropyWithLogits(x, y), and with α ≥ 0 scales it by α_t, loss and gradient', () => {
  fc.assert(
    fc.property(
      elementBatch(-10, 10, true),
      fc.double({ min: 0, max: 1, noNaN: true }),
      ({ values, targets, shape }, alpha) => {
        const input = { data: values, shape };
        const target = { data: targets, shape };
        const bce = binaryCrossEntropyWithLogitsWithGrad(input, target, { reduction: 'none' });
        const plain = sigmoidFocalLossWithGrad(input, target, { alpha: -1, gamma: 0 });
        assert.deepEqual(plain.loss.data, bce.loss.data);
        assert.deepEqual(plain.grad.data, bce.grad.data);
        const at = Array.from(targets, (y) => alpha * y + (1 - alpha) * (1 - y));
        const weighted = sigmoidFocalLossWithGrad(input, target, { alpha, gamma: 0 });
        allClose(
          weighted.loss.data,
          Array.from(bce.loss.data, (v, k) => v * at[k]),
          REL64,
          0,
          'loss',
        );
        allClose(
          weighted.grad.data,
          Array.from(bce.grad.data, (g, k) => g * at[k]),
          REL64,
          0,
          'grad',
        );
      },
    ),
    RUNS,
  );
});

test('sigmoidFocalLoss(input, target) is >= 0 and at most α_t · BCE, for targets in [0, 1]', () => {
  fc.assert(
    fc.property(
      elementBatch(-20, 20),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 5, noNaN: true }),
      ({ values, targets, shape }, alpha, gamma) => {
        const focal = sigmoidFocalLoss(
          { data: values, shape },
          { data: targets, shape },
          { alpha, gamma },
        ).data;
        const bce = binaryCrossEntropyWithLogits(
          { data: values, shape },
          { data: targets, shape },
          { reduction: 'none' },
        ).data;
        focal.forEach((v, k) => {
          assert.ok(v >= 0, `loss ${v}`);
          assert.ok(v <= bce[k] * (1 + 1e-12) + 1e-300, `loss ${v} > BCE ${bce[k]}`);
        });
      },
    ),
    RUNS,
  );
});

test("sigmoidFocalLoss(input, target) uses α = 0.25, γ = 2 and reduction 'none' by default, and 'batchmean' × N, 'mean' × count equal 'sum'", () => {
  fc.assert(
    fc.property(elementBatch(-5, 5, true), ({ values, targets, shape }) => {
      const input = { data: values, shape };
      const target = { data: targets, shape };
      assert.deepEqual(
        sigmoidFocalLoss(input, target),
        sigmoidFocalLoss(input, target, { alpha: 0.25, gamma: 2, reduction: 'none' }),
      );
      const sum = sigmoidFocalLoss(input, target, { reduction: 'sum' });
      closeTo(
        sigmoidFocalLoss(input, target, { reduction: 'batchmean' }) * shape[0],
        sum,
        REL64,
        sum,
        "'batchmean' × N",
      );
      closeTo(
        sigmoidFocalLoss(input, target, { reduction: 'mean' }) * values.length,
        sum,
        REL64,
        sum,
        "'mean' × count",
      );
    }),
    RUNS,
  );
});

test('sigmoidFocalLoss(input, target) gives NaN for NaN, and NaN for an empty mean', () => {
  const none = elements(sigmoidFocalLoss([Number.NaN, 0], [1, 1]));
  assert.ok(Number.isNaN(none[0]), `none ${none}`);
  closeTo(none[1], 0.25 * 0.25 * Math.LN2, REL64, 0, 'x = 0, y = 1');
  assert.ok(Number.isNaN(sigmoidFocalLoss([], [], { reduction: 'mean' })));
  assert.equal(sigmoidFocalLoss([], [], { reduction: 'sum' }), 0);
});

test('sigmoidFocalLoss(input, target, options) throws naming the option for α > 1, γ < 0 or NaN, and mismatched shapes', () => {
  for (const alpha of [1.5, Number.NaN]) {
    throwsWith(
      () => sigmoidFocalLoss([1], [1], { alpha }),
      RangeError,
      new RegExp(`^sigmoidFocalLoss: options\\.alpha must be a number .*, got ${alpha}`),
    );
  }
  for (const gamma of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    throwsWith(
      () => sigmoidFocalLoss([1], [1], { gamma }),
      RangeError,
      new RegExp(`^sigmoidFocalLoss: options\\.gamma must be a number .*, got ${gamma}`),
    );
  }
  throwsWith(
    () => sigmoidFocalLoss([1, 2], [1]),
    RangeError,
    /^sigmoidFocalLoss: target has shape \[1\], expected the input's shape \[2\]/,
  );
});

lossContracts({
  name: 'sigmoidFocalLoss',
  loss: sigmoidFocalLoss as unknown as AnyLoss,
  withGrad: sigmoidFocalLossWithGrad as unknown as AnyLossWithGrad,
  reductions: REDUCTIONS,
  defaultReduction: 'none',
  cases: fc
    .tuple(elementBatch(-5, 5), fc.constantFrom({}, { alpha: -1, gamma: 0 }, { alpha: 0.75, gamma: 1.5 }))
    .map(([{ values, targets, shape }, options]) => ({
      data: values,
      shape,
      target: targets,
      targetShape: shape,
      options,
    })),
});
