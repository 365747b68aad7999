import { BINARY_REDUCTIONS, readBinarySmoothing } from '../internal/binary.js';
import { readOptions, sameFloatType } from '../internal/checks.js';
import { readElementwise } from '../internal/elementwise.js';
import { logistic, logisticLoss } from '../internal/logistic.js';
import { type LossRun, lossResult, lossRun } from '../internal/output.js';
import { readBroadcastWeight } from '../internal/weights.js';
import { bceDirect } from '../kernels/bceDirect.js';
import { bceFast } from '../kernels/bceFast.js';
import type { BinaryReduction, GradOptions, LossOutput, LossWithGrad, ReductionOptions } from '../loss.js';
import type { FloatArray, TargetLike, TensorLike } from '../tensor.js';

/** Options of {@link binaryCrossEntropyWithLogits}: PyTorch's keyword arguments, plus Keras's `labelSmoothing`. */
export interface BinaryCrossEntropyWithLogitsOptions<R extends BinaryReduction = BinaryReduction>
  extends ReductionOptions<R> {
  /**
   * Element weights, broadcast against the input by trailing dimensions: a flat array is one trailing
   * dimension; give `{ data, shape }` or nested arrays for others (a per-class weight of an (N, C, d)
   * input has shape (C, 1)).
   * @defaultValue no weighting
   */
  readonly weight?: TensorLike;
  /**
   * Weights of the positive term, broadcast against the input by trailing dimensions (usually one per
   * class, shape (C)): pw > 1 raises recall, pw < 1 precision. PyTorch suggests negatives / positives.
   * @defaultValue 1
   */
  readonly posWeight?: TensorLike;
  /**
   * ε in [0, 1]: targets become y · (1 - ε) + ε / 2 (Keras's binary label smoothing).
   * @defaultValue 0
   */
  readonly labelSmoothing?: number;
}

/**
 * Binary cross-entropy of logits: a sigmoid fused with {@link binaryCrossEntropy}, elementwise; with one
 * logit per class and a 0/1 target per class, the multi-label loss.
 *
 * Formula: loss = -w · (pw · y · log σ(x) + (1 - y) · log(1 - σ(x)))
 *
 * Stable evaluation (the derivation TF.js's sigmoid_cross_entropy gives): log σ(x) = -softplus(-x) and
 * log(1 - σ(x)) = -x - softplus(-x), so
 *   loss = w · ((1 - y) · x + l · softplus(-x)),   l = 1 + (pw - 1) · y   (PyTorch's form)
 *        = w · ((1 - y) · softplus(x) + pw · y · softplus(-x))           (as softplus(x) = x + softplus(-x)),
 *   softplus(z) = max(z, 0) + log1p(exp(-|z|)),
 * where exp only sees non-positive arguments: no overflow, no log(0). The second form, a sum of
 * non-negative terms, is the one evaluated for finite logits: it keeps a confident negative's tiny loss
 * (x = -40, y = 0: 4.2e-18) that the first cancels to 0; ±Infinity takes the first, for PyTorch's NaNs.
 * Gradient, same pass: d loss / d x = w · (l · σ(x) - pw · y)   (w · (σ(x) - y) without posWeight).
 *
 * Accuracy: the tests assert 1e-10 relative for float64 against PyTorch.
 *
 * Special cases (as PyTorch): NaN gives NaN; x = +Infinity with y = 1 and x = -Infinity give NaN
 * (0 · Infinity in the formula); an empty input gives NaN for `'mean'`.
 *
 * Equivalent: PyTorch `F.binary_cross_entropy_with_logits`; Keras `BinaryCrossentropy(from_logits=True)`;
 * TF.js `tf.losses.sigmoidCrossEntropy`; optax `sigmoid_binary_cross_entropy`.
 *
 * @param input - logits, any shape
 * @param target - targets of the input's shape, usually 0 or 1
 * @param options - {@link BinaryCrossEntropyWithLogitsOptions}
 * @returns the reduced loss as a number, or for `'none'` the per-element losses of the input's shape
 * @throws RangeError on mismatched shapes, a weight or posWeight that does not broadcast,
 *   labelSmoothing outside [0, 1], or an unknown reduction
 * @example
 * ```ts
 * binaryCrossEntropyWithLogits([2.2, -1.4, 0.4], [1, 0, 0])
 * // 0.4128386606956999
 * ```
 */
