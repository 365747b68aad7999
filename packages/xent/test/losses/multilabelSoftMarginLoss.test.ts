/**
 * multilabelSoftMarginLoss: the class-averaged logistic loss of PyTorch; the doc formula, finite
 * differences with weight, its equality with binaryCrossEntropyWithLogits, shapes, special values, errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  binaryCrossEntropyWithLogits,
  type MultilabelSoftMarginLossOptions,
  multilabelSoftMarginLoss,
  multilabelSoftMarginLossWithGrad,
} from '../../src/index.ts';
import { broadcastWeight, elementBatch, RUNS } from '../support/arbitraries.ts';
import { allClose, closeTo, REL64 } from '../support/close.ts';
import { type AnyLoss, type AnyLossWithGrad, lossContracts } from '../support/contracts.ts';
import { checkGradient } from '../support/gradcheck.ts';
import { broadcast, naiveSigmoid, size, total } from '../support/naive.ts';
import { bits, seeded, uniform } from '../support/random.ts';
import { throwsWith } from '../support/throws.ts';

type Weight = { data: Float64Array; shape: number[] };
const REDUCTIONS = ['none', 'mean', 'sum'] as const;
const api = <R extends 'none' | 'mean' | 'sum'>(weight: Weight | undefined, reduction: R) =>
  ({ weight, reduction }) as unknown as MultilabelSoftMarginLossOptions<R>;

/** The doc's formula per sample (the last dimension): -(1 / C) · Σ_c w[c] · (y log σ(x) + (1 - y) log σ(-x)). */
function reference(x: ArrayLike<number>, y: ArrayLike<number>, shape: readonly number[], weight?: Weight) {
  const w = broadcast(weight, shape);
  const C = shape[shape.length - 1];
  const none: number[] = [];
  for (let n = 0; n < x.length / C; n++) {
    let s = 0;
    for (let c = 0; c < C; c++) {
      const k = n * C + c;
      s += w[k] * (y[k] * Math.log(naiveSigmoid(x[k])) + (1 - y[k]) * Math.log(naiveSigmoid(-x[k])));
    }
    none.push(-s / C);
  }
  const sum = none.reduce((a, b) => a + b, 0);
  return { none, sum, mean: sum / none.length };
}

function* calls(seed: number) {
  const random = seeded(seed);
  for (const shape of [[5], [3, 4], [2, 3, 2]]) {
    const n = size(shape);
    const last = [shape[shape.length - 1]];
    yield {
      shape,
      x: uniform(random, n, -4, 4),
      y: bits(random, n),
      weights: [undefined, { data: uniform(random, last[0], 0.25, 2), shape: last }],
    };
  }
}

test('multilabelSoftMarginLoss(input, target) equals the doc formula -(1/C) Σ w · (y log σ(x) + (1 - y) log σ(-x)) per sample', () => {
  for (const { shape, x, y, weights } of calls(71)) {
    for (const weight of weights) {
      const expected = reference(x, y, shape, weight);
      const input = { data: x, shape };
      const target = { data: y, shape };
      const where = `weight ${weight ? 'yes' : 'no'}, shape [${shape}]`;
      const none = multilabelSoftMarginLoss(input, target, api(weight, 'none'));
      assert.deepEqual(none.shape, shape.slice(0, -1), `${where}: one loss per sample`);
      allClose(none.data, expected.none, REL64, 1, `${where} none`);
      closeTo(
        multilabelSoftMarginLoss(input, target, api(weight, 'sum')),
        expected.sum,
        REL64,
        1,
        `${where} sum`,
      );
      closeTo(
        multilabelSoftMarginLoss(input, target, api(weight, 'mean')),
        expected.mean,
        REL64,
        1,
        `${where} mean`,
      );
    }
  }
});

test('multilabelSoftMarginLossWithGrad(input, target, options) agrees with central finite differences, with and without weight, for every reduction', () => {
  for (const { shape, x, y, weights } of calls(72)) {
    for (const weight of weights) {
      for (const reduction of REDUCTIONS) {
        const target = { data: y, shape };
        const { grad } = multilabelSoftMarginLossWithGrad({ data: x, shape }, target, api(weight, reduction));
        checkGradient(
          `weight ${weight ? 'yes' : 'no'}, ${reduction}, shape [${shape}]`,
          (z) => total(multilabelSoftMarginLoss({ data: z, shape }, target, api(weight, reduction))),
          x,
          grad.data,
        );
      }
    }
  }
});

test("multilabelSoftMarginLoss(input, target) equals binaryCrossEntropyWithLogits(input, target, { reduction: 'mean' }), and × C its 'batchmean', with weight", () => {
  fc.assert(
    fc.property(
      elementBatch(-10, 10, true).chain((b) =>
        fc.option(broadcastWeight(b.shape)).map((w) => ({ ...b, w: w ?? undefined })),
      ),
      ({ values, targets, shape, w }) => {
        const input = { data: values, shape };
        const target = { data: targets, shape };
        const mean = multilabelSoftMarginLoss(input, target, api(w, 'mean'));
        const options = { weight: w as unknown as ArrayLike<number> };
        // Both sum the same terms (each of size up to 10 · w): held to the rounding of that scale.
        closeTo(mean, binaryCrossEntropyWithLogits(input, target, options), REL64, 10, "BCE 'mean'");
        const C = shape[shape.length - 1];
        if (shape.length === 2) {
          closeTo(
            mean * C,
            binaryCrossEntropyWithLogits(input, target, { ...options, reduction: 'batchmean' }),
            REL64,
            10 * C,
            "BCE 'batchmean'",
          );
        }
        const none = multilabelSoftMarginLoss(input, target, api(w, 'none')).data;
        const bce = binaryCrossEntropyWithLogits(input, target, { ...options, reduction: 'none' }).data;
        none.forEach((v, n) => {
          const row = Array.from(bce.slice(n * C, (n + 1) * C));
          closeTo(v, row.reduce((a, b) => a + b, 0) / C, REL64, 10, `sample ${n}`);
        });
      },
    ),
    RUNS,
  );
});

