import { checkReduction, checkSameShape, readOptions } from '../internal/checks.js';
import { logistic, softplus } from '../internal/logistic.js';
import { gradBuffer, type LossRun, lossResult, lossRun, newLike } from '../internal/output.js';
import { readRaw, readTensor, toFloat } from '../internal/read.js';
import { readBroadcastWeight } from '../internal/weights.js';
import type { GradOptions, LossOutput, LossWithGrad, Reduction, ReductionOptions } from '../loss.js';
import type { FloatArray, TargetLike, TensorLike } from '../tensor.js';

/** Options of {@link multilabelSoftMarginLoss}: PyTorch's keyword arguments. */
export interface MultilabelSoftMarginLossOptions<R extends Reduction = Reduction>
  extends ReductionOptions<R> {
  /**
   * A weight per class (shape (C)), broadcast against the input by trailing dimensions.
   * @defaultValue no weighting
   */
  readonly weight?: TensorLike;
}

/**
 * The multi-label loss of PyTorch: a sigmoid per class and binary cross-entropy, averaged over the
 * classes of each sample (then reduced over samples).
 *
 * Formula, per sample with logits x (length C) and 0/1 targets y:
 *   loss = -(1 / C) · Σ_c w[c] · (y[c] · log σ(x[c]) + (1 - y[c]) · log σ(-x[c]))
 *
 * Stable evaluation: -log σ(x) = softplus(-x) and -log σ(-x) = softplus(x), with softplus(z) =
 * max(z, 0) + log1p(exp(-|z|)) (see {@link binaryCrossEntropyWithLogits}); exact for every finite logit.
 * Gradient, same pass: d loss / d x[c] = w[c] · ((1 - y[c]) σ(x[c]) - y[c] σ(-x[c])) / C, which is
 * w[c] · (σ(x[c]) - y[c]) / C.
 *
 * Accuracy: the tests assert 1e-10 relative for float64 against PyTorch.
 *
 * Special cases: NaN gives NaN for its sample; an empty batch gives NaN for `'mean'`.
 *
 * Equivalent: PyTorch `F.multilabel_soft_margin_loss`; it equals {@link binaryCrossEntropyWithLogits}
 * with `'mean'` (both average over all N · C elements), and with `'batchmean'` times C.
 *
 * @param input - logits of shape (N, C) or (C); more dimensions are allowed, the last one holds the classes
 * @param target - 0/1 targets of the input's shape
 * @param options - {@link MultilabelSoftMarginLossOptions}
 * @returns the mean or sum over samples as a number, or for `'none'` one loss per sample: the input's shape without its last dimension
 * @throws RangeError on a 0-d input, mismatched shapes, a weight that does not
 *   broadcast; TypeError on an unknown reduction
 * @example
 * ```ts
 * multilabelSoftMarginLoss([[2.2, -1.4, 0.4]], [[1, 0, 0]])
 * // 0.4128386606956998
 * ```
 */
export function multilabelSoftMarginLoss<R extends Reduction = 'mean'>(
  input: TensorLike,
  target: TargetLike,
  options?: MultilabelSoftMarginLossOptions<R>,
): LossOutput<R> {
  return run(input, target, options, false).loss as LossOutput<R>;
}

/**
 * {@link multilabelSoftMarginLoss} and its gradient d(loss)/d(input) in one pass.
 *
 * @param options - {@link MultilabelSoftMarginLossOptions}, plus `gradOut` to reuse a gradient buffer
 * @returns `{ loss, grad }`: the loss as {@link multilabelSoftMarginLoss} returns it, and the gradient of
 *   the input's shape and float type (for `'none'`, the gradient of the sum of the losses)
 * @throws as {@link multilabelSoftMarginLoss}, and when `gradOut` is not an array of the input's type and length
 * @example
 * ```ts
 * multilabelSoftMarginLossWithGrad([[2.2, -1.4, 0.4]], [[1, 0, 0]]).grad.data
 * // Float64Array [-0.033250163039895045, 0.06593870381380608, 0.19956255337081732]
 * ```
 */
export function multilabelSoftMarginLossWithGrad<R extends Reduction = 'mean'>(
  input: TensorLike,
  target: TargetLike,
  options?: MultilabelSoftMarginLossOptions<R> & GradOptions,
): LossWithGrad<R> {
  return run(input, target, options, true) as unknown as LossWithGrad<R>;
}

const FN = 'multilabelSoftMarginLoss';

function run(
  inputLike: TensorLike,
  targetLike: TargetLike,
  optionsArg: (MultilabelSoftMarginLossOptions & GradOptions) | undefined,
  withGrad: boolean,
): LossRun {
  const options = readOptions(FN, optionsArg, { reduction: true, weight: true, gradOut: true });
  const input = readTensor(FN, 'input', inputLike);
  // PyTorch averages over the last dimension, whatever the rank: (N, C), (C), or (N, d1, ..., C).
  if (input.shape.length === 0) {
    throw new RangeError(
      `${FN}: input must have a class dimension: shape (C), (N, C) or (N, ..., C), got a 0-d input`,
    );
  }
  const classes = input.shape[input.shape.length - 1];
  const outer = classes === 0 ? 0 : input.data.length / classes;
  const raw = readRaw(FN, 'target', targetLike);
  checkSameShape(FN, input.shape, raw.shape);
  const reduction = checkReduction(FN, options.reduction ?? 'mean', ['none', 'mean', 'sum'] as const);
  const weight = readBroadcastWeight(FN, 'options.weight', options.weight, input.shape);
  const grad = withGrad ? gradBuffer(FN, options.gradOut, input) : undefined;
  const perSample = reduction === 'none' ? newLike(input.data, outer) : undefined;
  const scale = reduction === 'mean' ? 1 / outer : 1;
  const sum = kernel(input.data, toFloat(raw.data), outer, classes, weight, perSample, grad, scale);
  const loss = lossResult(reduction, sum, outer, perSample, input.shape.slice(0, -1));
  return lossRun(loss, grad, input.shape);
}

/** Per sample: the class-averaged logistic loss, and its gradient. Allocates nothing. */
function kernel(
  x: FloatArray,
  y: FloatArray,
  samples: number,
  C: number,
  weight: Float64Array | undefined,
  lossOut: FloatArray | undefined,
  grad: FloatArray | undefined,
  scale: number,
): number {
  let sum = 0;
  const wn = weight ? weight.length : 1;
  for (let n = 0; n < samples; n++) {
    let s = 0;
    for (let c = 0; c < C; c++) {
      const k = n * C + c;
      const w = weight ? weight[k % wn] : 1;
      // -(y log σ(x) + (1 - y) log σ(-x)) term by term, as PyTorch writes it, so that ±Infinity logits
      // give PyTorch's results (x = -Infinity with y = 1 costs Infinity, not NaN).
      s += w * (y[k] * softplus(-x[k]) + (1 - y[k]) * softplus(x[k]));
      if (grad) grad[k] = (w * ((1 - y[k]) * logistic(x[k]) - y[k] * logistic(-x[k])) * scale) / C;
    }
    const loss = s / C;
    sum += loss;
    if (lossOut) lossOut[n] = loss;
  }
  return sum;
}
