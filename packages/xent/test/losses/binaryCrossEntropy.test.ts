/**
 * binaryCrossEntropy on probabilities: the doc formula with PyTorch's log clamp or Keras's epsilon clip,
 * finite differences of the gradient away from the clip, smoothing, broadcast weights and errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type BinaryCrossEntropyOptions,
  binaryCrossEntropy,
  binaryCrossEntropyWithGrad,
  binaryCrossEntropyWithLogits,
  sigmoid,
} from '../../src/index.ts';
import { broadcastWeight, elementBatch, RUNS } from '../support/arbitraries.ts';
import { allClose, closeTo, REL64 } from '../support/close.ts';
import { type AnyLoss, type AnyLossWithGrad, lossContracts } from '../support/contracts.ts';
import { checkGradient } from '../support/gradcheck.ts';
import { broadcast, elements, scalar, size, total } from '../support/naive.ts';
import { seeded, uniform } from '../support/random.ts';
import { throwsWith } from '../support/throws.ts';

type Reduction = 'none' | 'mean' | 'sum' | 'batchmean';
type Weight = { data: Float64Array; shape: number[] };
interface Options {
  weight?: Weight;
  labelSmoothing?: number;
  epsilon?: number;
}
const REDUCTIONS = ['none', 'mean', 'sum', 'batchmean'] as const;

/** The public options: a weight tensor passes as the option (it is read as a tensor and broadcast). */
const api = <R extends Reduction>(o: Options, reduction?: R) =>
  ({ ...o, reduction }) as unknown as BinaryCrossEntropyOptions<R>;

/**
 * The doc's formula: loss = -w · (y · log(x) + (1 - y) · log(1 - x)) with y smoothed to
 * y · (1 - ε) + ε / 2; each log clamped at -100 (PyTorch), or with `epsilon` x clipped to [ε, 1 - ε].
 */
function reference(x: ArrayLike<number>, y: ArrayLike<number>, shape: readonly number[], o: Options) {
  const w = broadcast(o.weight, shape);
  const s = o.labelSmoothing ?? 0;
  const none = Array.from(x, (xk, k) => {
    const t = y[k] * (1 - s) + s / 2;
    if (o.epsilon !== undefined) {
      const p = Math.min(Math.max(xk, o.epsilon), 1 - o.epsilon);
      return -w[k] * (t * Math.log(p) + (1 - t) * Math.log(1 - p));
    }
    return -w[k] * (t * Math.max(Math.log(xk), -100) + (1 - t) * Math.max(Math.log(1 - xk), -100));
  });
  const sum = none.reduce((a, b) => a + b, 0);
  return { none, sum, mean: sum / none.length, batchmean: sum / (shape.length ? shape[0] : 1) };
}

const SHAPES = [[5], [3, 4], [2, 3, 2]];

function* calls(seed: number) {
  const random = seeded(seed);
  for (const shape of SHAPES) {
    const n = size(shape);
    const last = [shape[shape.length - 1]];
    const lead = [shape[0], ...shape.slice(1).map(() => 1)];
    yield {
      shape,
      // Away from 0 and 1, and from any epsilon below 0.05: the clip never acts, the gradient is smooth.
      x: uniform(random, n, 0.05, 0.95),
      y: uniform(random, n, 0, 1),
      weights: [
        { data: uniform(random, size(last), 0.25, 2), shape: last },
        { data: uniform(random, size(lead), 0.25, 2), shape: lead },
      ],
    };
  }
}

function optionSets(weights: Weight[]): [string, Options][] {
  return [
    ['no options', {}],
    ['a per-class weight', { weight: weights[0] }],
    ['a per-sample weight', { weight: weights[1] }],
    ['labelSmoothing', { labelSmoothing: 0.2 }],
    ['epsilon', { epsilon: 0.01 }],
    ['weight, labelSmoothing and epsilon', { weight: weights[0], labelSmoothing: 0.1, epsilon: 1e-7 }],
  ];
}

