/**
 * binaryCrossEntropyWithLogits: the doc formula written with a naive sigmoid, finite differences with
 * weight, posWeight and labelSmoothing, its equality with two-class softmax cross-entropy, exactness for
 * large logits, special values and errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type BinaryCrossEntropyWithLogitsOptions,
  binaryCrossEntropyWithLogits,
  binaryCrossEntropyWithLogitsWithGrad,
  crossEntropyWithGrad,
} from '../../src/index.ts';
import { broadcastWeight, elementBatch, RUNS } from '../support/arbitraries.ts';
import { allClose, closeTo, REL64 } from '../support/close.ts';
import { type AnyLoss, type AnyLossWithGrad, lossContracts } from '../support/contracts.ts';
import { checkGradient } from '../support/gradcheck.ts';
import { broadcast, elements, naiveSigmoid, scalar, size, total } from '../support/naive.ts';
import { seeded, uniform } from '../support/random.ts';
import { throwsWith } from '../support/throws.ts';

type Reduction = 'none' | 'mean' | 'sum' | 'batchmean';
type Weight = { data: Float64Array; shape: number[] };
interface Options {
  weight?: Weight;
  posWeight?: Weight;
  labelSmoothing?: number;
}
const REDUCTIONS = ['none', 'mean', 'sum', 'batchmean'] as const;
const api = <R extends Reduction>(o: Options, reduction?: R) =>
  ({ ...o, reduction }) as unknown as BinaryCrossEntropyWithLogitsOptions<R>;

/** The doc's formula: loss = -w · (pw · y · log σ(x) + (1 - y) · log(1 - σ(x))), y smoothed to y(1 - ε) + ε/2. */
function reference(x: ArrayLike<number>, y: ArrayLike<number>, shape: readonly number[], o: Options) {
  const w = broadcast(o.weight, shape);
  const pw = broadcast(o.posWeight, shape);
  const s = o.labelSmoothing ?? 0;
  const none = Array.from(x, (xk, k) => {
    const t = y[k] * (1 - s) + s / 2;
    const p = naiveSigmoid(xk);
    return -w[k] * (pw[k] * t * Math.log(p) + (1 - t) * Math.log(1 - p));
  });
  const sum = none.reduce((a, b) => a + b, 0);
  return { none, sum, mean: sum / none.length, batchmean: sum / shape[0] };
}

function* calls(seed: number) {
  const random = seeded(seed);
  for (const shape of [[5], [3, 4], [2, 3, 2]]) {
    const n = size(shape);
    const last = [shape[shape.length - 1]];
    const lead = [shape[0], ...shape.slice(1).map(() => 1)];
    const weight = (s: number[]) => ({ data: uniform(random, size(s), 0.25, 2), shape: s });
    const x = uniform(random, n, -4, 4);
    const y = uniform(random, n, 0, 1);
    const sets: [string, Options][] = [
      ['no options', {}],
      ['a per-class weight', { weight: weight(last) }],
      ['a per-sample weight', { weight: weight(lead) }],
      ['posWeight', { posWeight: weight(last) }],
      ['labelSmoothing', { labelSmoothing: 0.2 }],
      [
        'weight, posWeight and labelSmoothing',
        { weight: weight(shape), posWeight: weight(last), labelSmoothing: 0.1 },
      ],
    ];
    yield { shape, x, y, sets };
  }
}

test('binaryCrossEntropyWithLogits(input, target) equals the doc formula -w · (pw · y · log σ(x) + (1 - y) · log(1 - σ(x)))', () => {
  for (const { shape, x, y, sets } of calls(31)) {
    for (const [label, o] of sets) {
      const expected = reference(x, y, shape, o);
      const input = { data: x, shape };
      const target = { data: y, shape };
      const where = `${label}, shape [${shape}]`;
      const none = binaryCrossEntropyWithLogits(input, target, api(o, 'none'));
      assert.deepEqual(none.shape, shape);
      allClose(none.data, expected.none, REL64, 1, `${where} none`);
      for (const r of ['sum', 'mean', 'batchmean'] as const) {
        closeTo(
          scalar(binaryCrossEntropyWithLogits(input, target, api(o, r))),
          expected[r],
          REL64,
          1,
          `${where} ${r}`,
        );
      }
    }
  }
});

