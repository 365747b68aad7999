/**
 * crossEntropy: the doc formula written naively, central finite differences of the gradient for every
 * option, the properties of softmax cross-entropy, special values, input forms and errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type CrossEntropyOptions,
  crossEntropy,
  crossEntropyWithGrad,
  logSumExp,
  type TargetLike,
} from '../../src/index.ts';
import { classBatch, RUNS } from '../support/arbitraries.ts';
import { allClose, closeTo, REL64 } from '../support/close.ts';
import { type AnyLoss, type AnyLossWithGrad, lossContracts } from '../support/contracts.ts';
import { checkGradient } from '../support/gradcheck.ts';
import {
  classRows,
  elements,
  indexShape,
  naiveLogSumExp,
  oneHot,
  scalar,
  size,
  total,
} from '../support/naive.ts';
import { classIndices, seeded, uniform } from '../support/random.ts';
import { throwsWith } from '../support/throws.ts';

type Options = CrossEntropyOptions<'none' | 'mean' | 'sum'>;

/**
 * The doc's formula as written: per element, with z = softcap · tanh(x / softcap) (or x),
 *   loss = -Σ_c w[c] · y[c] · log softmax(z)[c] + zLoss · logsumexp(z)²,
 * y the one-hot (or given) target mixed with the uniform by labelSmoothing. 'mean' divides the
 * cross-entropy by Σ w[t] over counted elements (index targets) or the element count (probabilities),
 * and the z-loss by the counted elements.
 */
function reference(
  x: ArrayLike<number>,
  shape: readonly number[],
  target: { indices: ArrayLike<number> } | { probabilities: ArrayLike<number> },
  options: Options = {},
): { none: number[]; sum: number; mean: number } {
  const rows = classRows(shape);
  const classes = rows[0]?.length ?? shape[shape.length === 1 ? 0 : 1];
  const w = (c: number) => (options.weight ? options.weight[c] : 1);
  const eps = options.labelSmoothing ?? 0;
  const ignore = options.ignoreIndex ?? -100;
  const cap = (v: number) => (options.softcap ? options.softcap * Math.tanh(v / options.softcap) : v);
  const none: number[] = [];
  let ce = 0;
  let zl = 0;
  let divisor = 0;
  let counted = 0;
  rows.forEach((row, e) => {
    let y: number[];
    if ('indices' in target) {
      const t = target.indices[e];
      if (t === ignore) {
        none.push(0);
        return;
      }
      y = row.map((_, c) => (c === t ? 1 : 0));
      divisor += w(t);
    } else {
      y = row.map((k) => target.probabilities[k]);
      divisor += 1;
    }
    counted += 1;
    y = y.map((v) => (1 - eps) * v + eps / classes);
    const z = row.map((k) => cap(x[k]));
    const lse = naiveLogSumExp(z);
    let loss = 0;
    for (let c = 0; c < classes; c++) loss -= w(c) * y[c] * (z[c] - lse);
    const zTerm = (options.zLoss ?? 0) * lse * lse;
    none.push(loss + zTerm);
    ce += loss;
    zl += zTerm;
  });
  return { none, sum: ce + zl, mean: ce / divisor + (options.zLoss ? zl / counted : 0) };
}

const SHAPES = [[4], [3, 4], [2, 3, 2]];
const REDUCTIONS = ['none', 'mean', 'sum'] as const;
const WEIGHT = [0.5, 2, 1.25, 0.75];
const INDEX_OPTIONS: [string, Options][] = [
  ['no options', {}],
  ['weight', { weight: WEIGHT }],
  ['ignoreIndex', { ignoreIndex: 1 }],
  ['labelSmoothing', { labelSmoothing: 0.2 }],
  ['zLoss', { zLoss: 0.1 }],
  ['softcap', { softcap: 2 }],
  [
    'weight, ignoreIndex, labelSmoothing, zLoss and softcap',
    { weight: WEIGHT, ignoreIndex: 2, labelSmoothing: 0.3, zLoss: 0.05, softcap: 3 },
  ],
];
const PROBABILITY_OPTIONS = INDEX_OPTIONS.filter(([, o]) => o.ignoreIndex === undefined);

/** The weight option cut to `classes`. */
function forClasses(options: Options, classes: number): Options {
  return options.weight ? { ...options, weight: Array.from(options.weight).slice(0, classes) } : options;
}

/**
 * Seeded calls of every shape: moderate logits, index targets (the last one set to `ignoreIndex` when
 * there are several) and probabilities.
 */
