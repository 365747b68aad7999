import { readOptions } from '../internal/checks.js';
import { readElementwise } from '../internal/elementwise.js';
import { type LossRun, lossResult, lossRun } from '../internal/output.js';
import type { GradOptions, LossOutput, LossWithGrad, Reduction, ReductionOptions } from '../loss.js';
import type { FloatArray, TargetLike, TensorLike } from '../tensor.js';

/** Options of {@link mseLoss}. */
export type MseLossOptions<R extends Reduction = Reduction> = ReductionOptions<R>;

/**
 * Mean squared error, elementwise: here for the comparison with cross-entropy. On a sigmoid output
 * p = σ(z), MSE's gradient with respect to the logit is 2 (p - y) · p (1 - p), which vanishes as the
 * prediction becomes confidently wrong (p → 0 with y = 1), while cross-entropy's is p - y, near 1 in
 * size: that is why classifiers train on cross-entropy.
 *
 * Formula: loss = (x - y)²
 * Gradient, same pass: d loss / d x = 2 · (x - y).
 *
 * Accuracy: the tests assert 1e-10 relative for float64 against PyTorch.
 *
 * Special cases: NaN gives NaN, ±Infinity gives +Infinity; an empty input gives NaN for `'mean'`.
 *
 * Equivalent: PyTorch `F.mse_loss`; Keras `MeanSquaredError`; TF.js `tf.losses.meanSquaredError`;
 * optax `squared_error` (without the mean).
 *
 * @param input - predictions, any shape
 * @param target - targets of the input's shape
 * @param options - `reduction`
 * @returns the mean or sum as a number, or for `'none'` the per-element losses of the input's shape
 * @throws RangeError on mismatched shapes; TypeError on an unknown reduction
 * @example
 * ```ts
 * mseLoss([0.9, 0.2, 0.6], [1, 0, 0])
 * // 0.13666666666666666
 * ```
 */
export function mseLoss<R extends Reduction = 'mean'>(
  input: TensorLike,
  target: TargetLike,
  options?: MseLossOptions<R>,
): LossOutput<R> {
  return run(input, target, options, false).loss as LossOutput<R>;
}

/**
 * {@link mseLoss} and its gradient d(loss)/d(input) in one pass.
 *
 * @param options - `reduction`, plus `gradOut` to reuse a gradient buffer
 * @returns `{ loss, grad }`: the loss as {@link mseLoss} returns it, and the gradient of the input's shape
 *   and float type (for `'none'`, the gradient of the sum of the losses)
 * @throws as {@link mseLoss}, and when `gradOut` is not an array of the input's type and length
 * @example
 * ```ts
 * mseLossWithGrad([0.9, 0.2, 0.6], [1, 0, 0], { reduction: 'sum' }).grad.data
 * // Float64Array [-0.19999999999999996, 0.4, 1.2]
 * ```
 */
export function mseLossWithGrad<R extends Reduction = 'mean'>(
  input: TensorLike,
  target: TargetLike,
  options?: MseLossOptions<R> & GradOptions,
): LossWithGrad<R> {
  return run(input, target, options, true) as unknown as LossWithGrad<R>;
}

const FN = 'mseLoss';

function run(
  inputLike: TensorLike,
  targetLike: TargetLike,
  optionsArg: (MseLossOptions & GradOptions) | undefined,
  withGrad: boolean,
): LossRun {
  const options = readOptions(FN, optionsArg, { reduction: true, gradOut: true });
  const e = readElementwise(
    FN,
    inputLike,
    targetLike,
    options,
    ['none', 'mean', 'sum'] as const,
    'mean',
    withGrad,
  );
  const sum = kernel(e.input.data, e.target, e.perElement, e.grad, e.scale);
  const loss = lossResult(e.reduction, sum, e.divisor, e.perElement, e.input.shape);
  return lossRun(loss, e.grad, e.input.shape);
}

function kernel(
  x: FloatArray,
  y: FloatArray,
  lossOut: FloatArray | undefined,
  grad: FloatArray | undefined,
  scale: number,
): number {
  let sum = 0;
  for (let k = 0; k < x.length; k++) {
    const d = x[k] - y[k];
    sum += d * d;
    if (lossOut) lossOut[k] = d * d;
    if (grad) grad[k] = 2 * d * scale;
  }
  return sum;
}
