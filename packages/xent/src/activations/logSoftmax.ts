import { axisLayout } from '../internal/layout.js';
import { newLike } from '../internal/output.js';
import { readTensor } from '../internal/read.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { type AxisOptions, readAxis } from './AxisOptions.js';

/**
 * The log of the softmax along an axis: log-probabilities, the input of {@link nllLoss}.
 *
 * Formula: logSoftmax(x)[c] = x[c] - log Σ_k exp(x[k])
 *
 * Stable evaluation: x[c] - m - log Σ_k exp(x[k] - m) with m = max(x). The exponentials cannot
 * overflow and the sum is at least 1, so the log is finite; taking log(softmax(x)) instead would give
 * -Infinity as soon as a probability underflows (x[c] - m < -745), where this stays exact.
 *
 * Accuracy: the tests assert 1e-10 relative for float64 against PyTorch.
 *
 * Special cases (as PyTorch): -Infinity stays -Infinity; a row with NaN or +Infinity, or with every
 * value -Infinity, gives NaN throughout.
 *
 * Equivalent: PyTorch `F.log_softmax(x, dim)`; Keras `ops.log_softmax`; TF.js `tf.logSoftmax`; JAX `jax.nn.log_softmax`.
 *
 * @param x - any shape
 * @param options - `axis`, negative counting from the end (default -1)
 * @returns a tensor of x's shape and float type
 * @throws RangeError when the axis does not exist
 * @example
 * ```ts
 * logSoftmax([1, 2, 3]).data
 * // Float64Array [-2.4076059644443806, -1.4076059644443804, -0.4076059644443804]
 * ```
 */
export function logSoftmax(x: TensorLike, options?: AxisOptions): Tensor {
  const input = readTensor('logSoftmax', 'x', x);
  const { outer, classes, inner } = axisLayout('logSoftmax', input.shape, readAxis('logSoftmax', options));
  const out = newLike(input.data, input.data.length);
  const d = input.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * classes * inner + i;
      let m = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < classes; c++) if (d[base + c * inner] > m) m = d[base + c * inner];
      let s = 0;
      for (let c = 0; c < classes; c++) s += Math.exp(d[base + c * inner] - m);
      const logS = Math.log(s);
      for (let c = 0; c < classes; c++) out[base + c * inner] = d[base + c * inner] - m - logS;
    }
  }
  return { data: out, shape: [...input.shape] };
}
