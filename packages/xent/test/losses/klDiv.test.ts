/**
 * klDiv: y · (log y - x) (or exp(y) · (y - x) with logTarget), the doc formula, finite differences,
 * its relation to cross-entropy (KL = CE - H), the reductions, special values and errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { crossEntropy, klDiv, klDivWithGrad, logSoftmax } from '../../src/index.ts';
import { classBatch, elementBatch, floats, RUNS } from '../support/arbitraries.ts';
import { allClose, closeTo, REL64 } from '../support/close.ts';
import { type AnyLoss, type AnyLossWithGrad, lossContracts } from '../support/contracts.ts';
import { checkGradient } from '../support/gradcheck.ts';
import { classRows, elements, scalar, size, total } from '../support/naive.ts';
import { seeded, uniform } from '../support/random.ts';
import { throwsWith } from '../support/throws.ts';

const REDUCTIONS = ['none', 'mean', 'sum', 'batchmean'] as const;

/** The doc's formula: y · (log y - x), 0 at y = 0; with logTarget exp(y) · (y - x). */
function reference(x: ArrayLike<number>, y: ArrayLike<number>, shape: readonly number[], logTarget: boolean) {
  const none = Array.from(x, (xk, k) =>
    logTarget ? Math.exp(y[k]) * (y[k] - xk) : y[k] === 0 ? 0 : y[k] * (Math.log(y[k]) - xk),
  );
  const sum = none.reduce((a, b) => a + b, 0);
  return { none, sum, mean: sum / none.length, batchmean: sum / shape[0] };
}

function* calls(seed: number) {
  const random = seeded(seed);
  for (const shape of [[5], [3, 4], [2, 3, 2]]) {
    const n = size(shape);
    const y = uniform(random, n, 0, 1);
    y[0] = 0;
    yield { shape, x: uniform(random, n, -4, 0), y, logY: uniform(random, n, -4, 0) };
  }
}

test('klDiv(input, target) equals the doc formula y · (log y - x), and exp(y) · (y - x) with logTarget, for every reduction', () => {
  for (const { shape, x, y, logY } of calls(51)) {
    for (const logTarget of [false, true]) {
      const target = { data: logTarget ? logY : y, shape };
      const expected = reference(x, target.data, shape, logTarget);
      const input = { data: x, shape };
      const where = `logTarget ${logTarget}, shape [${shape}]`;
      const none = klDiv(input, target, { logTarget, reduction: 'none' });
      assert.deepEqual(none.shape, shape);
      allClose(none.data, expected.none, REL64, 1, `${where} none`);
      for (const r of ['sum', 'mean', 'batchmean'] as const) {
        closeTo(klDiv(input, target, { logTarget, reduction: r }), expected[r], REL64, 1, `${where} ${r}`);
      }
    }
  }
});

test('klDivWithGrad(input, target, options) agrees with central finite differences, with and without logTarget, for every reduction', () => {
  for (const { shape, x, y, logY } of calls(52)) {
    for (const logTarget of [false, true]) {
      for (const reduction of REDUCTIONS) {
        const target = { data: logTarget ? logY : y, shape };
        const options = { logTarget, reduction };
        const { grad } = klDivWithGrad({ data: x, shape }, target, options);
        checkGradient(
          `logTarget ${logTarget}, ${reduction}, shape [${shape}]`,
          (z) => total(klDiv({ data: z, shape }, target, options)),
          x,
          grad.data,
        );
      }
    }
  }
});

test("klDiv(logSoftmax(x), y, { reduction: 'sum' }) equals crossEntropy(x, y) minus the target's entropy, for probability targets", () => {
  fc.assert(
    fc.property(classBatch(1), ({ shape, logits, probabilities }) => {
      const axis = shape.length === 1 ? 0 : 1;
      const kl = klDiv(
        logSoftmax({ data: logits, shape }, { axis }),
        { data: probabilities, shape },
        { reduction: 'sum' },
      );
      const ce = crossEntropy({ data: logits, shape }, { data: probabilities, shape }, { reduction: 'sum' });
      let entropy = 0;
      for (const p of probabilities) entropy -= p * Math.log(p);
      closeTo(kl, ce - entropy, REL64, ce + entropy, 'KL = CE - H');
    }),
    RUNS,
  );
});

test("klDiv(logSoftmax(x), y, { reduction: 'none' }) summed over each distribution is >= 0 (Gibbs), and 0 when y = softmax(x)", () => {
  fc.assert(
    fc.property(classBatch(1), ({ shape, logits, probabilities }) => {
      const axis = shape.length === 1 ? 0 : 1;
      const logp = logSoftmax({ data: logits, shape }, { axis }).data;
      const p = logp.map(Math.exp);
      const none = klDiv({ data: logp, shape }, { data: probabilities, shape }, { reduction: 'none' }).data;
      const self = klDiv({ data: logp, shape }, { data: p, shape }, { reduction: 'none' }).data;
      for (const row of classRows(shape)) {
        // Each term y · log y - y · x cancels terms of size y · (|log y| + |x|): the rounding scale.
        const scale = (y: ArrayLike<number>) =>
          row.reduce((a, k) => a + y[k] * (Math.abs(Math.log(y[k])) + Math.abs(logp[k])), 0);
        const kl = row.reduce((a, k) => a + none[k], 0);
        assert.ok(kl >= -1e-14 * scale(probabilities), `KL ${kl} < 0`);
        closeTo(
          row.reduce((a, k) => a + self[k], 0),
          0,
          REL64,
          scale(p),
          'KL(p ‖ p)',
        );
      }
    }),
    RUNS,
  );
});

