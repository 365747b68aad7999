/**
 * categoricalCrossEntropy (Keras, on probabilities): renormalise, clip to [ε, 1 - ε], -Σ y log q'. The doc
 * formula written naively, finite differences through the renormalisation, properties, special values
 * and errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type CategoricalCrossEntropyOptions,
  categoricalCrossEntropy,
  categoricalCrossEntropyWithGrad,
  crossEntropy,
  softmax,
  type TargetLike,
} from '../../src/index.ts';
import { classBatch, floats, RUNS } from '../support/arbitraries.ts';
import { allClose, closeTo, REL64 } from '../support/close.ts';
import { type AnyLoss, type AnyLossWithGrad, lossContracts } from '../support/contracts.ts';
import { checkGradient } from '../support/gradcheck.ts';
import { classRows, elements, indexShape, oneHot, scalar, size, total } from '../support/naive.ts';
import { classIndices, seeded, uniform } from '../support/random.ts';
import { throwsWith } from '../support/throws.ts';

type Options = CategoricalCrossEntropyOptions<'none' | 'mean' | 'sum'>;
const REDUCTIONS = ['none', 'mean', 'sum'] as const;

const indexTarget = (shape: readonly number[], indices: ArrayLike<number>): TargetLike =>
  shape.length === 1 ? indices[0] : { data: Int32Array.from(indices), shape: indexShape(shape) };

/** The doc's formula: q = x / Σ x, q' = clip(q, ε, 1 - ε), loss = -Σ y · log q'; 'mean' over the elements. */
function reference(
  x: ArrayLike<number>,
  shape: readonly number[],
  target: { indices: ArrayLike<number> } | { probabilities: ArrayLike<number> },
  epsilon = 1e-7,
) {
  const none = classRows(shape).map((row, e) => {
    const s = row.reduce((a, k) => a + x[k], 0);
    let loss = 0;
    row.forEach((k, c) => {
      const y = 'indices' in target ? (c === target.indices[e] ? 1 : 0) : target.probabilities[k];
      const q = Math.min(Math.max(x[k] / s, epsilon), 1 - epsilon);
      if (y !== 0) loss -= y * Math.log(q);
    });
    return loss;
  });
  const sum = none.reduce((a, b) => a + b, 0);
  return { none, sum, mean: sum / none.length };
}

function* calls(seed: number) {
  const random = seeded(seed);
  for (const shape of [[4], [3, 4], [2, 3, 2]]) {
    const classes = shape.length === 1 ? shape[0] : shape[1];
    const n = classRows(shape).length;
    const mass = uniform(random, size(shape), 0.05, 1);
    const probabilities = Float64Array.from(mass);
    for (const row of classRows(shape)) {
      const s = row.reduce((a, k) => a + mass[k], 0);
      for (const k of row) probabilities[k] /= s;
    }
    // Scores in [0.2, 1.5] with C <= 4: every q is in [0.04, 0.9], inside any clip used below.
    yield {
      shape,
      x: uniform(random, size(shape), 0.2, 1.5),
      indices: classIndices(random, n, classes),
      probabilities,
    };
  }
}

const EPSILONS: [string, Options][] = [
  ['the default epsilon', {}],
  ['epsilon 0.01', { epsilon: 0.01 }],
  ['epsilon 0', { epsilon: 0 }],
];

test('categoricalCrossEntropy(input, target) equals the doc formula -Σ y · log clip(x / Σ x, ε, 1 - ε), class indices and probabilities', () => {
  for (const [label, o] of EPSILONS) {
    for (const { shape, x, indices, probabilities } of calls(41)) {
      const input = { data: x, shape };
      for (const [kind, target, expected] of [
        ['indices', indexTarget(shape, indices), reference(x, shape, { indices }, o.epsilon)],
        ['probabilities', { data: probabilities, shape }, reference(x, shape, { probabilities }, o.epsilon)],
      ] as const) {
        const where = `${label}, ${kind}, shape [${shape}]`;
        const none = categoricalCrossEntropy(input, target, { ...o, reduction: 'none' });
        assert.deepEqual(none.shape, indexShape(shape));
        allClose(none.data, expected.none, REL64, 1, `${where} none`);
        closeTo(
          categoricalCrossEntropy(input, target, { ...o, reduction: 'sum' }),
          expected.sum,
          REL64,
          1,
          `${where} sum`,
        );
        closeTo(scalar(categoricalCrossEntropy(input, target, o)), expected.mean, REL64, 1, `${where} mean`);
      }
    }
  }
});

