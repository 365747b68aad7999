import { checkIndices, checkNumberIn, checkReduction, readOptions } from '../internal/checks.js';
import { classTarget } from '../internal/classTarget.js';
import type { AxisLayout } from '../internal/layout.js';
import { gradBuffer, type LossRun, lossResult, lossRun, newLike } from '../internal/output.js';
import { readRaw, readTensor, toFloat } from '../internal/read.js';
import type { GradOptions, LossOutput, LossWithGrad, Reduction, ReductionOptions } from '../loss.js';
import { describe, type FloatArray, type TargetLike, type TensorLike } from '../tensor.js';

/** Options of {@link categoricalCrossEntropy}: Keras's. */
export interface CategoricalCrossEntropyOptions<R extends Reduction = Reduction> extends ReductionOptions<R> {
  /**
   * Normalised probabilities are clipped to [ε, 1 - ε] before the log, so a predicted 0 costs
   * -log(ε) (16.1 for the default) instead of Infinity. Keras's `backend.epsilon()`.
   * @defaultValue 1e-7
   */
  readonly epsilon?: number;
}

/**
 * Cross-entropy of predicted probabilities (the output of a softmax layer), the textbook -Σ y log ŷ,
 * with Keras's semantics; on logits, prefer the exact and faster {@link crossEntropy}.
 *
 * Formula, per element with predictions x (length C along the class axis) and target y:
 *   q = x / Σ_c x[c]                 each row renormalised to sum 1 (Keras)
 *   q' = clip(q, ε, 1 - ε)           against log(0)
 *   loss = -Σ_c y[c] · log q'[c]     (a class index t means y = onehot(t): loss = -log q'[t])
 * `'mean'` averages over the elements (N · d1 · ...).
 *
 * Gradient, same pass: with g[c] = -y[c] / q'[c] where the clip is inactive (ε <= q[c] <= 1 - ε) and 0
 * where it is active, d loss / d x[j] = (g[j] - Σ_c g[c] · q[c]) / Σ_c x[c], the chain rule through the
 * renormalisation.
 *
 * Accuracy: the tests assert 1e-10 relative for float64 against the Keras formula run in PyTorch float64.
 *
 * Special cases: a row summing to 0 gives NaN (0 / 0, as Keras); NaN gives NaN; a negative input throws.
 *
 * Equivalent: Keras `CategoricalCrossentropy()` / `SparseCategoricalCrossentropy()` (probabilities, not
 * logits); TF.js `tf.metrics.categoricalCrossentropy`; PyTorch none (`nll_loss` of `log(clamp(p))` is near).
 *
 * @param input - probabilities (or non-negative scores) of shape (C), (N, C) or (N, C, d1, ..., dk); class axis 1 (0 when unbatched)
 * @param target - class indices of shape (), (N) or (N, d1, ..., dk), or probabilities of the input's shape
 * @param options - {@link CategoricalCrossEntropyOptions}
 * @returns the mean or sum as a number, or for `'none'` the per-element losses (the input's shape without the class axis)
 * @throws RangeError on a negative input value, a target of the wrong shape, a class index out of range
 *   or not an integer, epsilon outside [0, 0.5); TypeError on an unknown reduction
 * @example
 * ```ts
 * categoricalCrossEntropy([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], [0, 2])
 * // 0.28990924762647097
 * ```
 */
export function categoricalCrossEntropy<R extends Reduction = 'mean'>(
  input: TensorLike,
  target: TargetLike,
  options?: CategoricalCrossEntropyOptions<R>,
): LossOutput<R> {
  return run(input, target, options, false).loss as LossOutput<R>;
}

/**
 * {@link categoricalCrossEntropy} and its gradient d(loss)/d(input) in one pass.
 *
 * @param options - {@link CategoricalCrossEntropyOptions}, plus `gradOut` to reuse a gradient buffer
 * @returns `{ loss, grad }`: the loss as {@link categoricalCrossEntropy} returns it, and the gradient of
 *   the input's shape and float type (for `'none'`, the gradient of the sum of the losses)
 * @throws as {@link categoricalCrossEntropy}, and when `gradOut` is not an array of the input's type and length
 * @example
 * ```ts
 * categoricalCrossEntropyWithGrad([[0.7, 0.2, 0.1]], [0]).grad.data
 * // Float64Array [-0.42857142857142844, 1.0000000000000002, 1.0000000000000002]
 * ```
 */