test('binaryCrossEntropy(input, target) equals the doc formula -w · (y log x + (1 - y) log(1 - x)) for every reduction and option', () => {
  for (const { shape, x, y, weights } of calls(21)) {
    for (const [label, o] of optionSets(weights)) {
      const expected = reference(x, y, shape, o);
      const input = { data: x, shape };
      const target = { data: y, shape };
      const where = `${label}, shape [${shape}]`;
      const none = binaryCrossEntropy(input, target, api(o, 'none'));
      assert.deepEqual(none.shape, shape);
      allClose(none.data, expected.none, REL64, 1, `${where} none`);
      for (const r of ['sum', 'mean', 'batchmean'] as const) {
        closeTo(scalar(binaryCrossEntropy(input, target, api(o, r))), expected[r], REL64, 1, `${where} ${r}`);
      }
    }
  }
});

test('binaryCrossEntropyWithGrad(input, target, options) agrees with central finite differences for every reduction, weight, labelSmoothing and epsilon', () => {
  for (const { shape, x, y, weights } of calls(22)) {
    for (const [label, o] of optionSets(weights)) {
      for (const reduction of REDUCTIONS) {
        const target = { data: y, shape };
        const { grad } = binaryCrossEntropyWithGrad({ data: x, shape }, target, api(o, reduction));
        checkGradient(
          `${label}, ${reduction}, shape [${shape}]`,
          (z) => total(binaryCrossEntropy({ data: z, shape }, target, api(o, reduction))),
          x,
          grad.data,
        );
      }
    }
  }
});

test('binaryCrossEntropy(input, target) is >= 0 for targets in [0, 1], with weights and smoothing', () => {
  fc.assert(
    fc.property(
      elementBatch(0, 1),
      fc.double({ min: 0, max: 1, noNaN: true }),
      ({ values, targets, shape }, labelSmoothing) => {
        for (const v of binaryCrossEntropy(
          { data: values, shape },
          { data: targets, shape },
          { labelSmoothing, reduction: 'none' },
        ).data) {
          assert.ok(v >= 0, `loss ${v}`);
        }
      },
    ),
    RUNS,
  );
});

test("binaryCrossEntropy(input, target, { reduction: 'mean' }) × element count and 'batchmean' × N both equal 'sum'", () => {
  fc.assert(
    fc.property(elementBatch(0.01, 0.99), ({ values, targets, shape }) => {
      const input = { data: values, shape };
      const target = { data: targets, shape };
      const sum = binaryCrossEntropy(input, target, { reduction: 'sum' });
      closeTo(binaryCrossEntropy(input, target) * values.length, sum, REL64, sum, "'mean' × count");
      closeTo(
        binaryCrossEntropy(input, target, { reduction: 'batchmean' }) * shape[0],
        sum,
        REL64,
        sum,
        "'batchmean' × N",
      );
    }),
    RUNS,
  );
});

test('binaryCrossEntropy(input, target, { labelSmoothing: e }) equals binaryCrossEntropy on the smoothed target y(1 - e) + e/2, loss and gradient', () => {
  fc.assert(
    fc.property(
      elementBatch(0.01, 0.99),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom(...REDUCTIONS),
      ({ values, targets, shape }, e, reduction) => {
        const input = { data: values, shape };
        const smoothed = targets.map((t) => t * (1 - e) + e / 2);
        const a = binaryCrossEntropyWithGrad(
          input,
          { data: targets, shape },
          { labelSmoothing: e, reduction },
        );
        const b = binaryCrossEntropyWithGrad(input, { data: smoothed, shape }, { reduction });
        if (reduction === 'none') allClose(elements(a.loss), elements(b.loss), REL64, 1, 'loss');
        else closeTo(scalar(a.loss), scalar(b.loss), REL64, 1, 'loss');
        allClose(a.grad.data, b.grad.data, REL64, 1, 'grad');
      },
    ),
    RUNS,
  );
});