function* calls(seed: number, ignoreIndex = -100) {
  const random = seeded(seed);
  for (const shape of SHAPES) {
    const classes = shape.length === 1 ? shape[0] : shape[1];
    const x = uniform(random, size(shape), -3, 3);
    const elementCount = classRows(shape).length;
    // Only the last element (of several) has the ignored value, so that 'mean' is never 0 / 0.
    const indices = classIndices(random, elementCount, classes).map((t) =>
      t === ignoreIndex ? (t + 1) % classes : t,
    );
    if (elementCount > 1) indices[elementCount - 1] = ignoreIndex;
    const mass = uniform(random, size(shape), 0.05, 1);
    const probabilities = Float64Array.from(mass);
    for (const row of classRows(shape)) {
      const s = row.reduce((a, k) => a + mass[k], 0);
      for (const k of row) probabilities[k] = mass[k] / s;
    }
    yield { shape, classes, x, indices, probabilities };
  }
}

const indexTarget = (shape: readonly number[], indices: Int32Array): TargetLike =>
  shape.length === 1 ? indices[0] : { data: indices, shape: indexShape(shape) };

test('crossEntropy(input, target) equals the doc formula -Σ w·y·log softmax(x) on moderate logits, class indices', () => {
  for (const [label, allClasses] of INDEX_OPTIONS) {
    for (const { shape, classes, x, indices } of calls(1, allClasses.ignoreIndex)) {
      const options = forClasses(allClasses, classes);
      const expected = reference(x, shape, { indices }, options);
      const input = { data: x, shape };
      const where = `${label}, shape [${shape}]`;
      const none = crossEntropy(input, indexTarget(shape, indices), { ...options, reduction: 'none' });
      assert.deepEqual(none.shape, indexShape(shape), `${where}: 'none' has the index shape`);
      allClose(none.data, expected.none, REL64, 1, `${where} none`);
      closeTo(
        crossEntropy(input, indexTarget(shape, indices), { ...options, reduction: 'sum' }),
        expected.sum,
        REL64,
        1,
        `${where} sum`,
      );
      closeTo(
        crossEntropy(input, indexTarget(shape, indices), { ...options, reduction: 'mean' }),
        expected.mean,
        REL64,
        1,
        `${where} mean`,
      );
    }
  }
});

test('crossEntropy(input, target) equals the doc formula -Σ w·y·log softmax(x) on moderate logits, class probabilities', () => {
  for (const [label, allClasses] of PROBABILITY_OPTIONS) {
    for (const { shape, classes, x, probabilities } of calls(2)) {
      const options = forClasses(allClasses, classes);
      const expected = reference(x, shape, { probabilities }, options);
      const input = { data: x, shape };
      const target = { data: probabilities, shape };
      const where = `${label}, shape [${shape}]`;
      const none = crossEntropy(input, target, { ...options, reduction: 'none' });
      assert.deepEqual(none.shape, indexShape(shape), `${where}: 'none' has the index shape`);
      allClose(none.data, expected.none, REL64, 1, `${where} none`);
      closeTo(
        crossEntropy(input, target, { ...options, reduction: 'sum' }),
        expected.sum,
        REL64,
        1,
        `${where} sum`,
      );
      closeTo(
        crossEntropy(input, target, { ...options, reduction: 'mean' }),
        expected.mean,
        REL64,
        1,
        `${where} mean`,
      );
    }
  }
});

for (const [label, options] of INDEX_OPTIONS) {
  test(`crossEntropyWithGrad(input, class indices, { ${label} }) agrees with central finite differences of crossEntropy`, () => {
    for (const { shape, classes, x, indices } of calls(3, options.ignoreIndex)) {
      for (const reduction of REDUCTIONS) {
        const o = { ...forClasses(options, classes), reduction };
        const target = indexTarget(shape, indices);
        const { grad } = crossEntropyWithGrad({ data: x, shape }, target, o);
        assert.deepEqual(grad.shape, shape);
        checkGradient(
          `${label}, ${reduction}, shape [${shape}]`,
          (z) => total(crossEntropy({ data: z, shape }, target, o)),
          x,
          grad.data,
        );
      }
    }
  });
}

for (const [label, options] of PROBABILITY_OPTIONS) {
  test(`crossEntropyWithGrad(input, class probabilities, { ${label} }) agrees with central finite differences of crossEntropy`, () => {
    for (const { shape, classes, x, probabilities } of calls(4)) {
      for (const reduction of REDUCTIONS) {
        const o = { ...forClasses(options, classes), reduction };
        const target = { data: probabilities, shape };
        const { grad } = crossEntropyWithGrad({ data: x, shape }, target, o);
        checkGradient(
          `${label}, ${reduction}, shape [${shape}]`,
          (z) => total(crossEntropy({ data: z, shape }, target, o)),
          x,
          grad.data,
        );
      }
    }
  });
}

