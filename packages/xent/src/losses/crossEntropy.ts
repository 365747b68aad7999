import {
  checkIndices,
  checkInteger,
  checkNumberIn,
  checkReduction,
  readOptions,
} from '../internal/checks.js';
import { classTarget } from '../internal/classTarget.js';
import type { AxisLayout } from '../internal/layout.js';
import { gradBuffer, type LossRun, lossResult, lossRun, newLike } from '../internal/output.js';
import { readRaw, readTensor, toFloat } from '../internal/read.js';
import { readClassWeight } from '../internal/weights.js';
import { crossEntropyDirect } from '../kernels/crossEntropyDirect.js';
import { ceFast } from '../kernels/crossEntropyFast.js';
import type { GradOptions, LossOutput, LossWithGrad, Reduction, ReductionOptions } from '../loss.js';
import type { FloatArray, TargetLike, TensorLike } from '../tensor.js';

/** Options of {@link crossEntropy}: PyTorch's keyword arguments in camelCase, plus `zLoss` and `softcap`. */
export interface CrossEntropyOptions<R extends Reduction = Reduction> extends ReductionOptions<R> {
  /**
   * A weight per class (length C): each element's loss is scaled by the weight of its target class, and
   * `'mean'` divides by the sum of the target classes' weights (class-index targets) instead of the count.
   * @defaultValue no weighting
   */
  readonly weight?: ArrayLike<number>;
  /**
   * A class-index target with this value contributes neither loss nor gradient, and is not counted by
   * `'mean'`. Only for class-index targets.
   * @defaultValue -100
   */
  readonly ignoreIndex?: number;
  /**
   * ε in [0, 1]: the target becomes (1 - ε) · y + ε / C, a mix with the uniform distribution.
   * @defaultValue 0
   */
  readonly labelSmoothing?: number;
  /**
   * Coefficient of the z-loss (PaLM; Liger Kernel's `lse_square_scale`): adds zLoss · logsumexp(x)² per
   * counted element, pulling the log-normaliser towards 0. Not scaled by `weight`; `'mean'` divides
   * its sum by the number of counted elements.
   * @defaultValue 0
   */
  readonly zLoss?: number;
  /**
   * When given, logits are first soft-capped: x becomes softcap · tanh(x / softcap) (Gemma 2; Liger
   * Kernel's `softcap`), and the gradient includes the cap's derivative 1 - tanh²(x / softcap).
   * @defaultValue no cap
   */
  readonly softcap?: number;
}