test('binaryCrossEntropyWithLogitsWithGrad(input, target, options) agrees with central finite differences for every reduction, weight, posWeight and labelSmoothing', () => {
  for (const { shape, x, y, sets } of calls(32)) {
    for (const [label, o] of sets) {
      for (const reduction of REDUCTIONS) {
        const target = { data: y, shape };
        const { grad } = binaryCrossEntropyWithLogitsWithGrad({ data: x, shape }, target, api(o, reduction));
        checkGradient(
          `${label}, ${reduction}, shape [${shape}]`,
          (z) => total(binaryCrossEntropyWithLogits({ data: z, shape }, target, api(o, reduction))),
          x,
          grad.data,
        );
      }
    }
  }
});

test("binaryCrossEntropyWithLogitsWithGrad(x, y, { reduction: 'sum' }) is σ(x) - y without weights", () => {
  fc.assert(
    fc.property(elementBatch(-10, 10), ({ values, targets, shape }) => {
      const { grad } = binaryCrossEntropyWithLogitsWithGrad(
        { data: values, shape },
        { data: targets, shape },
        { reduction: 'sum' },
      );
      allClose(
        grad.data,
        Array.from(values, (v, k) => naiveSigmoid(v) - targets[k]),
        REL64,
        1,
        'grad',
      );
    }),
    RUNS,
  );
});

test('binaryCrossEntropyWithLogits(x, y) equals two-class crossEntropy on logits [0, x] with target [1 - y, y], loss and gradient', () => {
  fc.assert(
    fc.property(
      elementBatch(-20, 20),
      fc.constantFrom('none', 'sum', 'mean') as fc.Arbitrary<'none' | 'sum' | 'mean'>,
      ({ values, targets }, reduction) => {
        const n = values.length;
        const logits = new Float64Array(2 * n);
        const probabilities = new Float64Array(2 * n);
        for (let i = 0; i < n; i++) {
          logits[2 * i + 1] = values[i];
          probabilities[2 * i] = 1 - targets[i];
          probabilities[2 * i + 1] = targets[i];
        }
        const ce = crossEntropyWithGrad(
          { data: logits, shape: [n, 2] },
          { data: probabilities, shape: [n, 2] },
          { reduction },
        );
        const bce = binaryCrossEntropyWithLogitsWithGrad(values, targets, { reduction });
        if (reduction === 'none') allClose(elements(bce.loss), elements(ce.loss), REL64, 1, 'loss');
        else closeTo(scalar(bce.loss), scalar(ce.loss), REL64, 1, 'loss');
        allClose(
          bce.grad.data,
          Array.from({ length: n }, (_, i) => ce.grad.data[2 * i + 1]),
          REL64,
          1,
          'grad',
        );
      },
    ),
    RUNS,
  );
});

test('binaryCrossEntropyWithLogits(input, target) is >= 0 for targets in [0, 1] and non-negative weights', () => {
  fc.assert(
    fc.property(
      elementBatch(-30, 30).chain((b) => broadcastWeight(b.shape).map((w) => ({ ...b, w }))),
      fc.double({ min: 0, max: 1, noNaN: true }),
      ({ values, targets, shape, w }, labelSmoothing) => {
        const options = api({ weight: w, posWeight: w, labelSmoothing }, 'none');
        for (const v of elements(
          binaryCrossEntropyWithLogits({ data: values, shape }, { data: targets, shape }, options),
        )) {
          assert.ok(v >= 0, `loss ${v}`);
        }
      },
    ),
    RUNS,
  );
});

test("binaryCrossEntropyWithLogits(input, target, { reduction: 'mean' }) × element count and 'batchmean' × N both equal 'sum'", () => {
  fc.assert(
    fc.property(elementBatch(-10, 10), ({ values, targets, shape }) => {
      const input = { data: values, shape };
      const target = { data: targets, shape };
      const sum = binaryCrossEntropyWithLogits(input, target, { reduction: 'sum' });
      closeTo(binaryCrossEntropyWithLogits(input, target) * values.length, sum, REL64, sum, "'mean' × count");
      closeTo(
        binaryCrossEntropyWithLogits(input, target, { reduction: 'batchmean' }) * shape[0],
        sum,
        REL64,
        sum,
        "'batchmean' × N",
      );
    }),
    RUNS,
  );
});