test('crossEntropyWithGrad(input, target, { reduction: "sum" }) is softmax(x) - onehot(t) per row', () => {
  fc.assert(
    fc.property(classBatch(1), ({ shape, logits, indices }) => {
      const { grad } = crossEntropyWithGrad({ data: logits, shape }, indexTarget(shape, indices), {
        reduction: 'sum',
      });
      const hot = oneHot(indices, shape);
      for (const row of classRows(shape)) {
        const s = row.reduce((a, k) => a + Math.exp(logits[k]), 0);
        for (const k of row) closeTo(grad.data[k], Math.exp(logits[k]) / s - hot[k], REL64, 1, `grad[${k}]`);
      }
    }),
    RUNS,
  );
});

test('crossEntropy(input, target) is >= 0 for class indices and probabilities, with any non-negative options', () => {
  fc.assert(
    fc.property(
      classBatch(1),
      fc.boolean(),
      fc.record({
        labelSmoothing: fc.double({ min: 0, max: 1, noNaN: true }),
        zLoss: fc.double({ min: 0, max: 1, noNaN: true }),
        weight: fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }),
      }),
      ({ shape, logits, indices, probabilities }, soft, { labelSmoothing, zLoss, weight }) => {
        const classes = shape.length === 1 ? shape[0] : shape[1];
        const target = soft ? { data: probabilities, shape } : indexTarget(shape, indices);
        const options = {
          labelSmoothing,
          zLoss,
          weight: weight.slice(0, classes),
          reduction: 'none' as const,
        };
        for (const v of crossEntropy({ data: logits, shape }, target, options).data) {
          assert.ok(v >= 0, `loss ${v} < 0`);
        }
      },
    ),
    RUNS,
  );
});

test('crossEntropy(input, target) is unchanged, loss and gradient, by adding a constant to a row of logits', () => {
  fc.assert(
    fc.property(
      classBatch(1),
      fc.boolean(),
      fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 24, maxLength: 24 }),
      fc.constantFrom<Options>(
        {},
        { weight: WEIGHT },
        { labelSmoothing: 0.1 },
        { weight: WEIGHT, labelSmoothing: 0.4 },
      ),
      fc.constantFrom(...REDUCTIONS),
      ({ shape, logits, indices, probabilities }, soft, shifts, options, reduction) => {
        const classes = shape.length === 1 ? shape[0] : shape[1];
        const o = { ...forClasses(options, classes), reduction };
        const target = soft ? { data: probabilities, shape } : indexTarget(shape, indices);
        const shifted = Float64Array.from(logits);
        classRows(shape).forEach((row, e) => {
          for (const k of row) shifted[k] += shifts[e];
        });
        const a = crossEntropyWithGrad({ data: logits, shape }, target, o);
        const b = crossEntropyWithGrad({ data: shifted, shape }, target, o);
        // The shifted logits are rounded to the ulp of |x| + 50: the scale term allows for it.
        if (reduction === 'none') allClose(elements(b.loss), elements(a.loss), 1e-12, 1e2 * classes, 'loss');
        else closeTo(scalar(b.loss), scalar(a.loss), 1e-12, 1e2 * classes, 'loss');
        allClose(b.grad.data, a.grad.data, 1e-12, 1e2, 'grad');
      },
    ),
    RUNS,
  );
});

test('crossEntropyWithGrad(input, target) gradient rows sum to 0 when each target sums to 1 (indices or probabilities, with labelSmoothing)', () => {
  fc.assert(
    fc.property(
      classBatch(1),
      fc.boolean(),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom(...REDUCTIONS),
      ({ shape, logits, indices, probabilities }, soft, labelSmoothing, reduction) => {
        const target = soft ? { data: probabilities, shape } : indexTarget(shape, indices);
        const { grad } = crossEntropyWithGrad({ data: logits, shape }, target, { labelSmoothing, reduction });
        for (const row of classRows(shape)) {
          const s = row.reduce((a, k) => a + grad.data[k], 0);
          closeTo(s, 0, REL64, 1, `row [${row}] sum`);
        }
      },
    ),
    RUNS,
  );
});

