import { BINARY_REDUCTIONS, readBinarySmoothing } from '../internal/binary.js';
import { checkNumberIn, readOptions } from '../internal/checks.js';
import { readElementwise } from '../internal/elementwise.js';
import { type LossRun, lossResult, lossRun } from '../internal/output.js';
import { readBroadcastWeight } from '../internal/weights.js';
import type { BinaryReduction, GradOptions, LossOutput, LossWithGrad, ReductionOptions } from '../loss.js';
import { describe, type FloatArray, type TargetLike, type TensorLike } from '../tensor.js';

/** Options of {@link binaryCrossEntropy}: PyTorch's keyword arguments, plus Keras's `labelSmoothing` and `epsilon`. */
export interface BinaryCrossEntropyOptions<R extends BinaryReduction = BinaryReduction>
  extends ReductionOptions<R> {
  /**
   * Element weights, broadcast against the input by trailing dimensions (a per-class weight of shape (C)
   * for an (N, C) input, for example).
   * @defaultValue no weighting
   */
  readonly weight?: TensorLike;
  /**
   * ε in [0, 1]: targets become y · (1 - ε) + ε / 2 (Keras's binary label smoothing).
   * @defaultValue 0
   */
  readonly labelSmoothing?: number;
  /**
   * When given (Keras semantics), the input is clipped to [ε, 1 - ε] and the logs are taken as they are,
   * instead of PyTorch's clamping of each log at -100. The gradient is 0 where the clip is active.
   * @defaultValue PyTorch's log clamp
   */
  readonly epsilon?: number;
}

/**
 * Binary cross-entropy of predicted probabilities against targets in [0, 1], elementwise.
 *
 * Formula: loss = -w · (y · log(x) + (1 - y) · log(1 - x))
 *
 * Evaluation: as PyTorch does, each log is clamped at -100, so that x = 0 or x = 1 gives a finite loss
 * (at most 100 · w) instead of Infinity, and log(1 - x) is computed as log1p(-x), exact for tiny x.
 * The gradient is PyTorch's: w · (x - y) / max(x · (1 - x), 1e-12), finite at x = 0 and x = 1. With
 * `epsilon`, x is clipped to [ε, 1 - ε] instead (Keras) and the gradient is w · (x - y) / (x · (1 - x))
 * inside the clip, 0 outside. On logits, prefer {@link binaryCrossEntropyWithLogits}: it is exact for
 * every logit, where a probability saturates at 0 or 1 for |logit| > 37.
 *
 * Accuracy: the tests assert 1e-10 relative for float64 against PyTorch.
 *
 * Special cases: an input outside [0, 1], NaN included, throws (as PyTorch); a NaN target or weight
 * gives NaN; an empty input gives NaN for `'mean'`.
 *
 * Equivalent: PyTorch `F.binary_cross_entropy`; Keras `BinaryCrossentropy()` (with `epsilon: 1e-7`);
 * TF.js `tf.losses.logLoss`; optax none (on probabilities).
 *
 * @param input - probabilities in [0, 1], any shape
 * @param target - targets of the input's shape, usually 0 or 1
 * @param options - {@link BinaryCrossEntropyOptions}
 * @returns the reduced loss as a number, or for `'none'` the per-element losses of the input's shape
 * @throws RangeError on an input value outside [0, 1] or NaN, mismatched shapes, a weight that does not
 *   broadcast, labelSmoothing outside [0, 1], epsilon outside [0, 0.5); TypeError on an unknown reduction
 * @example
 * ```ts
 * binaryCrossEntropy([0.9, 0.2, 0.6], [1, 0, 0])
 * // 0.41493159961539705
 * ```
 */
export function binaryCrossEntropy<R extends BinaryReduction = 'mean'>(
  input: TensorLike,
  target: TargetLike,
  options?: BinaryCrossEntropyOptions<R>,
): LossOutput<R> {
  return run(input, target, options, false).loss as LossOutput<R>;
}

/**
 * {@link binaryCrossEntropy} and its gradient d(loss)/d(input) in one pass.
 *
 * @param options - {@link BinaryCrossEntropyOptions}, plus `gradOut` to reuse a gradient buffer
 * @returns `{ loss, grad }`: the loss as {@link binaryCrossEntropy} returns it, and the gradient of the
 *   input's shape and float type (for `'none'`, the gradient of the sum of the losses)
 * @throws as {@link binaryCrossEntropy}, and when `gradOut` is not an array of the input's type and length
 * @example
 * ```ts
 * binaryCrossEntropyWithGrad([0.9, 0.2, 0.6], [1, 0, 0], { reduction: 'sum' }).grad.data
 * // Float64Array [-1.1111111111111112, 1.2499999999999998, 2.5]
 * ```
 */