test('multilabelSoftMarginLoss(input, target) is >= 0 for 0/1 targets, and its gradient is w · (σ(x) - y) / C per sample', () => {
  fc.assert(
    fc.property(elementBatch(-30, 30, true), ({ values, targets, shape }) => {
      const { loss, grad } = multilabelSoftMarginLossWithGrad(
        { data: values, shape },
        { data: targets, shape },
        { reduction: 'none' },
      );
      for (const v of loss.data) assert.ok(v >= 0, `loss ${v}`);
      const C = shape[shape.length - 1];
      allClose(
        grad.data,
        Array.from(values, (v, k) => (naiveSigmoid(v) - targets[k]) / C),
        REL64,
        1 / C,
        'grad',
      );
    }),
    RUNS,
  );
});

test("multilabelSoftMarginLoss(input, target, { reduction: 'mean' }) × sample count equals 'sum'", () => {
  fc.assert(
    fc.property(elementBatch(-10, 10, true), ({ values, targets, shape }) => {
      const input = { data: values, shape };
      const target = { data: targets, shape };
      const sum = multilabelSoftMarginLoss(input, target, { reduction: 'sum' });
      const samples = values.length / shape[shape.length - 1];
      closeTo(multilabelSoftMarginLoss(input, target) * samples, sum, REL64, sum, "'mean' × N");
    }),
    RUNS,
  );
});

test('multilabelSoftMarginLoss(input, target) averages over the last dimension for any rank: (C) gives a 0-d loss, (N, d, C) one per (n, d)', () => {
  const x = uniform(seeded(73), 12, -2, 2);
  const y = bits(seeded(74), 12);
  const none = multilabelSoftMarginLoss(
    { data: x, shape: [2, 2, 3] },
    { data: y, shape: [2, 2, 3] },
    { reduction: 'none' },
  );
  assert.deepEqual(none.shape, [2, 2]);
  const flat = multilabelSoftMarginLoss(
    { data: x, shape: [4, 3] },
    { data: y, shape: [4, 3] },
    { reduction: 'none' },
  );
  assert.deepEqual(none.data, flat.data);
  const one = multilabelSoftMarginLoss(x.slice(0, 3), y.slice(0, 3), { reduction: 'none' });
  assert.deepEqual(one.shape, []);
  assert.equal(one.data[0], flat.data[0]);
});

test('multilabelSoftMarginLoss(input, target) handles ±Infinity logits term by term as PyTorch (Infinity when confidently wrong, NaN when right) and NaN per sample', () => {
  const inf = Number.POSITIVE_INFINITY;
  const none = multilabelSoftMarginLoss(
    [
      [-inf, 0],
      [inf, 0],
      [inf, -inf],
      [Number.NaN, 0],
    ],
    [
      [1, 0],
      [0, 0],
      [1, 0],
      [1, 1],
    ],
    { reduction: 'none' },
  ).data;
  assert.deepEqual(Array.from(none.slice(0, 2)), [inf, inf]);
  // A right infinite logit is 0 · ∞ in PyTorch's -(y log σ(x) + (1 - y) log σ(-x)): NaN, as PyTorch.
  assert.ok(Number.isNaN(none[2]), `right infinite logits: ${none[2]}`);
  assert.ok(Number.isNaN(none[3]), `NaN sample: ${none[3]}`);
  assert.ok(Number.isNaN(multilabelSoftMarginLoss({ data: [], shape: [0, 3] }, { data: [], shape: [0, 3] })));
  assert.equal(
    multilabelSoftMarginLoss({ data: [], shape: [0, 3] }, { data: [], shape: [0, 3] }, { reduction: 'sum' }),
    0,
  );
});

test('multilabelSoftMarginLoss(input, target) throws naming the argument for a 0-d input, mismatched shapes, a weight that does not broadcast, or batchmean', () => {
  throwsWith(
    () => multilabelSoftMarginLoss(1, 1),
    RangeError,
    /^multilabelSoftMarginLoss: input must have a class dimension/,
  );
  throwsWith(
    () => multilabelSoftMarginLoss([[1, 2]], [1, 0]),
    RangeError,
    /^multilabelSoftMarginLoss: target has shape \[2\], expected the input's shape \[1, 2\]/,
  );
  throwsWith(
    () => multilabelSoftMarginLoss([[1, 2]], [[1, 0]], { weight: [1, 2, 3] }),
    RangeError,
    /^multilabelSoftMarginLoss: options\.weight of shape \[3\] does not broadcast to the input's shape \[1, 2\]/,
  );
  throwsWith(
    () => multilabelSoftMarginLoss([[1, 2]], [[1, 0]], { reduction: 'batchmean' as never }),
    TypeError,
    /^multilabelSoftMarginLoss: reduction must be one of 'none', 'mean', 'sum', got "batchmean"/,
  );
});

lossContracts({
  name: 'multilabelSoftMarginLoss',
  loss: multilabelSoftMarginLoss as unknown as AnyLoss,
  withGrad: multilabelSoftMarginLossWithGrad as unknown as AnyLossWithGrad,
  reductions: REDUCTIONS,
  defaultReduction: 'mean',
  cases: elementBatch(-5, 5, true).chain(({ values, targets, shape }) =>
    fc.option(broadcastWeight(shape)).map((w) => ({
      data: values,
      shape,
      target: targets,
      targetShape: shape,
      options: w ? { weight: w } : {},
    })),
  ),
});