test('crossEntropy(input, class indices) equals crossEntropy(input, one-hot probabilities), loss and gradient, with and without labelSmoothing', () => {
  fc.assert(
    fc.property(
      classBatch(1),
      fc.constantFrom(0, 0.1, 0.5, 1),
      fc.constantFrom(...REDUCTIONS),
      ({ shape, logits, indices }, labelSmoothing, reduction) => {
        const o = { labelSmoothing, reduction };
        const byIndex = crossEntropyWithGrad({ data: logits, shape }, indexTarget(shape, indices), o);
        const byProbability = crossEntropyWithGrad(
          { data: logits, shape },
          { data: oneHot(indices, shape), shape },
          o,
        );
        if (reduction === 'none')
          allClose(elements(byIndex.loss), elements(byProbability.loss), REL64, 1, 'loss');
        else closeTo(scalar(byIndex.loss), scalar(byProbability.loss), REL64, 1, 'loss');
        allClose(byIndex.grad.data, byProbability.grad.data, REL64, 1, 'grad');
      },
    ),
    RUNS,
  );
});

test("crossEntropy(input, class indices, { reduction: 'mean' }) × Σ w[t] equals 'sum' (× N without weight)", () => {
  fc.assert(
    fc.property(classBatch(1), fc.boolean(), ({ shape, logits, indices }, weighted) => {
      const classes = shape.length === 1 ? shape[0] : shape[1];
      const weight = weighted ? WEIGHT.slice(0, classes) : undefined;
      const target = indexTarget(shape, indices);
      const mean = crossEntropy({ data: logits, shape }, target, { weight, reduction: 'mean' });
      const sum = crossEntropy({ data: logits, shape }, target, { weight, reduction: 'sum' });
      let divisor = 0;
      for (const t of indices) divisor += weight ? weight[t] : 1;
      closeTo(mean * divisor, sum, REL64, sum, "'mean' × divisor");
    }),
    RUNS,
  );
});

test("crossEntropy(input, class probabilities, { reduction: 'mean' }) × N equals 'sum', with or without weight", () => {
  fc.assert(
    fc.property(classBatch(1), fc.boolean(), ({ shape, logits, probabilities }, weighted) => {
      const classes = shape.length === 1 ? shape[0] : shape[1];
      const weight = weighted ? WEIGHT.slice(0, classes) : undefined;
      const target = { data: probabilities, shape };
      const mean = crossEntropy({ data: logits, shape }, target, { weight, reduction: 'mean' });
      const sum = crossEntropy({ data: logits, shape }, target, { weight, reduction: 'sum' });
      closeTo(mean * classRows(shape).length, sum, REL64, sum, "'mean' × N");
    }),
    RUNS,
  );
});

test('crossEntropy(input, target, { zLoss }) adds zLoss · logSumExp(x)² per counted element', () => {
  fc.assert(
    fc.property(
      classBatch(1),
      fc.boolean(),
      fc.double({ min: 0, max: 2, noNaN: true }),
      ({ shape, logits, indices, probabilities }, soft, zLoss) => {
        const input = { data: logits, shape };
        const target = soft ? { data: probabilities, shape } : indexTarget(shape, indices);
        const lse = logSumExp(input, { axis: shape.length === 1 ? 0 : 1 }).data;
        const plain = crossEntropy(input, target, { reduction: 'none' }).data;
        const withZ = crossEntropy(input, target, { zLoss, reduction: 'none' }).data;
        allClose(
          withZ,
          Array.from(plain, (v, e) => v + zLoss * lse[e] ** 2),
          REL64,
          1,
          'none',
        );
        const mean = crossEntropy(input, target, { zLoss, reduction: 'mean' });
        const meanZ = Array.from(lse, (v) => zLoss * v * v).reduce((a, b) => a + b, 0) / lse.length;
        closeTo(mean, crossEntropy(input, target) + meanZ, REL64, 1, 'mean');
      },
    ),
    RUNS,
  );
});

test("crossEntropy(input, target, { zLoss, reduction: 'mean' }) divides the z-loss by the count of targets not ignored, not by Σ w[t]", () => {
  const input = { data: Float64Array.from([1, 2, 0.5, -1, 0, 2, 3, 1, 1]), shape: [3, 3] };
  const target = [2, -100, 0];
  const weight = [2, 1, 0.5];
  const lse = logSumExp(input).data;
  const expected = crossEntropy(input, target, { weight }) + (0.5 * (lse[0] ** 2 + lse[2] ** 2)) / 2;
  closeTo(crossEntropy(input, target, { weight, zLoss: 0.5 }), expected, REL64, 1, 'mean');
});