for (const [label, o] of EPSILONS) {
  test(`categoricalCrossEntropyWithGrad(input, target, { ${label} }) agrees with central finite differences through the renormalisation`, () => {
    for (const { shape, x, indices, probabilities } of calls(42)) {
      for (const target of [indexTarget(shape, indices), { data: probabilities, shape }]) {
        for (const reduction of REDUCTIONS) {
          const options = { ...o, reduction };
          const { grad } = categoricalCrossEntropyWithGrad({ data: x, shape }, target, options);
          checkGradient(
            `${reduction}, shape [${shape}]`,
            (z) => total(categoricalCrossEntropy({ data: z, shape }, target, options)),
            x,
            grad.data,
          );
        }
      }
    }
  });
}

/**
 * The size of the terms a gradient entry (g[j] - Σ g[c] q[c]) / Σ x is a difference of, the largest
 * over the batch: (y[j] / q[j] + Σ y) / Σ x. An entry that cancels to about 0 is held to their rounding.
 */
function gradientTerms(x: ArrayLike<number>, y: ArrayLike<number>, shape: readonly number[]): number {
  let largest = 0;
  for (const row of classRows(shape)) {
    const s = row.reduce((a, k) => a + x[k], 0);
    const mass = row.reduce((a, k) => a + y[k], 0);
    for (const k of row) largest = Math.max(largest, (y[k] / (x[k] / s) + mass) / s);
  }
  return largest;
}

/** Positive scores of a class batch: the batch's probabilities scaled by random factors per entry. */
const scores = classBatch(2).chain((b) => floats(b.logits.length, 0.2, 3).map((s) => ({ ...b, scores: s })));

test('categoricalCrossEntropy(input, class indices) equals categoricalCrossEntropy(input, one-hot probabilities), loss and gradient', () => {
  fc.assert(
    fc.property(scores, fc.constantFrom(...REDUCTIONS), ({ shape, scores: x, indices }, reduction) => {
      const a = categoricalCrossEntropyWithGrad({ data: x, shape }, indexTarget(shape, indices), {
        reduction,
      });
      const b = categoricalCrossEntropyWithGrad(
        { data: x, shape },
        { data: oneHot(indices, shape), shape },
        { reduction },
      );
      assert.deepEqual(a, b);
    }),
    RUNS,
  );
});

test('categoricalCrossEntropy(input, target) is >= 0, and unchanged when a row of scores is scaled (its gradient scales by 1 / k)', () => {
  fc.assert(
    fc.property(
      scores,
      fc.boolean(),
      fc.double({ min: 0.01, max: 100, noNaN: true }),
      ({ shape, scores: x, indices, probabilities }, soft, k) => {
        const target = soft ? { data: probabilities, shape } : indexTarget(shape, indices);
        const a = categoricalCrossEntropyWithGrad({ data: x, shape }, target, { reduction: 'none' });
        const b = categoricalCrossEntropyWithGrad({ data: x.map((v) => v * k), shape }, target, {
          reduction: 'none',
        });
        for (const v of elements(a.loss)) assert.ok(v >= 0, `loss ${v}`);
        allClose(elements(b.loss), elements(a.loss), REL64, 1, 'loss');
        const y = soft ? probabilities : oneHot(indices, shape);
        allClose(
          b.grad.data,
          a.grad.data.map((g) => g / k),
          REL64,
          gradientTerms(x, y, shape) / k,
          'grad',
        );
      },
    ),
    RUNS,
  );
});