export function categoricalCrossEntropyWithGrad<R extends Reduction = 'mean'>(
  input: TensorLike,
  target: TargetLike,
  options?: CategoricalCrossEntropyOptions<R> & GradOptions,
): LossWithGrad<R> {
  return run(input, target, options, true) as unknown as LossWithGrad<R>;
}

const FN = 'categoricalCrossEntropy';

function run(
  inputLike: TensorLike,
  targetLike: TargetLike,
  optionsArg: (CategoricalCrossEntropyOptions & GradOptions) | undefined,
  withGrad: boolean,
): LossRun {
  const options = readOptions(FN, optionsArg, { reduction: true, epsilon: true, gradOut: true });
  const input = readTensor(FN, 'input', inputLike);
  const raw = readRaw(FN, 'target', targetLike);
  const { layout, indexShape, probabilities } = classTarget(FN, input.shape, raw.shape, true);
  for (let k = 0; k < input.data.length; k++) {
    if (input.data[k] < 0) {
      throw new RangeError(
        `${FN}: input values must be probabilities (>= 0), got ${describe(input.data[k])} at flat position ${k}`,
      );
    }
  }
  const reduction = checkReduction(FN, options.reduction ?? 'mean', ['none', 'mean', 'sum'] as const);
  const epsilon = checkNumberIn(FN, 'options.epsilon', options.epsilon ?? 1e-7, 0, 0.5 - Number.EPSILON);
  const target = probabilities ? toFloat(raw.data) : raw.data;
  if (!probabilities) checkIndices(FN, target, layout.classes, Number.NaN);
  const grad = withGrad ? gradBuffer(FN, options.gradOut, input) : undefined;
  const elements = layout.outer * layout.inner;
  const perElement = reduction === 'none' ? newLike(input.data, elements) : undefined;
  const scale = reduction === 'mean' ? 1 / elements : 1;
  const sum = kernel(input.data, layout, target, probabilities, epsilon, perElement, grad, scale);
  const loss = lossResult(reduction, sum, elements, perElement, indexShape);
  return lossRun(loss, grad, input.shape);
}

/** Per element: the row sum, the clipped log-loss, then the gradient through clip and renormalisation. */
function kernel(
  x: FloatArray,
  { outer, classes: C, inner }: AxisLayout,
  target: ArrayLike<number>,
  probabilities: boolean,
  epsilon: number,
  lossOut: FloatArray | undefined,
  grad: FloatArray | undefined,
  scale: number,
): number {
  let sum = 0;
  const hi = 1 - epsilon;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const e = o * inner + i;
      const base = o * C * inner + i;
      const t = probabilities ? -1 : target[e];
      let s = 0;
      for (let c = 0; c < C; c++) s += x[base + c * inner];
      // loss = -Σ y log q'; gq = Σ g[c] q[c] with g[c] = -y[c] / q'[c] inside the clip.
      let loss = 0;
      let gq = 0;
      for (let c = 0; c < C; c++) {
        const k = base + c * inner;
        const y = probabilities ? target[k] : c === t ? 1 : 0;
        if (y === 0) continue; // 0 · log q' = 0, as q' >= ε is finite
        const q = x[k] / s;
        const qc = Math.min(Math.max(q, epsilon), hi);
        loss -= y * Math.log(qc);
        if (q >= epsilon && q <= hi) gq -= (y / qc) * q;
      }
      sum += loss;
      if (lossOut) lossOut[e] = loss;
      if (grad) {
        for (let c = 0; c < C; c++) {
          const k = base + c * inner;
          const y = probabilities ? target[k] : c === t ? 1 : 0;
          const q = x[k] / s;
          const g = y !== 0 && q >= epsilon && q <= hi ? -y / q : 0;
          grad[k] = ((g - gq) / s) * scale;
        }
      }
    }
  }
  return sum;
}