test('crossEntropy(input, target, { softcap }) equals crossEntropy of the capped logits softcap · tanh(x / softcap), and chains the gradient through tanh', () => {
  fc.assert(
    fc.property(
      classBatch(1, 1, 20),
      fc.boolean(),
      fc.double({ min: 0.5, max: 30, noNaN: true }),
      fc.constantFrom(...REDUCTIONS),
      ({ shape, logits, indices, probabilities }, soft, softcap, reduction) => {
        const target = soft ? { data: probabilities, shape } : indexTarget(shape, indices);
        const capped = logits.map((v) => softcap * Math.tanh(v / softcap));
        const a = crossEntropyWithGrad({ data: logits, shape }, target, { softcap, reduction });
        const b = crossEntropyWithGrad({ data: capped, shape }, target, { reduction });
        if (reduction === 'none') allClose(elements(a.loss), elements(b.loss), REL64, 1, 'loss');
        else closeTo(scalar(a.loss), scalar(b.loss), REL64, 1, 'loss');
        const chained = b.grad.data.map((g, k) => g * (1 - Math.tanh(logits[k] / softcap) ** 2));
        allClose(a.grad.data, chained, REL64, 1, 'grad');
      },
    ),
    RUNS,
  );
});

test('crossEntropy(input, target) ignores rows whose target is ignoreIndex: no loss, no gradient, not counted by mean', () => {
  fc.assert(
    fc.property(
      classBatch(1, 2),
      fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      fc.constantFrom(-100, -1, 0),
      ({ shape, logits, indices }, drop, ignoreIndex) => {
        if (shape.length === 1) return;
        const rows = classRows(shape);
        const targets = Int32Array.from(indices, (t, e) => (drop[e] || t === ignoreIndex ? ignoreIndex : t));
        const kept = rows.filter((_, e) => targets[e] !== ignoreIndex);
        const target = { data: targets, shape: indexShape(shape) };
        const { loss, grad } = crossEntropyWithGrad({ data: logits, shape }, target, {
          ignoreIndex,
          reduction: 'none',
        });
        rows.forEach((row, e) => {
          if (targets[e] !== ignoreIndex) return;
          assert.equal(elements(loss)[e], 0, `ignored element ${e} has loss 0`);
          for (const k of row) assert.equal(grad.data[k], 0, `ignored element ${e} has gradient 0`);
        });
        // Each kept element alone, as an unbatched (C) input: the batch's sum and mean are made of these.
        const alone = kept.map((row) => {
          const e = rows.indexOf(row);
          return crossEntropy(
            Float64Array.from(row, (k) => logits[k]),
            targets[e],
            { ignoreIndex },
          );
        });
        const sum = alone.reduce((a, b) => a + b, 0);
        closeTo(
          crossEntropy({ data: logits, shape }, target, { ignoreIndex, reduction: 'sum' }),
          sum,
          REL64,
          1,
          'sum',
        );
        const mean = crossEntropy({ data: logits, shape }, target, { ignoreIndex });
        if (kept.length === 0)
          assert.ok(Number.isNaN(mean), `every target ignored: 'mean' is NaN, got ${mean}`);
        else closeTo(mean, sum / kept.length, REL64, 1, 'mean');
      },
    ),
    RUNS,
  );
});

test("crossEntropy(input, target) with every target ignored gives NaN for 'mean', 0 for 'sum' and a zero gradient", () => {
  const input = { data: Float64Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] };
  assert.ok(Number.isNaN(crossEntropy(input, [-100, -100])));
  assert.equal(crossEntropy(input, [-100, -100], { reduction: 'sum' }), 0);
  assert.deepEqual(crossEntropyWithGrad(input, [-100, -100]).grad.data, new Float64Array(6));
  assert.deepEqual(
    crossEntropy(input, [1, 1], { ignoreIndex: 1, reduction: 'none' }).data,
    new Float64Array(2),
  );
});

test("crossEntropy(input, target, { weight, labelSmoothing }) gives NaN for 'mean' when the targets' weights sum to 0, as PyTorch", () => {
  const input = [
    [0.1, 0.2, 0.3],
    [1, 0, -1],
    [0.5, 0.5, 0],
  ];
  for (const [labelSmoothing, sum] of [
    [0, 0],
    [0.1, 0.16225229668735525],
  ]) {
    // PyTorch 1.13: nan for 'mean' (0 / 0 in the cross-entropy part; the smoothing part alone is x / 0)
    const options = { weight: [0, 0, 1], labelSmoothing };
    assert.ok(Number.isNaN(crossEntropy(input, [0, 0, 1], options)), `ε ${labelSmoothing}`);
    closeTo(
      crossEntropy(input, [0, 0, 1], { ...options, reduction: 'sum' }),
      sum,
      REL64,
      0,
      `ε ${labelSmoothing} sum`,
    );
  }
});