test("klDiv(input, target, { reduction: 'batchmean' }) equals 'sum' / N, and 'mean' × element count equals 'sum'", () => {
  fc.assert(
    fc.property(elementBatch(-5, 0), ({ values, targets, shape }) => {
      const input = { data: values, shape };
      const target = { data: targets, shape };
      const sum = klDiv(input, target, { reduction: 'sum' });
      closeTo(
        klDiv(input, target, { reduction: 'batchmean' }),
        sum / shape[0],
        REL64,
        Math.abs(sum),
        "'batchmean'",
      );
      closeTo(klDiv(input, target) * values.length, sum, REL64, Math.abs(sum), "'mean' × count");
    }),
    RUNS,
  );
});

test('klDiv(input, log y, { logTarget: true }) equals klDiv(input, y), loss and gradient', () => {
  fc.assert(
    fc.property(
      elementBatch(-5, 0).chain((b) => floats(b.values.length, 1e-3, 1).map((y) => ({ ...b, y }))),
      fc.constantFrom(...REDUCTIONS),
      ({ values, shape, y }, reduction) => {
        const a = klDivWithGrad({ data: values, shape }, { data: y, shape }, { reduction });
        const b = klDivWithGrad(
          { data: values, shape },
          { data: y.map(Math.log), shape },
          { logTarget: true, reduction },
        );
        if (reduction === 'none') allClose(elements(b.loss), elements(a.loss), 1e-12, 1, 'loss');
        else closeTo(scalar(b.loss), scalar(a.loss), 1e-12, 1, 'loss');
        allClose(b.grad.data, a.grad.data, 1e-12, 0, 'grad');
      },
    ),
    RUNS,
  );
});

test('klDivWithGrad(input, target) has gradient -y (-exp(y) with logTarget), divided by the reduction divisor', () => {
  const x = { data: Float64Array.from([-1, -2, -0.5, -3]), shape: [2, 2] };
  const y = { data: Float64Array.from([0.25, 0.75, 0.5, 0.5]), shape: [2, 2] };
  assert.deepEqual(
    klDivWithGrad(x, y, { reduction: 'sum' }).grad.data,
    Float64Array.from([-0.25, -0.75, -0.5, -0.5]),
  );
  assert.deepEqual(
    klDivWithGrad(x, y, { reduction: 'batchmean' }).grad.data,
    Float64Array.from([-0.125, -0.375, -0.25, -0.25]),
  );
  assert.deepEqual(
    klDivWithGrad(x, y, { reduction: 'mean' }).grad.data,
    Float64Array.from([-0.0625, -0.1875, -0.125, -0.125]),
  );
  const logY = { data: Float64Array.from([0, -1, -2, -3]), shape: [2, 2] };
  allClose(
    klDivWithGrad(x, logY, { logTarget: true, reduction: 'sum' }).grad.data,
    [-1, -Math.exp(-1), -Math.exp(-2), -Math.exp(-3)],
    REL64,
    0,
    'grad',
  );
});

test('klDiv(input, target) costs nothing for a zero-probability class (xlogy), and gives NaN for NaN and an empty mean', () => {
  assert.equal(klDiv([-5, Math.log(0.5)], [0, 0.5], { reduction: 'sum' }), 0);
  const none = klDiv([Number.NaN, -1, -1], [0.5, Number.NaN, 0.5], { reduction: 'none' }).data;
  assert.ok(Number.isNaN(none[0]) && Number.isNaN(none[1]), `none ${none}`);
  closeTo(none[2], 0.5 * (Math.log(0.5) + 1), REL64, 0, 'the valid element');
  assert.ok(Number.isNaN(klDiv([], [])));
  assert.equal(klDiv([], [], { reduction: 'sum' }), 0);
});

test('klDiv(input, target, options) throws naming the argument for mismatched shapes and a logTarget that is not a boolean', () => {
  throwsWith(
    () => klDiv([-1, -2], [[0.5, 0.5]]),
    RangeError,
    /^klDiv: target has shape \[1, 2\], expected the input's shape \[2\]/,
  );
  for (const logTarget of [1, 'true', {}]) {
    throwsWith(
      () => klDiv([-1], [1], { logTarget: logTarget as never }),
      TypeError,
      /^klDiv: options\.logTarget must be true or false, got /,
    );
  }
});

lossContracts({
  name: 'klDiv',
  loss: klDiv as unknown as AnyLoss,
  withGrad: klDivWithGrad as unknown as AnyLossWithGrad,
  reductions: REDUCTIONS,
  defaultReduction: 'mean',
  cases: fc.tuple(elementBatch(-5, 0), fc.boolean()).map(([{ values, targets, shape }, logTarget]) => ({
    data: values,
    shape,
    target: logTarget ? targets.map((t) => Math.log(t + 0.01)) : targets,
    targetShape: shape,
    options: { logTarget },
  })),
});
