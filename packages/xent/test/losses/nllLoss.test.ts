/**
 * nllLoss: -w[t] · x[t] per element, its (constant) gradient, weights and ignoreIndex, and its
 * relation to crossEntropy through logSoftmax.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  crossEntropyWithGrad,
  logSoftmax,
  type NllLossOptions,
  nllLoss,
  nllLossWithGrad,
  type TargetLike,
} from '../../src/index.ts';
import { classBatch, RUNS } from '../support/arbitraries.ts';
import { allClose, closeTo, REL64 } from '../support/close.ts';
import { type AnyLoss, type AnyLossWithGrad, lossContracts } from '../support/contracts.ts';
import { checkGradient } from '../support/gradcheck.ts';
import { classRows, elements, indexShape, scalar, size, total } from '../support/naive.ts';
import { classIndices, seeded, uniform } from '../support/random.ts';
import { throwsWith } from '../support/throws.ts';

type Options = NllLossOptions<'none' | 'mean' | 'sum'>;
const REDUCTIONS = ['none', 'mean', 'sum'] as const;
const WEIGHT = [0.5, 2, 1.25, 0.75];

const indexTarget = (shape: readonly number[], indices: ArrayLike<number>): TargetLike =>
  shape.length === 1 ? indices[0] : { data: Int32Array.from(indices), shape: indexShape(shape) };

/** The doc's formula: loss = -w[t] · x[t]; 'mean' divides by Σ w[t] over the elements not ignored. */
function reference(
  x: ArrayLike<number>,
  shape: readonly number[],
  indices: ArrayLike<number>,
  options: Options,
) {
  const ignore = options.ignoreIndex ?? -100;
  const none: number[] = [];
  let divisor = 0;
  classRows(shape).forEach((row, e) => {
    const t = indices[e];
    if (t === ignore) {
      none.push(0);
      return;
    }
    const w = options.weight ? options.weight[t] : 1;
    divisor += w;
    none.push(-w * x[row[t]]);
  });
  const sum = none.reduce((a, b) => a + b, 0);
  return { none, sum, mean: sum / divisor };
}

function* calls(seed: number, ignoreIndex: number) {
  const random = seeded(seed);
  for (const shape of [[4], [3, 4], [2, 3, 2]]) {
    const classes = shape.length === 1 ? shape[0] : shape[1];
    const n = classRows(shape).length;
    // Only the last element (of several) has the ignored value, so that 'mean' is never 0 / 0.
    const indices = classIndices(random, n, classes).map((t) => (t === ignoreIndex ? (t + 1) % classes : t));
    if (n > 1) indices[n - 1] = ignoreIndex;
    yield { shape, classes, x: uniform(random, size(shape), -4, 0), indices };
  }
}

const OPTIONS: [string, Options][] = [
  ['no options', {}],
  ['weight', { weight: WEIGHT }],
  ['ignoreIndex', { ignoreIndex: 1 }],
  ['weight and ignoreIndex', { weight: WEIGHT, ignoreIndex: 0 }],
];

const cut = (options: Options, classes: number): Options =>
  options.weight ? { ...options, weight: Array.from(options.weight).slice(0, classes) } : options;

test('nllLoss(input, target) equals the doc formula -w[t] · x[t], for every reduction, weight and ignoreIndex', () => {
  for (const [label, options] of OPTIONS) {
    for (const { shape, classes, x, indices } of calls(11, options.ignoreIndex ?? -100)) {
      const o = cut(options, classes);
      const expected = reference(x, shape, indices, o);
      const input = { data: x, shape };
      const where = `${label}, shape [${shape}]`;
      const none = nllLoss(input, indexTarget(shape, indices), { ...o, reduction: 'none' });
      assert.deepEqual(none.shape, indexShape(shape));
      allClose(none.data, expected.none, REL64, 1, `${where} none`);
      closeTo(
        nllLoss(input, indexTarget(shape, indices), { ...o, reduction: 'sum' }),
        expected.sum,
        REL64,
        1,
        `${where} sum`,
      );
      closeTo(
        nllLoss(input, indexTarget(shape, indices), { ...o, reduction: 'mean' }),
        expected.mean,
        REL64,
        1,
        `${where} mean`,
      );
    }
  }
});

for (const [label, options] of OPTIONS) {
  test(`nllLossWithGrad(input, target, { ${label} }) agrees with central finite differences of nllLoss`, () => {
    for (const { shape, classes, x, indices } of calls(12, options.ignoreIndex ?? -100)) {
      for (const reduction of REDUCTIONS) {
        const o = { ...cut(options, classes), reduction };
        const target = indexTarget(shape, indices);
        const { grad } = nllLossWithGrad({ data: x, shape }, target, o);
        checkGradient(
          `${label}, ${reduction}, shape [${shape}]`,
          (z) => total(nllLoss({ data: z, shape }, target, o)),
          x,
          grad.data,
        );
      }
    }
  });
}