/**
 * Cross-entropy of logits against class indices or class probabilities: log-softmax fused with the
 * negative log-likelihood, over the class axis.
 *
 * Formula, for one element with logits x (length C) and target y:
 *   class index t:        loss = -w[t] · log softmax(x)[t]
 *   probabilities y:      loss = -Σ_c w[c] · y[c] · log softmax(x)[c]
 *   with labelSmoothing ε: the target is (1 - ε) · onehot(t) + ε / C (or (1 - ε) · y + ε / C)
 *   with zLoss z:         + z · logsumexp(x)²
 * `'mean'` divides the sum by Σ w[t] over the counted elements for class indices (the count without
 * `weight`), and by the number of elements for probabilities, as PyTorch does.
 *
 * Stable evaluation: log softmax(x)[c] = x[c] - logsumexp(x), and logsumexp(x) = m + log Σ_c exp(x[c] - m)
 * with m = max(x), so every exponential is at most 1 and the sum is at least 1: nothing overflows and
 * the log never sees 0. The loss is accumulated as Σ w · ((m - x[c]) + log S), a sum of non-negative
 * terms, so no large logits cancel. The gradient, in the same pass, is the closed form
 *   d loss / d x[j] = Σ_c w[c] y[c] · softmax(x)[j] - w[j] · y[j]    (ŷ - y without weights)
 *   plus 2 · z · logsumexp(x) · softmax(x)[j] for the z-loss.
 *
 * Accuracy: matches PyTorch's float64 results to 1e-12 relative on the reference cases (the tests
 * assert 1e-10, with a scale term of machine epsilon times the summed magnitudes).
 *
 * Special cases (as PyTorch): a NaN or +Infinity logit makes its element's loss and gradient NaN; a
 * -Infinity logit is a class of probability 0 (its gradient is its softmax, 0, less its target weight:
 * -1 for an unweighted target class; the loss is +Infinity if it is the target class, or if label
 * smoothing gives it weight); an empty batch, every target ignored, or target weights w[t] summing to 0
 * (label smoothing or not) give NaN for `'mean'`, and the first two 0 for `'sum'`; an ignored row's gradient is 0, or NaN when its softmax is NaN (as PyTorch's backward).
 *
 * Equivalent: PyTorch `F.cross_entropy`; Keras `SparseCategoricalCrossentropy(from_logits=True)` /
 * `CategoricalCrossentropy(from_logits=True)`; TF.js `tf.losses.softmaxCrossEntropy`; optax
 * `softmax_cross_entropy_with_integer_labels` / `softmax_cross_entropy`.
 *
 * @param input - logits of shape (C), (N, C) or (N, C, d1, ..., dk); the class axis is 1 (0 when unbatched)
 * @param target - class indices of shape (), (N) or (N, d1, ..., dk), or probabilities of the input's shape
 * @param options - {@link CrossEntropyOptions}
 * @returns the mean or sum as a number, or for `'none'` the per-element losses of the target's (index) shape
 * @throws TypeError or RangeError on a shape that fits neither target kind, a class index out of range
 *   (other than ignoreIndex) or not an integer, a weight whose length is not C, labelSmoothing outside
 *   [0, 1], a negative zLoss, a softcap that is not positive, or an unknown reduction
 * @example
 * ```ts
 * crossEntropy([[2, 0, -1], [0.5, 1.5, 0]], [0, 1])
 * // 0.3171074018321153
 * ```
 */
export function crossEntropy<R extends Reduction = 'mean'>(
  input: TensorLike,
  target: TargetLike,
  options?: CrossEntropyOptions<R>,
): LossOutput<R> {
  const r =
    crossEntropyDirect(input, target, options, false) ?? run('crossEntropy', input, target, options, false);
  return r.loss as LossOutput<R>;
}

/**
 * {@link crossEntropy} and its gradient d(loss)/d(input) in one pass. For index targets without
 * weights or smoothing, with `'sum'`, the gradient of a row is softmax(x) - onehot(t).
 *
 * @param options - {@link CrossEntropyOptions}, plus `gradOut` to reuse a gradient buffer
 * @returns `{ loss, grad }`: the loss exactly as {@link crossEntropy} returns it, and the gradient, of
 *   the input's shape and float type (for `'none'`, the gradient of the sum of the losses)
 * @throws as {@link crossEntropy}, and when `gradOut` is not an array of the input's type and length
 * @example
 * ```ts
 * crossEntropyWithGrad([[2, 0, -1]], [0], { reduction: 'sum' }).grad.data
 * // Float64Array [-0.15620526551866054, 0.11419519938459449, 0.04201006613406605]
 * ```
 */
export function crossEntropyWithGrad<R extends Reduction = 'mean'>(
  input: TensorLike,
  target: TargetLike,
  options?: CrossEntropyOptions<R> & GradOptions,
): LossWithGrad<R> {
  const r =
    crossEntropyDirect(input, target, options, true) ?? run('crossEntropy', input, target, options, true);
  return r as unknown as LossWithGrad<R>;
}