export function binaryCrossEntropyWithGrad<R extends BinaryReduction = 'mean'>(
  input: TensorLike,
  target: TargetLike,
  options?: BinaryCrossEntropyOptions<R> & GradOptions,
): LossWithGrad<R> {
  return run(input, target, options, true) as unknown as LossWithGrad<R>;
}

const FN = 'binaryCrossEntropy';

function run(
  inputLike: TensorLike,
  targetLike: TargetLike,
  optionsArg: (BinaryCrossEntropyOptions & GradOptions) | undefined,
  withGrad: boolean,
): LossRun {
  const options = readOptions(FN, optionsArg, {
    reduction: true,
    weight: true,
    labelSmoothing: true,
    epsilon: true,
    gradOut: true,
  });
  const e = readElementwise(FN, inputLike, targetLike, options, BINARY_REDUCTIONS, 'mean', withGrad);
  const x = e.input.data;
  for (let k = 0; k < x.length; k++) {
    if (!(x[k] >= 0 && x[k] <= 1)) {
      throw new RangeError(
        `${FN}: input values must be probabilities in [0, 1], got ${describe(x[k])} at flat position ${k}`,
      );
    }
  }
  const weight = readBroadcastWeight(FN, 'options.weight', options.weight, e.input.shape);
  const smoothing = readBinarySmoothing(FN, options.labelSmoothing);
  const epsilon =
    options.epsilon === undefined
      ? -1
      : checkNumberIn(FN, 'options.epsilon', options.epsilon, 0, 0.5 - Number.EPSILON);
  const sum = kernel(x, e.target, weight, smoothing, epsilon, e.perElement, e.grad, e.scale);
  const loss = lossResult(e.reduction, sum, e.divisor, e.perElement, e.input.shape);
  return lossRun(loss, e.grad, e.input.shape);
}

/** PyTorch's clamp of each log: log(0) becomes -100, so a saturated prediction costs at most 100. */
const LOG_FLOOR = -100;
/**
 * PyTorch's floor of x · (1 - x) in the gradient's denominator (binary_cross_entropy_backward's
 * EPSILON, a C++ float constant: 1e-12 rounded to float32, 9.999999960041972e-13).
 */
const GRAD_FLOOR = Math.fround(1e-12);

/** Loss and gradient per element; epsilon < 0 means PyTorch's log clamp. Allocates nothing. */
function kernel(
  x: FloatArray,
  target: FloatArray,
  weight: Float64Array | undefined,
  smoothing: number,
  epsilon: number,
  lossOut: FloatArray | undefined,
  grad: FloatArray | undefined,
  scale: number,
): number {
  let sum = 0;
  const wn = weight ? weight.length : 1;
  for (let k = 0; k < x.length; k++) {
    const y = target[k] * (1 - smoothing) + smoothing / 2;
    const w = weight ? weight[k % wn] : 1;
    let p = x[k];
    let loss: number;
    let g: number;
    if (epsilon < 0) {
      loss = w * ((y - 1) * Math.max(Math.log1p(-p), LOG_FLOOR) - y * Math.max(Math.log(p), LOG_FLOOR));
      g = (w * (p - y)) / Math.max((1 - p) * p, GRAD_FLOOR);
    } else {
      const inside = p >= epsilon && p <= 1 - epsilon;
      p = Math.min(Math.max(p, epsilon), 1 - epsilon);
      // Each term only where its target weight is not 0 (xlogy), so that p = y = 1 with a clip that rounds
      // to 1 gives 0, not 0 · log(0) = NaN.
      loss = -w * ((y === 0 ? 0 : y * Math.log(p)) + (y === 1 ? 0 : (1 - y) * Math.log1p(-p)));
      g = inside ? w * ((y === 1 ? 0 : (1 - y) / (1 - p)) - (y === 0 ? 0 : y / p)) : 0;
    }
    sum += loss;
    if (lossOut) lossOut[k] = loss;
    if (grad) grad[k] = g * scale;
  }
  return sum;
}