export function binaryCrossEntropyWithLogits<R extends BinaryReduction = 'mean'>(
  input: TensorLike,
  target: TargetLike,
  options?: BinaryCrossEntropyWithLogitsOptions<R>,
): LossOutput<R> {
  return (bceDirect(input, target, options, false) ?? run(input, target, options, false))
    .loss as LossOutput<R>;
}

/**
 * {@link binaryCrossEntropyWithLogits} and its gradient d(loss)/d(input) in one pass: σ(x) - y per
 * element without weights (divided by the divisor of `'mean'` / `'batchmean'`).
 *
 * @param options - {@link BinaryCrossEntropyWithLogitsOptions}, plus `gradOut` to reuse a gradient buffer
 * @returns `{ loss, grad }`: the loss as {@link binaryCrossEntropyWithLogits} returns it, and the gradient
 *   of the input's shape and float type (for `'none'`, the gradient of the sum of the losses)
 * @throws as {@link binaryCrossEntropyWithLogits}, and when `gradOut` is not an array of the input's type and length
 * @example
 * ```ts
 * binaryCrossEntropyWithLogitsWithGrad([2.2, -1.4, 0.4], [1, 0, 0], { reduction: 'sum' }).grad.data
 * // Float64Array [-0.09975048911968513, 0.19781611144141825, 0.598687660112452]
 * ```
 */
export function binaryCrossEntropyWithLogitsWithGrad<R extends BinaryReduction = 'mean'>(
  input: TensorLike,
  target: TargetLike,
  options?: BinaryCrossEntropyWithLogitsOptions<R> & GradOptions,
): LossWithGrad<R> {
  const r = bceDirect(input, target, options, true) ?? run(input, target, options, true);
  return r as unknown as LossWithGrad<R>;
}

const FN = 'binaryCrossEntropyWithLogits';

function run(
  inputLike: TensorLike,
  targetLike: TargetLike,
  optionsArg: (BinaryCrossEntropyWithLogitsOptions & GradOptions) | undefined,
  withGrad: boolean,
): LossRun {
  const options = readOptions(FN, optionsArg, {
    reduction: true,
    weight: true,
    posWeight: true,
    labelSmoothing: true,
    gradOut: true,
  });
  const e = readElementwise(FN, inputLike, targetLike, options, BINARY_REDUCTIONS, 'mean', withGrad);
  const weight = readBroadcastWeight(FN, 'options.weight', options.weight, e.input.shape);
  const posWeight = readBroadcastWeight(FN, 'options.posWeight', options.posWeight, e.input.shape);
  const smoothing = readBinarySmoothing(FN, options.labelSmoothing);
  // The common case (no weights or smoothing, a reduced result) goes to the WebAssembly / threaded /
  // TypeScript kernels of ../kernels.
  const x = e.input.data;
  const fast = !weight && !posWeight && smoothing === 0 && !e.perElement && sameFloatType(x, e.target);
  const sum = fast
    ? bceFast({ x, y: e.target, grad: e.grad, scale: e.scale })
    : kernel(x, e.target, weight, posWeight, smoothing, e.perElement, e.grad, e.scale);
  const loss = lossResult(e.reduction, sum, e.divisor, e.perElement, e.input.shape);
  return lossRun(loss, e.grad, e.input.shape);
}

/** Loss and gradient per element, in the stable form above. Allocates nothing. */
function kernel(
  x: FloatArray,
  target: FloatArray,
  weight: Float64Array | undefined,
  posWeight: Float64Array | undefined,
  smoothing: number,
  lossOut: FloatArray | undefined,
  grad: FloatArray | undefined,
  scale: number,
): number {
  let sum = 0;
  const wn = weight ? weight.length : 1;
  const pn = posWeight ? posWeight.length : 1;
  for (let k = 0; k < x.length; k++) {
    const v = x[k];
    const y = target[k] * (1 - smoothing) + smoothing / 2;
    const w = weight ? weight[k % wn] : 1;
    const pw = posWeight ? posWeight[k % pn] : 1;
    const l = 1 + (pw - 1) * y;
    const loss = w * logisticLoss(v, y, pw);
    sum += loss;
    if (lossOut) lossOut[k] = loss;
    if (grad) grad[k] = w * (l * logistic(v) - pw * y) * scale;
  }
  return sum;
}