function run(
  fn: string,
  inputLike: TensorLike,
  targetLike: TargetLike,
  optionsArg: (CrossEntropyOptions & GradOptions) | undefined,
  withGrad: boolean,
): LossRun {
  const options = readOptions(fn, optionsArg, {
    reduction: true,
    weight: true,
    ignoreIndex: true,
    labelSmoothing: true,
    zLoss: true,
    softcap: true,
    gradOut: true,
  });
  const input = readTensor(fn, 'input', inputLike);
  const rawTarget = readRaw(fn, 'target', targetLike);
  const { layout, indexShape, probabilities: soft } = classTarget(fn, input.shape, rawTarget.shape, true);
  const reduction = checkReduction(fn, options.reduction ?? 'mean', ['none', 'mean', 'sum'] as const);
  const weight = readClassWeight(fn, 'options.weight', options.weight, layout.classes);
  const ignoreIndex = checkInteger(fn, 'options.ignoreIndex', options.ignoreIndex ?? -100);
  if (soft && ignoreIndex >= 0) {
    throw new RangeError(
      `${fn}: options.ignoreIndex (${ignoreIndex}) is only for class-index targets; the target holds class probabilities (it has the input's shape)`,
    );
  }
  const smoothing = checkNumberIn(fn, 'options.labelSmoothing', options.labelSmoothing ?? 0, 0, 1);
  const zLoss = checkNumberIn(fn, 'options.zLoss', options.zLoss ?? 0, 0, Number.MAX_VALUE);
  const softcap =
    options.softcap === undefined
      ? 0
      : checkNumberIn(fn, 'options.softcap', options.softcap, Number.MIN_VALUE, Number.MAX_VALUE);
  const grad = withGrad ? gradBuffer(fn, options.gradOut, input) : undefined;

  const target = soft ? toFloat(rawTarget.data) : rawTarget.data;
  const elements = layout.outer * layout.inner;
  // The divisors of 'mean': Σ w[t] over counted elements (the cross-entropy part) and their count
  // (the z-loss part). Probability targets count every element with weight 1.
  let counted = elements;
  let weightSum = elements;
  if (!soft) {
    counted = checkIndices(fn, target, layout.classes, ignoreIndex);
    weightSum = counted;
    if (weight) {
      weightSum = 0;
      for (let e = 0; e < elements; e++) if (target[e] !== ignoreIndex) weightSum += weight[target[e]];
    }
  }
  const mean = reduction === 'mean';
  const perElement = reduction === 'none' ? newLike(input.data, elements) : undefined;
  const sums = kernel(
    input.data,
    layout,
    target,
    soft,
    weight,
    ignoreIndex,
    smoothing,
    zLoss,
    softcap,
    perElement,
    grad,
    mean ? 1 / weightSum : 1,
    mean ? 1 / counted : 1,
  );
  // A zero Σ w[t] makes the cross-entropy part 0 / 0 = NaN, as PyTorch's, smoothing terms or not (which
  // alone would give x / 0 = Infinity).
  const ce = weightSum === 0 ? Number.NaN : sums.ce / weightSum;
  const total = mean ? ce + (zLoss > 0 ? sums.z / counted : 0) : sums.ce + sums.z;
  const loss = lossResult(reduction, total, 1, perElement, indexShape);
  return lossRun(loss, grad, input.shape);
}

/**
 * The fused kernel: per element, three sweeps over its C logits (max; exp-sum and the smoothing sums;
 * the gradient), writing each gradient value once. Returns the summed cross-entropy and z-loss terms.
 * Assumes validated input; allocates nothing.
 */
