import { checkIndices, checkInteger, checkReduction, readOptions } from '../internal/checks.js';
import { classTarget } from '../internal/classTarget.js';
import type { AxisLayout } from '../internal/layout.js';
import { gradBuffer, type LossRun, lossResult, lossRun, newLike } from '../internal/output.js';
import { readRaw, readTensor } from '../internal/read.js';
import { readClassWeight } from '../internal/weights.js';
import type { GradOptions, LossOutput, LossWithGrad, Reduction, ReductionOptions } from '../loss.js';
import type { FloatArray, TargetLike, TensorLike } from '../tensor.js';

/** Options of {@link nllLoss}: PyTorch's keyword arguments in camelCase. */
export interface NllLossOptions<R extends Reduction = Reduction> extends ReductionOptions<R> {
  /**
   * A weight per class (length C); `'mean'` divides by the sum of the target classes' weights.
   * @defaultValue no weighting
   */
  readonly weight?: ArrayLike<number>;
  /**
   * Targets with this value contribute neither loss nor gradient and are not counted by `'mean'`.
   * @defaultValue -100
   */
  readonly ignoreIndex?: number;
}

/**
 * Negative log-likelihood of log-probabilities at class-index targets: the second half of
 * {@link crossEntropy}, for inputs that already are log-probabilities (from {@link logSoftmax}).
 *
 * Formula, per element with log-probabilities x and target class t:
 *   loss = -w[t] · x[t]
 * `'mean'` divides the sum by Σ w[t] over the elements not ignored (their count without `weight`).
 *
 * Stable evaluation: a product and a sum, nothing to stabilise; the log was taken before.
 * Gradient: d loss / d x[j] = -w[t] where j = t, 0 elsewhere (divided by Σ w[t] for `'mean'`).
 *
 * Accuracy: exact up to the rounding of the sum; the tests assert 1e-10 relative for float64.
 *
 * Special cases (as PyTorch): only x[t] is read, so NaN or ±Infinity elsewhere in the row do not
 * matter; x[t] = -Infinity gives +Infinity; an empty batch or every target ignored gives NaN for
 * `'mean'` and 0 for `'sum'`.
 *
 * Equivalent: PyTorch `F.nll_loss`; Keras has none (use `SparseCategoricalCrossentropy`); optax none.
 *
 * @param input - log-probabilities of shape (C), (N, C) or (N, C, d1, ..., dk); class axis 1 (0 when unbatched)
 * @param target - class indices of shape (), (N) or (N, d1, ..., dk)
 * @param options - {@link NllLossOptions}
 * @returns the mean or sum as a number, or for `'none'` the per-element losses of the target's shape
 * @throws TypeError or RangeError on a target of the wrong shape, a class index out of range (other than
 *   ignoreIndex) or not an integer, a weight whose length is not C; TypeError on an unknown reduction
 * @example
 * ```ts
 * nllLoss([[-0.5, -1.2, -2.3], [-1.6, -0.4, -1.9]], [0, 2])
 * // 1.2
 * ```
 */
export function nllLoss<R extends Reduction = 'mean'>(
  input: TensorLike,
  target: TargetLike,
  options?: NllLossOptions<R>,
): LossOutput<R> {
  return run('nllLoss', input, target, options, false).loss as LossOutput<R>;
}

/**
 * {@link nllLoss} and its gradient d(loss)/d(input) in one pass.
 *
 * @param options - {@link NllLossOptions}, plus `gradOut` to reuse a gradient buffer
 * @returns `{ loss, grad }`: the loss as {@link nllLoss} returns it, and the gradient of the input's
 *   shape and float type (for `'none'`, the gradient of the sum of the losses)
 * @throws as {@link nllLoss}, and when `gradOut` is not an array of the input's type and length
 * @example
 * ```ts
 * nllLossWithGrad([[-0.5, -1.2, -2.3], [-1.6, -0.4, -1.9]], [0, 2]).grad.data
 * // Float64Array [-0.5, 0, 0, 0, 0, -0.5]
 * ```
 */
export function nllLossWithGrad<R extends Reduction = 'mean'>(
  input: TensorLike,
  target: TargetLike,
  options?: NllLossOptions<R> & GradOptions,
): LossWithGrad<R> {
  return run('nllLoss', input, target, options, true) as unknown as LossWithGrad<R>;
}

function run(
  fn: string,
  inputLike: TensorLike,
  targetLike: TargetLike,
  optionsArg: (NllLossOptions & GradOptions) | undefined,
  withGrad: boolean,
): LossRun {
  const options = readOptions(fn, optionsArg, {
    reduction: true,
    weight: true,
    ignoreIndex: true,
    gradOut: true,
  });
  const input = readTensor(fn, 'input', inputLike);
  const target = readRaw(fn, 'target', targetLike);
  const { layout, indexShape } = classTarget(fn, input.shape, target.shape, false);
  const reduction = checkReduction(fn, options.reduction ?? 'mean', ['none', 'mean', 'sum'] as const);
  const weight = readClassWeight(fn, 'options.weight', options.weight, layout.classes);
  const ignoreIndex = checkInteger(fn, 'options.ignoreIndex', options.ignoreIndex ?? -100);
  const grad = withGrad ? gradBuffer(fn, options.gradOut, input) : undefined;
  let weightSum = checkIndices(fn, target.data, layout.classes, ignoreIndex);
  if (weight) {
    weightSum = 0;
    for (let e = 0; e < target.data.length; e++) {
      if (target.data[e] !== ignoreIndex) weightSum += weight[target.data[e]];
    }
  }
  const perElement = reduction === 'none' ? newLike(input.data, target.data.length) : undefined;
  const scale = reduction === 'mean' ? 1 / weightSum : 1;
  const sum = kernel(input.data, layout, target.data, weight, ignoreIndex, perElement, grad, scale);
  const loss = lossResult(reduction, sum, weightSum, perElement, indexShape);
  return lossRun(loss, grad, input.shape);
}

/** Picks -w[t] · x[t] per element and writes the gradient's one non-zero per element. Allocates nothing. */
function kernel(
  x: FloatArray,
  { outer, classes: C, inner }: AxisLayout,
  target: ArrayLike<number>,
  weight: Float64Array | undefined,
  ignoreIndex: number,
  lossOut: FloatArray | undefined,
  grad: FloatArray | undefined,
  scale: number,
): number {
  if (grad) grad.fill(0);
  let sum = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const e = o * inner + i;
      const t = target[e];
      if (t === ignoreIndex) {
        if (lossOut) lossOut[e] = 0;
        continue;
      }
      const w = weight ? weight[t] : 1;
      const k = o * C * inner + t * inner + i;
      const loss = -w * x[k];
      sum += loss;
      if (lossOut) lossOut[e] = loss;
      if (grad) grad[k] = -w * scale;
    }
  }
  return sum;
}
