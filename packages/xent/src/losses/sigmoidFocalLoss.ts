import { BINARY_REDUCTIONS } from '../internal/binary.js';
import { checkNumberIn, readOptions } from '../internal/checks.js';
import { readElementwise } from '../internal/elementwise.js';
import { logistic, logisticLoss } from '../internal/logistic.js';
import { type LossRun, lossResult, lossRun } from '../internal/output.js';
import type { BinaryReduction, GradOptions, LossOutput, LossWithGrad, ReductionOptions } from '../loss.js';
import type { FloatArray, TargetLike, TensorLike } from '../tensor.js';

/** Options of {@link sigmoidFocalLoss}: torchvision's keyword arguments. */
export interface SigmoidFocalLossOptions<R extends BinaryReduction = BinaryReduction>
  extends ReductionOptions<R> {
  /**
   * Weight of the positive class, α in [0, 1] (negatives get 1 - α); a negative value turns the
   * weighting off (torchvision's convention).
   * @defaultValue 0.25
   */
  readonly alpha?: number;
  /**
   * Focusing exponent γ >= 0: well-classified elements (p_t near 1) are down-weighted by (1 - p_t)^γ.
   * γ = 0 gives α-weighted binary cross-entropy.
   * @defaultValue 2
   */
  readonly gamma?: number;
}

/**
 * Focal loss on logits (Lin et al. 2017, RetinaNet), elementwise: binary cross-entropy scaled down for
 * the elements the model already gets right, so that training concentrates on the hard ones.
 *
 * Formula, with p = σ(x) and p_t = p · y + (1 - p) · (1 - y):
 *   loss = α_t · (1 - p_t)^γ · BCE(x, y),   α_t = α · y + (1 - α) · (1 - y)  (1 when α < 0)
 *
 * Stable evaluation: BCE(x, y) = (1 - y) · softplus(x) + y · softplus(-x) as in {@link binaryCrossEntropyWithLogits}.
 * Gradient, same pass, by the product rule:
 *   d loss / d x = α_t · ((1 - p_t)^γ · (p - y) - γ · (1 - p_t)^(γ-1) · p (1 - p) (2y - 1) · BCE)
 * with the second term 0 when γ = 0 (as PyTorch's pow backward masks it) and where 1 - p_t is 0. 1 - p_t
 * is taken as y · σ(-x) + (1 - y) · σ(x), exact for confident logits, where torchvision's 1 - p_t rounds
 * to 0 (and, for γ < 1, its gradient to NaN: 0^(γ-1) · 0).
 *
 * Accuracy: the tests assert 1e-10 relative for float64 against torchvision's formula run by PyTorch.
 *
 * Special cases: NaN gives NaN; an empty input gives NaN for `'mean'`.
 *
 * Equivalent: torchvision `ops.sigmoid_focal_loss`; Keras `BinaryFocalCrossentropy(from_logits=True,
 * apply_class_balancing=True)`; optax `sigmoid_focal_loss`.
 *
 * @param input - logits, any shape
 * @param target - targets of the input's shape, usually 0 or 1
 * @param options - {@link SigmoidFocalLossOptions}; the default reduction is `'none'`, as in torchvision
 * @returns per-element losses of the input's shape (`'none'`), or the reduced loss as a number
 * @throws RangeError on mismatched shapes, α > 1, γ < 0; TypeError on an unknown reduction
 * @example
 * ```ts
 * sigmoidFocalLoss([2.2, -1.4, 0.4], [1, 0, 0], { reduction: 'sum' })
 * // 0.25216722935050134
 * ```
 */
export function sigmoidFocalLoss<R extends BinaryReduction = 'none'>(
  input: TensorLike,
  target: TargetLike,
  options?: SigmoidFocalLossOptions<R>,
): LossOutput<R> {
  return run(input, target, options, false).loss as LossOutput<R>;
}

/**
 * {@link sigmoidFocalLoss} and its gradient d(loss)/d(input) in one pass.
 *
 * @param options - {@link SigmoidFocalLossOptions}, plus `gradOut` to reuse a gradient buffer
 * @returns `{ loss, grad }`: the loss as {@link sigmoidFocalLoss} returns it, and the gradient of the
 *   input's shape and float type (for `'none'`, the gradient of the sum of the losses)
 * @throws as {@link sigmoidFocalLoss}, and when `gradOut` is not an array of the input's type and length
 * @example
 * ```ts
 * sigmoidFocalLossWithGrad([2.2, -1.4, 0.4], [1, 0, 0], { reduction: 'sum' }).grad.data
 * // Float64Array [-0.0007187819114893635, 0.016184084140029805, 0.35793306517494805]
 * ```
 */
export function sigmoidFocalLossWithGrad<R extends BinaryReduction = 'none'>(
  input: TensorLike,
  target: TargetLike,
  options?: SigmoidFocalLossOptions<R> & GradOptions,
): LossWithGrad<R> {
  return run(input, target, options, true) as unknown as LossWithGrad<R>;
}

const FN = 'sigmoidFocalLoss';

function run(
  inputLike: TensorLike,
  targetLike: TargetLike,
  optionsArg: (SigmoidFocalLossOptions & GradOptions) | undefined,
  withGrad: boolean,
): LossRun {
  const options = readOptions(FN, optionsArg, { reduction: true, alpha: true, gamma: true, gradOut: true });
  const e = readElementwise(FN, inputLike, targetLike, options, BINARY_REDUCTIONS, 'none', withGrad);
  const alpha = checkNumberIn(FN, 'options.alpha', options.alpha ?? 0.25, Number.NEGATIVE_INFINITY, 1);
  const gamma = checkNumberIn(FN, 'options.gamma', options.gamma ?? 2, 0, Number.MAX_VALUE);
  const sum = kernel(e.input.data, e.target, alpha, gamma, e.perElement, e.grad, e.scale);
  const loss = lossResult(e.reduction, sum, e.divisor, e.perElement, e.input.shape);
  return lossRun(loss, e.grad, e.input.shape);
}

function kernel(
  x: FloatArray,
  target: FloatArray,
  alpha: number,
  gamma: number,
  lossOut: FloatArray | undefined,
  grad: FloatArray | undefined,
  scale: number,
): number {
  let sum = 0;
  for (let k = 0; k < x.length; k++) {
    const y = target[k];
    const p = logistic(x[k]);
    // 1 - p, and 1 - p_t from it: exact where p_t rounds to 1 (a confident, correct logit), whose
    // (1 - p_t)^(γ-1) is then finite for γ < 1 instead of 0^(γ-1) = Infinity.
    const pc = logistic(-x[k]);
    const bce = logisticLoss(x[k], y, 1);
    const q = y * pc + (1 - y) * p;
    const a = alpha >= 0 ? alpha * y + (1 - alpha) * (1 - y) : 1;
    const modulator = q ** gamma;
    const loss = a * bce * modulator;
    sum += loss;
    if (lossOut) lossOut[k] = loss;
    if (grad) {
      // q^(γ-1) · p (1 - p) tends to 0 with q (q is p or 1 - p for a 0/1 target): 0 where q is 0.
      const dModulator = gamma === 0 || q === 0 ? 0 : -gamma * q ** (gamma - 1) * p * pc * (2 * y - 1);
      grad[k] = a * (modulator * (p - y) + bce * dModulator) * scale;
    }
  }
  return sum;
}