test('nllLoss(logSoftmax(x), t) equals crossEntropy(x, t), loss and gradient chained through logSoftmax, with weight and ignoreIndex', () => {
  fc.assert(
    fc.property(
      classBatch(2),
      fc.boolean(),
      fc.constantFrom(...REDUCTIONS),
      ({ shape, logits, indices }, weighted, reduction) => {
        const classes = shape.length === 1 ? shape[0] : shape[1];
        const targets = Int32Array.from(indices, (t, e) => (e === 1 ? 0 : t));
        const options = {
          weight: weighted ? WEIGHT.slice(0, classes) : undefined,
          ignoreIndex: 0,
          reduction,
        };
        const logp = logSoftmax({ data: logits, shape }, { axis: shape.length === 1 ? 0 : 1 });
        const target = indexTarget(shape, targets);
        const nll = nllLossWithGrad(logp, target, options);
        const ce = crossEntropyWithGrad({ data: logits, shape }, target, options);
        if (reduction === 'none') allClose(elements(nll.loss), elements(ce.loss), REL64, 1, 'loss');
        else closeTo(scalar(nll.loss), scalar(ce.loss), REL64, 1, 'loss');
        // d/dx of nll(logSoftmax(x)): g - softmax(x) · Σ g per row.
        const chained = new Float64Array(logits.length);
        for (const row of classRows(shape)) {
          const s = row.reduce((a, k) => a + nll.grad.data[k], 0);
          for (const k of row) chained[k] = nll.grad.data[k] - Math.exp(logp.data[k]) * s;
        }
        allClose(ce.grad.data, chained, REL64, 1, 'grad');
      },
    ),
    RUNS,
  );
});

test('nllLoss(input, target) is >= 0 for log-probabilities (input <= 0) and non-negative weights', () => {
  fc.assert(
    fc.property(classBatch(1), ({ shape, logits, indices }) => {
      const logp = logSoftmax({ data: logits, shape }, { axis: shape.length === 1 ? 0 : 1 });
      for (const v of nllLoss(logp, indexTarget(shape, indices), { reduction: 'none' }).data)
        assert.ok(v >= 0, `loss ${v}`);
    }),
    RUNS,
  );
});

test("nllLoss(input, target, { reduction: 'mean' }) × Σ w[t] equals 'sum' (× N without weight)", () => {
  fc.assert(
    fc.property(classBatch(1), fc.boolean(), ({ shape, logits, indices }, weighted) => {
      const classes = shape.length === 1 ? shape[0] : shape[1];
      const weight = weighted ? WEIGHT.slice(0, classes) : undefined;
      const target = indexTarget(shape, indices);
      const mean = nllLoss({ data: logits, shape }, target, { weight });
      const sum = nllLoss({ data: logits, shape }, target, { weight, reduction: 'sum' });
      let divisor = 0;
      for (const t of indices) divisor += weight ? weight[t] : 1;
      closeTo(mean * divisor, sum, REL64, Math.abs(sum) + 1, "'mean' × divisor");
    }),
    RUNS,
  );
});

test('nllLossWithGrad(input, target) has one non-zero per element, -w[t] (divided by Σ w[t] for mean), at the target', () => {
  const input = { data: Float64Array.from([-1, -2, -3, -4, -5, -6]), shape: [2, 3] };
  const { grad } = nllLossWithGrad(input, [2, 0], { weight: [4, 1, 2] });
  assert.deepEqual(grad.data, Float64Array.from([0, 0, -2 / 6, -4 / 6, 0, 0]));
  assert.deepEqual(
    nllLossWithGrad(input, [2, -100], { reduction: 'sum' }).grad.data,
    Float64Array.from([0, 0, -1, 0, 0, 0]),
  );
});

test('nllLoss(input, target) reads only x[t]: NaN or ±Infinity elsewhere in the row do not matter, x[t] = -Infinity gives +Infinity', () => {
  const input = [
    [Number.NaN, -1, Number.POSITIVE_INFINITY],
    [-2, Number.NEGATIVE_INFINITY, -0.5],
  ];
  assert.equal(nllLoss(input, [1, 2], { reduction: 'sum' }), 1.5);
  const { grad } = nllLossWithGrad(input, [1, 2], { reduction: 'sum' });
  assert.deepEqual(grad.data, Float64Array.from([0, -1, 0, 0, 0, -1]));
  assert.equal(nllLoss(input, [1, 1], { reduction: 'sum' }), Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(nllLoss(input, [0, 2])));
});