test('binaryCrossEntropy(sigmoid(x), y) equals binaryCrossEntropyWithLogits(x, y) on moderate logits', () => {
  fc.assert(
    fc.property(elementBatch(-8, 8), ({ values, targets, shape }) => {
      const p = sigmoid({ data: values, shape });
      const a = binaryCrossEntropy(p, { data: targets, shape }, { reduction: 'none' }).data;
      const b = binaryCrossEntropyWithLogits(
        { data: values, shape },
        { data: targets, shape },
        { reduction: 'none' },
      ).data;
      allClose(a, b, 1e-12, 1, 'loss');
    }),
    RUNS,
  );
});

test('binaryCrossEntropy(input, target) clamps each log at -100 as PyTorch: a saturated prediction costs 100 · w, with a finite gradient', () => {
  const { loss, grad } = binaryCrossEntropyWithGrad([0, 1, 0, 1], [1, 0, 0, 1], {
    reduction: 'none',
    weight: [2, 1, 1, 1],
  });
  allClose(loss.data, [200, 100, 0, 0], REL64, 0, 'loss');
  assert.ok(grad.data.every(Number.isFinite), `grad ${grad.data}`);
  assert.ok(grad.data[0] < -1e11 && grad.data[1] > 1e11, `grad ${grad.data}: ±w / 1e-12`);
  assert.deepEqual([grad.data[2], grad.data[3]], [0, 0]);
  closeTo(binaryCrossEntropy([1e-40], [1]), 40 * Math.LN10, REL64, 0, 'log(1e-40) = -92 is above the clamp');
  assert.equal(binaryCrossEntropy([1e-50], [1]), 100, 'log(1e-50) = -115 is clamped');
});

test('binaryCrossEntropy(input, target, { epsilon }) clips the input to [ε, 1 - ε] as Keras: -log(ε) at a saturated prediction, gradient 0 where the clip acts', () => {
  const epsilon = 1e-7;
  const { loss, grad } = binaryCrossEntropyWithGrad([0, 1, 1e-9, 0.5], [1, 0, 1, 1], {
    epsilon,
    reduction: 'none',
  });
  allClose(
    loss.data,
    [-Math.log(epsilon), -Math.log(epsilon), -Math.log(epsilon), Math.LN2],
    REL64,
    0,
    'loss',
  );
  assert.deepEqual(Array.from(grad.data.slice(0, 3)), [0, 0, 0]);
  closeTo(grad.data[3], -2, REL64, 0, 'grad inside the clip');
});

test('binaryCrossEntropy(input, target) broadcasts the weight by trailing dimensions: (C), (N, 1) and (N, C) weights', () => {
  fc.assert(
    fc.property(
      elementBatch(0.01, 0.99).chain((b) => broadcastWeight(b.shape).map((w) => ({ ...b, w }))),
      ({ values, targets, shape, w }) => {
        const full = { data: Float64Array.from(broadcast(w, shape)), shape };
        const a = binaryCrossEntropyWithGrad(
          { data: values, shape },
          { data: targets, shape },
          api({ weight: w }, 'none'),
        );
        const b = binaryCrossEntropyWithGrad(
          { data: values, shape },
          { data: targets, shape },
          api({ weight: full }, 'none'),
        );
        assert.deepEqual(a, b);
        const plain = binaryCrossEntropy(
          { data: values, shape },
          { data: targets, shape },
          { reduction: 'none' },
        );
        allClose(
          elements(a.loss),
          Array.from(plain.data, (v, k) => v * full.data[k]),
          REL64,
          1,
          'w · loss',
        );
      },
    ),
    RUNS,
  );
});