function kernel(
  x: FloatArray,
  { outer, classes: C, inner }: AxisLayout,
  target: ArrayLike<number>,
  soft: boolean,
  weight: Float64Array | undefined,
  ignoreIndex: number,
  smoothing: number,
  zLoss: number,
  softcap: number,
  lossOut: FloatArray | undefined,
  grad: FloatArray | undefined,
  ceScale: number,
  zScale: number,
): { ce: number; z: number } {
  // The common case (class indices over contiguous classes, no smoothing, no softcap) goes to the
  // WebAssembly / threaded / TypeScript row kernels of ../kernels, with the same row semantics.
  if (inner === 1 && !soft && smoothing === 0 && softcap === 0 && (ignoreIndex | 0) === ignoreIndex) {
    const job = { x, C, target, weight, ignoreIndex, zLoss, ceScale, zScale, grad, lossOut };
    return ceFast(job, outer);
  }
  let ceSum = 0;
  let zSum = 0;
  const keep = 1 - smoothing;
  const spread = smoothing / C;
  let weightTotal = C;
  if (weight) {
    weightTotal = 0;
    for (let c = 0; c < C; c++) weightTotal += weight[c];
  }
  const cap = (v: number): number => (softcap > 0 ? softcap * Math.tanh(v / softcap) : v);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const e = o * inner + i;
      const base = o * C * inner + i;
      const t = soft ? -1 : target[e];
      if (!soft && t === ignoreIndex) {
        if (lossOut) lossOut[e] = 0;
        if (grad) {
          // PyTorch's log-softmax backward gives 0 - softmax(x) · 0 here: NaN when the row's softmax is
          // NaN (a NaN or +Infinity logit, or every logit -Infinity), 0 otherwise. No exp needed to tell.
          let m = Number.NEGATIVE_INFINITY;
          let nan = false;
          for (let c = 0; c < C; c++) {
            const z = cap(x[base + c * inner]);
            if (z > m) m = z;
            else if (Number.isNaN(z)) nan = true;
          }
          const g = nan || m === Number.POSITIVE_INFINITY || m === Number.NEGATIVE_INFINITY ? Number.NaN : 0;
          for (let c = 0; c < C; c++) grad[base + c * inner] = g;
        }
        continue;
      }
      let m = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < C; c++) {
        const z = cap(x[base + c * inner]);
        if (z > m) m = z;
      }
      // S = Σ exp(z - m); shifted = Σ w·y·(m - z) over the target distribution; wy = Σ w·y.
      let s = 0;
      let shifted = 0;
      let wy = 0;
      for (let c = 0; c < C; c++) {
        const z = cap(x[base + c * inner]);
        s += Math.exp(z - m);
        const wc = weight ? weight[c] : 1;
        if (soft) {
          const y = keep * target[base + c * inner] + spread;
          shifted += wc * y * (m - z);
          wy += wc * y;
        } else if (smoothing > 0) {
          shifted += wc * spread * (m - z);
        }
      }
      const logS = Math.log(s);
      const lse = m + logS;
      let loss: number;
      let wt = 0;
      if (soft) {
        loss = shifted + wy * logS;
      } else {
        wt = weight ? weight[t] : 1;
        loss = keep * wt * (m - cap(x[base + t * inner]) + logS);
        if (smoothing > 0) loss += shifted + spread * weightTotal * logS;
        wy = wt * keep + (smoothing > 0 ? spread * weightTotal : 0);
      }
      ceSum += loss;
      const z2 = zLoss * lse * lse;
      zSum += z2;
      if (lossOut) lossOut[e] = loss + z2;
      if (grad) {
        // d/dz_j = ceScale · (wy · p_j - w_j · y_j) + zScale · 2 · zLoss · lse · p_j, times the cap's derivative.
        const pCoef = ceScale * wy + (zLoss > 0 ? zScale * 2 * zLoss * lse : 0);
        const invS = 1 / s;
        for (let c = 0; c < C; c++) {
          const k = base + c * inner;
          const v = x[k];
          const z = cap(v);
          const wc = weight ? weight[c] : 1;
          const y = soft ? keep * target[k] + spread : (c === t ? keep : 0) + spread;
          let g = pCoef * Math.exp(z - m) * invS - ceScale * wc * y;
          if (softcap > 0) {
            const th = Math.tanh(v / softcap);
            g *= 1 - th * th;
          }
          grad[k] = g;
        }
      }
    }
  }
  return { ce: ceSum, z: zSum };
}