test('crossEntropyWithGrad(input, target) gives an ignored row a NaN gradient when its logits hold NaN or +Infinity, as PyTorch', () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
    const input = { data: Float64Array.from([1, bad, 0, 1, 2, 3]), shape: [2, 3] };
    const { loss, grad } = crossEntropyWithGrad(input, [-100, 2], { reduction: 'sum' });
    closeTo(scalar(loss), crossEntropy([1, 2, 3], 2), REL64, 1, `${bad}: the ignored row adds nothing`);
    assert.ok(
      grad.data.slice(0, 3).every(Number.isNaN),
      `${bad}: ignored row gradient ${grad.data.slice(0, 3)}`,
    );
    assert.ok(grad.data.slice(3).every(Number.isFinite), `${bad}: the other row is unaffected`);
  }
});

test("crossEntropy(input, target) on an empty batch gives NaN for 'mean', 0 for 'sum' and an empty tensor for 'none'", () => {
  const input = { data: new Float64Array(0), shape: [0, 3] };
  for (const target of [[], { data: new Float64Array(0), shape: [0, 3] }]) {
    assert.ok(Number.isNaN(crossEntropy(input, target)));
    assert.equal(crossEntropy(input, target, { reduction: 'sum' }), 0);
    assert.deepEqual(crossEntropy(input, target, { reduction: 'none' }), {
      data: new Float64Array(0),
      shape: [0],
    });
    assert.deepEqual(crossEntropyWithGrad(input, target, { reduction: 'sum' }).grad, {
      data: new Float64Array(0),
      shape: [0, 3],
    });
  }
});

test('crossEntropy(input, target) propagates a NaN or +Infinity logit as NaN to its own element only, loss and gradient', () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
    const input = { data: Float64Array.from([0.5, bad, -1, 1, 2, 3]), shape: [2, 3] };
    const { loss, grad } = crossEntropyWithGrad(input, [0, 1], { reduction: 'none' });
    const none = elements(loss);
    assert.ok(Number.isNaN(none[0]), `${bad}: element 0 is NaN, got ${none[0]}`);
    closeTo(none[1], crossEntropy([1, 2, 3], 1), REL64, 1, `${bad}: element 1`);
    assert.ok(grad.data.slice(0, 3).every(Number.isNaN), `${bad}: row 0 gradient ${grad.data.slice(0, 3)}`);
    assert.ok(grad.data.slice(3).every(Number.isFinite), `${bad}: row 1 gradient is finite`);
    assert.ok(Number.isNaN(crossEntropy(input, [0, 1])), `${bad}: 'mean' is NaN`);
  }
});

test('crossEntropy(input, target) treats a -Infinity logit as probability 0: gradient 0 off the target, loss +Infinity on it', () => {
  const off = crossEntropyWithGrad([0, Number.NEGATIVE_INFINITY, 1], 0, { reduction: 'sum' });
  closeTo(scalar(off.loss), crossEntropy([0, 1], 0), REL64, 1, 'a -Infinity class changes nothing');
  assert.equal(off.grad.data[1], 0);
  allClose([off.grad.data[0], off.grad.data[2]], crossEntropyWithGrad([0, 1], 0).grad.data, REL64, 1, 'grad');
  const on = crossEntropyWithGrad([0, Number.NEGATIVE_INFINITY, 1], 1, { reduction: 'sum' });
  assert.equal(on.loss, Number.POSITIVE_INFINITY);
  // PyTorch's log-softmax backward: softmax(x) - onehot(t), so -1 at the target.
  allClose(on.grad.data, [1 / (1 + Math.E), -1, Math.E / (1 + Math.E)], REL64, 1, 'grad on target');
  const smoothed = crossEntropy([0, Number.NEGATIVE_INFINITY, 1], 0, { labelSmoothing: 0.1 });
  assert.equal(smoothed, Number.POSITIVE_INFINITY, 'label smoothing gives the -Infinity class weight');
});