test('binaryCrossEntropy(input, target) gives NaN for a NaN target or weight, and NaN for an empty mean', () => {
  assert.ok(Number.isNaN(binaryCrossEntropy([0.5, 0.5], [Number.NaN, 1])));
  assert.ok(Number.isNaN(binaryCrossEntropy([0.5, 0.5], [0, 1], { weight: [1, Number.NaN] })));
  const none = binaryCrossEntropy([0.5, 0.5], [Number.NaN, 1], { reduction: 'none' }).data;
  assert.ok(Number.isNaN(none[0]) && none[1] === Math.LN2, `only the NaN element is NaN: ${none}`);
  assert.ok(Number.isNaN(binaryCrossEntropy([], [])));
  assert.equal(binaryCrossEntropy([], [], { reduction: 'sum' }), 0);
  assert.ok(
    Number.isNaN(
      binaryCrossEntropy(
        { data: [], shape: [0, 3] },
        { data: [], shape: [0, 3] },
        { reduction: 'batchmean' },
      ),
    ),
  );
});

test('binaryCrossEntropy(input, target) throws a RangeError naming the input for a value outside [0, 1] or NaN', () => {
  for (const bad of [1.5, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
    const re = new RegExp(
      `^binaryCrossEntropy: input values must be probabilities in \\[0, 1\\], got ${bad} at flat position 1`,
    );
    throwsWith(() => binaryCrossEntropy([0.5, bad], [1, 0]), RangeError, re);
    throwsWith(() => binaryCrossEntropyWithGrad([0.5, bad], [1, 0]), RangeError, re);
  }
});

test('binaryCrossEntropy(input, target, options) throws naming the argument for mismatched shapes, a weight that does not broadcast, labelSmoothing or epsilon out of range', () => {
  throwsWith(
    () => binaryCrossEntropy([0.5, 0.5], [1, 0, 1]),
    RangeError,
    /^binaryCrossEntropy: target has shape \[3\], expected the input's shape \[2\]/,
  );
  throwsWith(
    () => binaryCrossEntropy([[0.5, 0.5]], [1, 0]),
    RangeError,
    /^binaryCrossEntropy: target has shape \[2\], expected the input's shape \[1, 2\]/,
  );
  const input = [
    [0.5, 0.5],
    [0.2, 0.1],
  ];
  const target = [
    [1, 0],
    [0, 1],
  ];
  throwsWith(
    () => binaryCrossEntropy(input, target, { weight: [1, 2, 3] }),
    RangeError,
    /^binaryCrossEntropy: options\.weight of shape \[3\] does not broadcast to the input's shape \[2, 2\]/,
  );
  throwsWith(
    () =>
      binaryCrossEntropy(input, target, {
        weight: [
          [
            [1, 2],
            [3, 4],
          ],
        ] as never,
      }),
    RangeError,
    /^binaryCrossEntropy: options\.weight of shape \[1, 2, 2\] does not broadcast/,
  );
  for (const labelSmoothing of [1.5, -0.1, Number.NaN]) {
    throwsWith(
      () => binaryCrossEntropy(input, target, { labelSmoothing }),
      RangeError,
      new RegExp(
        `^binaryCrossEntropy: options\\.labelSmoothing must be a number between 0 and 1, got ${labelSmoothing}`,
      ),
    );
  }
  for (const epsilon of [0.5, 1, -0.1, Number.NaN]) {
    throwsWith(
      () => binaryCrossEntropy(input, target, { epsilon }),
      RangeError,
      new RegExp(
        `^binaryCrossEntropy: options\\.epsilon must be a number between 0 and 0\\.49.*, got ${epsilon}`,
      ),
    );
  }
});

lossContracts({
  name: 'binaryCrossEntropy',
  loss: binaryCrossEntropy as unknown as AnyLoss,
  withGrad: binaryCrossEntropyWithGrad as unknown as AnyLossWithGrad,
  reductions: REDUCTIONS,
  defaultReduction: 'mean',
  cases: elementBatch(0.02, 0.98).chain(({ values, targets, shape }) =>
    fc
      .oneof(
        fc.constant({}),
        broadcastWeight(shape).map((weight) => ({ weight })),
        fc.constant({ labelSmoothing: 0.2 }),
        fc.constant({ epsilon: 0.01 }),
      )
      .map((options) => ({ data: values, shape, target: targets, targetShape: shape, options })),
  ),
});