test("nllLoss(input, target) on an empty batch or with every target ignored gives NaN for 'mean' and 0 for 'sum'", () => {
  const empty = { data: new Float64Array(0), shape: [0, 3] };
  assert.ok(Number.isNaN(nllLoss(empty, [])));
  assert.equal(nllLoss(empty, [], { reduction: 'sum' }), 0);
  assert.deepEqual(nllLoss(empty, [], { reduction: 'none' }), { data: new Float64Array(0), shape: [0] });
  const input = [
    [-1, -2],
    [-3, -4],
  ];
  assert.ok(Number.isNaN(nllLoss(input, [-100, -100])));
  assert.equal(nllLoss(input, [-100, -100], { reduction: 'sum' }), 0);
  assert.deepEqual(nllLossWithGrad(input, [-100, -100]).grad.data, new Float64Array(4));
});

test('nllLoss(input, target) reads class indices from Int32Array, BigInt64Array, BigUint64Array, Float32Array, plain and nested arrays alike', () => {
  const input = { data: uniform(seeded(13), 12, -3, 0), shape: [2, 3, 2] };
  const expected = nllLossWithGrad(
    input,
    { data: Int32Array.from([2, 0, 1, 1]), shape: [2, 2] },
    { reduction: 'none' },
  );
  const forms: TargetLike[] = [
    { data: BigInt64Array.from([2n, 0n, 1n, 1n]), shape: [2, 2] },
    { data: Float32Array.from([2, 0, 1, 1]), shape: [2, 2] },
    { data: [2, 0, 1, 1], shape: [2, 2] },
    [
      [2, 0],
      [1, 1],
    ],
  ];
  for (const target of forms)
    assert.deepEqual(nllLossWithGrad(input, target, { reduction: 'none' }), expected);
  const flat = { data: input.data.slice(0, 6), shape: [2, 3] };
  const expectedFlat = nllLoss(flat, Int32Array.from([2, 0]));
  for (const target of [
    BigInt64Array.from([2n, 0n]),
    BigUint64Array.from([2n, 0n]),
    Float32Array.from([2, 0]),
    [2, 0],
  ]) {
    assert.equal(nllLoss(flat, target), expectedFlat);
  }
});

test('nllLoss(input, target) throws a RangeError naming the target for an index out of range, not an integer, or a target of the wrong shape', () => {
  const input = [
    [-1, -2],
    [-3, -4],
  ];
  throwsWith(
    () => nllLoss(input, [0, 2]),
    RangeError,
    /^nllLoss: target value 2 at flat position 1 is out of range: expected an integer in \[0, 1\] or ignoreIndex \(-100\)/,
  );
  throwsWith(
    () => nllLoss(input, [0.5, 0]),
    RangeError,
    /^nllLoss: target value 0\.5 at flat position 0 is not an integer class index/,
  );
  throwsWith(
    () => nllLoss(input, [0, 1, 1]),
    RangeError,
    /^nllLoss: target has 3 rows, expected 2 \(one per row of input\)/,
  );
  throwsWith(
    () =>
      nllLoss(input, [
        [0, 1],
        [1, 0],
      ]),
    RangeError,
    /^nllLoss: target has shape \[2, 2\], expected \[2\] \(class indices: the input's shape without the class axis\) for an input of shape \[2, 2\]/,
  );
  throwsWith(() => nllLoss(-1, 0), RangeError, /^nllLoss: input must have a class dimension/);
});

test('nllLoss(input, target, options) throws naming the option for a weight of the wrong length or a non-integer ignoreIndex', () => {
  throwsWith(
    () => nllLoss([[-1, -2]], [0], { weight: [1, 2, 3] }),
    RangeError,
    /^nllLoss: options\.weight has shape \[3\], expected one weight per class: \[2\]/,
  );
  throwsWith(
    () => nllLoss([[-1, -2]], [0], { ignoreIndex: Number.NaN }),
    TypeError,
    /^nllLoss: options\.ignoreIndex must be an integer, got NaN/,
  );
  throwsWith(
    () => nllLossWithGrad([[-1, -2]], [0], { ignoreIndex: '1' as never }),
    TypeError,
    /^nllLoss: options\.ignoreIndex must be an integer, got "1"/,
  );
});

lossContracts({
  name: 'nllLoss',
  loss: nllLoss as unknown as AnyLoss,
  withGrad: nllLossWithGrad as unknown as AnyLossWithGrad,
  reductions: REDUCTIONS,
  defaultReduction: 'mean',
  cases: fc.tuple(classBatch(1), fc.boolean()).map(([{ shape, logits, indices }, weighted]) => {
    const classes = shape.length === 1 ? shape[0] : shape[1];
    return {
      data: logits,
      shape,
      target: indices,
      targetShape: indexShape(shape),
      options: weighted ? { weight: Float64Array.from(WEIGHT.slice(0, classes)) } : {},
    };
  }),
});