test('crossEntropy(input, target) stays exact for logits of 1e4 and more, where exp overflows', () => {
  assert.equal(crossEntropy([[1e4, 0]], [1], { reduction: 'sum' }), 1e4);
  assert.equal(crossEntropy([[1e4, 0]], [0], { reduction: 'sum' }), 0);
  closeTo(crossEntropy([[1e308, 1e308]], [0]), Math.LN2, REL64, 0, 'equal huge logits');
  const { grad } = crossEntropyWithGrad([[-1e4, 1e4, 0]], [0], { reduction: 'sum' });
  assert.deepEqual(grad.data, Float64Array.from([-1, 1, 0]));
});

test('crossEntropy(input, target) reads class indices from Int32Array, BigInt64Array, BigUint64Array, Float32Array, Float64Array, plain and nested arrays alike', () => {
  const input = { data: uniform(seeded(7), 12, -2, 2), shape: [2, 3, 2] };
  const indices = [2, 0, 1, 1];
  const expected = crossEntropyWithGrad(
    input,
    { data: Int32Array.from(indices), shape: [2, 2] },
    { reduction: 'none' },
  );
  const forms: TargetLike[] = [
    { data: BigInt64Array.from(indices, BigInt), shape: [2, 2] },
    { data: BigUint64Array.from(indices, BigInt), shape: [2, 2] },
    { data: Float32Array.from(indices), shape: [2, 2] },
    { data: Float64Array.from(indices), shape: [2, 2] },
    { data: indices, shape: [2, 2] },
    [
      [2, 0],
      [1, 1],
    ],
  ];
  for (const target of forms)
    assert.deepEqual(crossEntropyWithGrad(input, target, { reduction: 'none' }), expected);
  const flat = { data: input.data.slice(0, 6), shape: [2, 3] };
  const expectedFlat = crossEntropy(flat, Int32Array.from([2, 0]), { reduction: 'none' });
  for (const target of [BigInt64Array.from([2n, 0n]), Float32Array.from([2, 0]), [2, 0]]) {
    assert.deepEqual(crossEntropy(flat, target, { reduction: 'none' }), expectedFlat);
  }
});

test('crossEntropy(input (C), t) on an unbatched input equals the batch of one [input], [t]', () => {
  fc.assert(
    fc.property(classBatch(1), ({ shape, logits, indices, probabilities }) => {
      if (shape.length !== 1) return;
      const options = { reduction: 'none' as const, labelSmoothing: 0.1 };
      const one = crossEntropyWithGrad(logits, indices[0], options);
      const batch = crossEntropyWithGrad({ data: logits, shape: [1, shape[0]] }, [indices[0]], options);
      assert.deepEqual(one.loss, { data: batch.loss.data, shape: [] });
      assert.deepEqual(one.grad.data, batch.grad.data);
      const soft = crossEntropy(logits, probabilities, { reduction: 'none' });
      assert.deepEqual(soft.shape, []);
    }),
    RUNS,
  );
});

test('crossEntropy(input, target) throws a RangeError naming the target for a class index out of range or not an integer', () => {
  const input = [
    [1, 2],
    [3, 4],
  ];
  throwsWith(
    () => crossEntropy(input, [0, 2]),
    RangeError,
    /^crossEntropy: target value 2 at flat position 1 is out of range: expected an integer in \[0, 1\] or ignoreIndex \(-100\) \(input has 2 classes\)/,
  );
  throwsWith(
    () => crossEntropy(input, [-1, 0]),
    RangeError,
    /^crossEntropy: target value -1 at flat position 0 is out of range/,
  );
  throwsWith(
    () => crossEntropy(input, [0, 0.5]),
    RangeError,
    /^crossEntropy: target value 0\.5 at flat position 1 is not an integer class index/,
  );
  throwsWith(
    () => crossEntropy(input, [Number.NaN, 0]),
    RangeError,
    /^crossEntropy: target value NaN at flat position 0 is not an integer class index/,
  );
  throwsWith(() => crossEntropyWithGrad(input, [0, 2]), RangeError, /^crossEntropy: target value 2 /);
  throwsWith(() => crossEntropy(input, [2, 0], { ignoreIndex: 0 }), RangeError, /or ignoreIndex \(0\)/);
});

test('crossEntropy(input, target) throws a RangeError naming the target when its shape fits neither target kind', () => {
  throwsWith(
    () =>
      crossEntropy(
        [
          [1, 2],
          [3, 4],
        ],
        [0, 1, 1],
      ),
    RangeError,
    /^crossEntropy: target has 3 rows, expected 2 \(one per row of input\)/,
  );
  throwsWith(
    () =>
      crossEntropy(
        { data: new Float64Array(12), shape: [2, 3, 2] },
        { data: new Int32Array(6), shape: [2, 3] },
      ),
    RangeError,
    /^crossEntropy: target has shape \[2, 3\], expected \[2, 2\] \(class indices\) or \[2, 3, 2\] \(class probabilities\) for an input of shape \[2, 3, 2\]/,
  );
  throwsWith(
    () => crossEntropy([1, 2, 3], [0]),
    RangeError,
    /^crossEntropy: target has shape \[1\], expected \[\] \(class indices\) or \[3\]/,
  );
  throwsWith(() => crossEntropy(5, 0), RangeError, /^crossEntropy: input must have a class dimension/);
});