test('binaryCrossEntropyWithLogits(input, target, { labelSmoothing: e }) equals the loss on smoothed targets y(1 - e) + e/2, loss and gradient', () => {
  fc.assert(
    fc.property(
      elementBatch(-10, 10),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom(...REDUCTIONS),
      ({ values, targets, shape }, e, reduction) => {
        const input = { data: values, shape };
        const smoothed = targets.map((t) => t * (1 - e) + e / 2);
        const a = binaryCrossEntropyWithLogitsWithGrad(
          input,
          { data: targets, shape },
          { labelSmoothing: e, reduction },
        );
        const b = binaryCrossEntropyWithLogitsWithGrad(input, { data: smoothed, shape }, { reduction });
        if (reduction === 'none') allClose(elements(a.loss), elements(b.loss), REL64, 1, 'loss');
        else closeTo(scalar(a.loss), scalar(b.loss), REL64, 1, 'loss');
        allClose(a.grad.data, b.grad.data, REL64, 1, 'grad');
      },
    ),
    RUNS,
  );
});

test('binaryCrossEntropyWithLogits(input, target, { posWeight }) scales only the positive term: pw · y · softplus(-x) + (1 - y) · softplus(x)', () => {
  const x = [1.5, -0.3, 2];
  const y = [1, 0, 0.25];
  const pw = [2, 3, 4];
  const expected = x.map(
    (v, k) => pw[k] * y[k] * Math.log1p(Math.exp(-v)) + (1 - y[k]) * Math.log1p(Math.exp(v)),
  );
  allClose(
    binaryCrossEntropyWithLogits(x, y, { posWeight: pw, reduction: 'none' }).data,
    expected,
    REL64,
    0,
    'loss',
  );
});

test('binaryCrossEntropyWithLogits(input, target) stays finite and accurate for large logits, where a sigmoid saturates', () => {
  const loss = binaryCrossEntropyWithLogits([800, -800, 40, 1e4, -1e4], [0, 1, 1, 1, 0], {
    reduction: 'none',
  }).data;
  allClose(loss, [800, 800, 4.248354255291589e-18, 0, 0], REL64, 0, 'loss');
  const { grad } = binaryCrossEntropyWithLogitsWithGrad([800, -800, 40, -40], [0, 1, 1, 0], {
    reduction: 'sum',
  });
  // σ(x) - y is a difference of terms of size 1: held to the rounding of 1.
  allClose(grad.data, [1, -1, -4.248354255291589e-18, 4.248354255291589e-18], REL64, 1, 'grad');
  closeTo(grad.data[3], naiveSigmoid(-40), REL64, 0, 'σ(-40) - 0 keeps its relative accuracy');
  // A confident negative is a difference of terms of size |x|: accurate to the rounding of |x|.
  closeTo(binaryCrossEntropyWithLogits([-40], [0]), 4.248354255291589e-18, REL64, 40, 'x = -40, y = 0');
});

test('binaryCrossEntropyWithLogits(x, 0) is softplus(x) to relative accuracy for a confident negative (x = -40), as the doc\'s "exact for every finite logit" says', () => {
  const loss = binaryCrossEntropyWithLogits([-40, -100], [0, 0], { reduction: 'none' }).data;
  allClose(loss, [4.248354255291589e-18, 3.720075976020836e-44], REL64, 0, 'loss');
});