test('categoricalCrossEntropyWithGrad(input, target) gradient rows are orthogonal to their scores: Σ_j x[j] · grad[j] = 0 (scale invariance)', () => {
  fc.assert(
    fc.property(scores, fc.boolean(), ({ shape, scores: x, indices, probabilities }, soft) => {
      const target = soft ? { data: probabilities, shape } : indexTarget(shape, indices);
      const { grad } = categoricalCrossEntropyWithGrad({ data: x, shape }, target, { reduction: 'sum' });
      const scale = gradientTerms(x, soft ? probabilities : oneHot(indices, shape), shape);
      for (const row of classRows(shape)) {
        const dot = row.reduce((a, k) => a + x[k] * grad.data[k], 0);
        const sum = row.reduce((a, k) => a + x[k], 0);
        closeTo(dot, 0, REL64, sum * scale, `row [${row}]`);
      }
    }),
    RUNS,
  );
});

test('categoricalCrossEntropy(softmax(z), t, { epsilon: 0 }) equals crossEntropy(z, t) on moderate logits', () => {
  fc.assert(
    fc.property(classBatch(1), fc.boolean(), ({ shape, logits, indices, probabilities }, soft) => {
      const target = soft ? { data: probabilities, shape } : indexTarget(shape, indices);
      const p = softmax({ data: logits, shape }, { axis: shape.length === 1 ? 0 : 1 });
      const a = categoricalCrossEntropy(p, target, { epsilon: 0, reduction: 'none' }).data;
      const b = crossEntropy({ data: logits, shape }, target, { reduction: 'none' }).data;
      allClose(a, b, 1e-12, 1, 'loss');
    }),
    RUNS,
  );
});

test("categoricalCrossEntropy(input, target, { reduction: 'mean' }) × element count equals 'sum'", () => {
  fc.assert(
    fc.property(scores, ({ shape, scores: x, indices }) => {
      const target = indexTarget(shape, indices);
      const sum = categoricalCrossEntropy({ data: x, shape }, target, { reduction: 'sum' });
      closeTo(
        categoricalCrossEntropy({ data: x, shape }, target) * classRows(shape).length,
        sum,
        REL64,
        sum,
        "'mean' × count",
      );
    }),
    RUNS,
  );
});

test('categoricalCrossEntropy(input, target) clips a predicted 0 to ε: the loss is -log(ε), the gradient 0', () => {
  const { loss, grad } = categoricalCrossEntropyWithGrad([[0, 0.3, 0.7]], [0], { reduction: 'sum' });
  closeTo(scalar(loss), -Math.log(1e-7), REL64, 0, 'default epsilon');
  assert.deepEqual(Array.from(grad.data), [0, 0, 0]);
  closeTo(
    categoricalCrossEntropy([[0, 0.3, 0.7]], [0], { epsilon: 0.01 }),
    -Math.log(0.01),
    REL64,
    0,
    'epsilon 0.01',
  );
  closeTo(
    categoricalCrossEntropy([[0, 0, 1]], [2]),
    -Math.log(1 - 1e-7),
    REL64,
    0,
    'a certain prediction costs -log(1 - ε)',
  );
  assert.equal(categoricalCrossEntropy([[0, 0.3, 0.7]], [0], { epsilon: 0 }), Number.POSITIVE_INFINITY);
});

test('categoricalCrossEntropy(input, target) gives NaN for a row summing to 0 and for NaN, to that element only', () => {
  const none = categoricalCrossEntropy(
    [
      [0, 0, 0],
      [Number.NaN, 0.5, 0.5],
      [0.2, 0.3, 0.5],
    ],
    [1, 2, 2],
    { reduction: 'none' },
  ).data;
  assert.ok(Number.isNaN(none[0]) && Number.isNaN(none[1]), `none ${none}`);
  closeTo(none[2], -Math.log(0.5), REL64, 0, 'the valid row');
  assert.ok(Number.isNaN(categoricalCrossEntropy({ data: [], shape: [0, 3] }, [])));
  assert.equal(categoricalCrossEntropy({ data: [], shape: [0, 3] }, [], { reduction: 'sum' }), 0);
});