test('crossEntropy(input, target, options) throws naming the option for a bad weight, ignoreIndex, labelSmoothing, zLoss or softcap', () => {
  const input = [[1, 2, 3]];
  throwsWith(
    () => crossEntropy(input, [0], { weight: [1, 2] }),
    RangeError,
    /^crossEntropy: options\.weight has shape \[2\], expected one weight per class: \[3\]/,
  );
  throwsWith(
    () => crossEntropy(input, [0], { weight: [[1, 2, 3]] as never }),
    RangeError,
    /^crossEntropy: options\.weight has shape \[1, 3\]/,
  );
  throwsWith(
    () => crossEntropy(input, [0], { ignoreIndex: 0.5 }),
    TypeError,
    /^crossEntropy: options\.ignoreIndex must be an integer, got 0\.5/,
  );
  for (const labelSmoothing of [1.5, -0.1, Number.NaN]) {
    throwsWith(
      () => crossEntropy(input, [0], { labelSmoothing }),
      RangeError,
      new RegExp(
        `^crossEntropy: options\\.labelSmoothing must be a number between 0 and 1, got ${labelSmoothing}`,
      ),
    );
  }
  for (const zLoss of [-1, -1e-9, Number.NaN]) {
    throwsWith(
      () => crossEntropy(input, [0], { zLoss }),
      RangeError,
      new RegExp(`^crossEntropy: options\\.zLoss must be a number .*, got ${zLoss}`),
    );
  }
  for (const softcap of [0, -1, Number.NaN]) {
    throwsWith(
      () => crossEntropy(input, [0], { softcap }),
      RangeError,
      new RegExp(`^crossEntropy: options\\.softcap must be a number .*, got ${softcap}`),
    );
  }
  throwsWith(
    () => crossEntropy(input, [[0.2, 0.3, 0.5]], { ignoreIndex: 1 }),
    RangeError,
    /^crossEntropy: options\.ignoreIndex \(1\) is only for class-index targets/,
  );
});

test('crossEntropy(float32 logits, target) is the float64 result of the same values to float32 accuracy (float32 exponentials, float64 sums)', () => {
  const values = [
    3.96875, -1.265625, 4.640625, 1.4375, 4.015625, -3.890625, -2.15625, -3.796875, -4.609375, 4.96875,
    -1.9375, -4.53125,
  ];
  const target = Int32Array.from([2, 0, 1]);
  const single = crossEntropyWithGrad({ data: Float32Array.from(values), shape: [3, 4] }, target, {
    reduction: 'sum',
  });
  const double = crossEntropyWithGrad({ data: Float64Array.from(values), shape: [3, 4] }, target, {
    reduction: 'sum',
  });
  // Each row's log-sum-exp is within a float32 ulp of its sum: an absolute error of ~2^-23 per row.
  closeTo(scalar(single.loss), scalar(double.loss), 2 ** -22, 3, 'sum');
  allClose(single.grad.data, Float32Array.from(double.grad.data), 2 ** -21, 2 ** -22, 'grad');
});

lossContracts({
  name: 'crossEntropy',
  float32Kernels: true,
  loss: crossEntropy as unknown as AnyLoss,
  withGrad: crossEntropyWithGrad as unknown as AnyLossWithGrad,
  reductions: REDUCTIONS,
  defaultReduction: 'mean',
  cases: fc
    .tuple(
      classBatch(2),
      fc.boolean(),
      fc.constantFrom<Options>(
        {},
        { weight: Float64Array.from(WEIGHT) },
        { labelSmoothing: 0.1, zLoss: 0.01 },
        { softcap: 5 },
      ),
    )
    .map(([{ shape, logits, indices, probabilities }, soft, options]) => {
      const classes = shape.length === 1 ? shape[0] : shape[1];
      return {
        data: logits,
        shape,
        target: soft ? probabilities : indices,
        targetShape: soft ? shape : indexShape(shape),
        options: options.weight ? { weight: Float64Array.from(WEIGHT.slice(0, classes)) } : { ...options },
      };
    }),
});