test('binaryCrossEntropyWithLogits(input, target) gives NaN for NaN, for +Infinity with y = 1 and for -Infinity, as PyTorch', () => {
  const loss = binaryCrossEntropyWithLogits(
    [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 0],
    [1, 1, 0, 1, 1],
    {
      reduction: 'none',
    },
  ).data;
  assert.ok(loss.slice(0, 4).every(Number.isNaN), `loss ${loss}`);
  closeTo(loss[4], Math.LN2, REL64, 0, 'the finite element is unaffected');
  assert.equal(
    binaryCrossEntropyWithLogits([Number.POSITIVE_INFINITY], [0], { reduction: 'sum' }),
    Number.POSITIVE_INFINITY,
  );
  assert.ok(Number.isNaN(binaryCrossEntropyWithLogits([], [])));
  assert.equal(binaryCrossEntropyWithLogits([], [], { reduction: 'sum' }), 0);
});

test('binaryCrossEntropyWithLogits(input, target) broadcasts weight and posWeight by trailing dimensions', () => {
  fc.assert(
    fc.property(
      elementBatch(-5, 5).chain((b) =>
        fc.tuple(broadcastWeight(b.shape), broadcastWeight(b.shape)).map(([w, pw]) => ({ ...b, w, pw })),
      ),
      ({ values, targets, shape, w, pw }) => {
        const full = (t: Weight) => ({ data: Float64Array.from(broadcast(t, shape)), shape });
        const a = binaryCrossEntropyWithLogitsWithGrad(
          { data: values, shape },
          { data: targets, shape },
          api({ weight: w, posWeight: pw }, 'none'),
        );
        const b = binaryCrossEntropyWithLogitsWithGrad(
          { data: values, shape },
          { data: targets, shape },
          api({ weight: full(w), posWeight: full(pw) }, 'none'),
        );
        assert.deepEqual(a, b);
      },
    ),
    RUNS,
  );
});

test('binaryCrossEntropyWithLogits(input, target, options) throws naming the argument for mismatched shapes, a weight or posWeight that does not broadcast, labelSmoothing out of range', () => {
  throwsWith(
    () => binaryCrossEntropyWithLogits([1, 2], [1]),
    RangeError,
    /^binaryCrossEntropyWithLogits: target has shape \[1\], expected the input's shape \[2\]/,
  );
  const x = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  const y = [
    [1, 0, 1],
    [0, 1, 0],
  ];
  throwsWith(
    () => binaryCrossEntropyWithLogits(x, y, { weight: [1, 2] }),
    RangeError,
    /^binaryCrossEntropyWithLogits: options\.weight of shape \[2\] does not broadcast to the input's shape \[2, 3\]/,
  );
  throwsWith(
    () => binaryCrossEntropyWithLogits(x, y, { posWeight: [[1], [2], [3]] as never }),
    RangeError,
    /^binaryCrossEntropyWithLogits: options\.posWeight of shape \[3, 1\] does not broadcast to the input's shape \[2, 3\]/,
  );
  throwsWith(
    () => binaryCrossEntropyWithLogits(x, y, { posWeight: ['a'] as never }),
    TypeError,
    /^binaryCrossEntropyWithLogits: options\.posWeight\[0\] must be a number, got "a"/,
  );
  for (const labelSmoothing of [1.5, -0.1, Number.NaN]) {
    throwsWith(
      () => binaryCrossEntropyWithLogits(x, y, { labelSmoothing }),
      RangeError,
      new RegExp(
        `^binaryCrossEntropyWithLogits: options\\.labelSmoothing must be a number between 0 and 1, got ${labelSmoothing}`,
      ),
    );
  }
});

lossContracts({
  name: 'binaryCrossEntropyWithLogits',
  float32Kernels: true,
  loss: binaryCrossEntropyWithLogits as unknown as AnyLoss,
  withGrad: binaryCrossEntropyWithLogitsWithGrad as unknown as AnyLossWithGrad,
  reductions: REDUCTIONS,
  defaultReduction: 'mean',
  cases: elementBatch(-5, 5).chain(({ values, targets, shape }) =>
    fc
      .oneof(
        fc.constant({}),
        broadcastWeight(shape).map((weight) => ({ weight })),
        broadcastWeight(shape).map((posWeight) => ({
          posWeight: posWeight.data.length === shape[shape.length - 1] ? posWeight.data : posWeight,
        })),
        fc.constant({ labelSmoothing: 0.3 }),
      )
      .map((options) => ({ data: values, shape, target: targets, targetShape: shape, options })),
  ),
});