test('categoricalCrossEntropy(input, target) reads class indices from Int32Array, BigInt64Array, Float32Array, plain and nested arrays alike', () => {
  const input = { data: uniform(seeded(43), 12, 0.1, 1), shape: [2, 3, 2] };
  const expected = categoricalCrossEntropyWithGrad(input, {
    data: Int32Array.from([2, 0, 1, 1]),
    shape: [2, 2],
  });
  for (const target of [
    { data: BigInt64Array.from([2n, 0n, 1n, 1n]), shape: [2, 2] },
    { data: Float32Array.from([2, 0, 1, 1]), shape: [2, 2] },
    { data: [2, 0, 1, 1], shape: [2, 2] },
    [
      [2, 0],
      [1, 1],
    ],
  ]) {
    assert.deepEqual(categoricalCrossEntropyWithGrad(input, target), expected);
  }
});

test('categoricalCrossEntropy(input, target) throws a RangeError naming the input for a negative value', () => {
  for (const bad of [-0.1, Number.NEGATIVE_INFINITY]) {
    const re = new RegExp(
      `^categoricalCrossEntropy: input values must be probabilities \\(>= 0\\), got ${bad} at flat position 1`,
    );
    throwsWith(() => categoricalCrossEntropy([[0.5, bad]], [0]), RangeError, re);
    throwsWith(() => categoricalCrossEntropyWithGrad([[0.5, bad]], [0]), RangeError, re);
  }
});

test('categoricalCrossEntropy(input, target, options) throws naming the argument for a bad class index, target shape, epsilon or reduction', () => {
  const input = [
    [0.2, 0.8],
    [0.5, 0.5],
  ];
  throwsWith(
    () => categoricalCrossEntropy(input, [0, 2]),
    RangeError,
    /^categoricalCrossEntropy: target value 2 at flat position 1 is out of range: expected an integer in \[0, 1\] \(input has 2 classes\)/,
  );
  throwsWith(
    () => categoricalCrossEntropy(input, [0.5, 1]),
    RangeError,
    /^categoricalCrossEntropy: target value 0\.5 at flat position 0 is not an integer class index/,
  );
  throwsWith(
    () => categoricalCrossEntropy(input, [0]),
    RangeError,
    /^categoricalCrossEntropy: target has 1 rows, expected 2 \(one per row of input\)/,
  );
  for (const epsilon of [0.5, -0.1, Number.NaN]) {
    throwsWith(
      () => categoricalCrossEntropy(input, [0, 1], { epsilon }),
      RangeError,
      new RegExp(
        `^categoricalCrossEntropy: options\\.epsilon must be a number between 0 and 0\\.49.*, got ${epsilon}`,
      ),
    );
  }
  throwsWith(
    () => categoricalCrossEntropy(input, [0, 1], { reduction: 'batchmean' as never }),
    TypeError,
    /^categoricalCrossEntropy: reduction must be one of 'none', 'mean', 'sum', got "batchmean"/,
  );
});

lossContracts({
  name: 'categoricalCrossEntropy',
  loss: categoricalCrossEntropy as unknown as AnyLoss,
  withGrad: categoricalCrossEntropyWithGrad as unknown as AnyLossWithGrad,
  reductions: REDUCTIONS,
  defaultReduction: 'mean',
  cases: fc
    .tuple(scores, fc.boolean(), fc.constantFrom({}, { epsilon: 0.01 }))
    .map(([{ shape, scores: x, indices, probabilities }, soft, options]) => ({
      data: x,
      shape,
      target: soft ? probabilities : indices,
      targetShape: soft ? shape : indexShape(shape),
      options,
    })),
});
