import { axisLayout, withoutAxis } from '../internal/layout.js';
import { newLike } from '../internal/output.js';
import { readTensor } from '../internal/read.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { type AxisOptions, readAxis } from './AxisOptions.js';

/**
 * The log of the sum of exponentials along an axis, which is removed from the result: the
 * log-normaliser of the softmax, and a smooth maximum.
 *
 * Formula: logSumExp(x) = log Σ_k exp(x[k])
 *
 * Stable evaluation: m + log Σ_k exp(x[k] - m) with m = max(x): no exponential overflows, and the sum
 * is at least 1. When m is ±Infinity the shift is 0 instead (PyTorch's rule), so a row holding
 * +Infinity gives +Infinity and a row of -Infinity gives -Infinity rather than NaN from ∞ - ∞.
 *
 * Accuracy: the tests assert 1e-10 relative for float64 against PyTorch.
 *
 * Special cases (as PyTorch): NaN anywhere in a row gives NaN; an empty axis gives -Infinity.
 *
 * Equivalent: PyTorch `torch.logsumexp(x, dim)`; Keras `ops.logsumexp`; TF.js `tf.logSumExp`; JAX
 * `jax.nn.logsumexp`.
 *
 * @param x - any shape
 * @param options - `axis`, negative counting from the end (default -1)
 * @returns a tensor of x's shape without the axis, of x's float type
 * @throws RangeError when the axis does not exist
 * @example
 * ```ts
 * logSumExp([[1, 2, 3], [1000, 1000, 1000]]).data
 * // Float64Array [3.4076059644443806, 1001.0986122886682]
 * ```
 */
export function logSumExp(x: TensorLike, options?: AxisOptions): Tensor {
  const input = readTensor('logSumExp', 'x', x);
  const { axis, outer, classes, inner } = axisLayout(
    'logSumExp',
    input.shape,
    readAxis('logSumExp', options),
  );
  const out = newLike(input.data, outer * inner);
  const d = input.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * classes * inner + i;
      let m = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < classes; c++) if (d[base + c * inner] > m) m = d[base + c * inner];
      if (m === Number.POSITIVE_INFINITY || m === Number.NEGATIVE_INFINITY) m = 0;
      let s = 0;
      for (let c = 0; c < classes; c++) s += Math.exp(d[base + c * inner] - m);
      out[o * inner + i] = m + Math.log(s);
    }
  }
  return { data: out, shape: withoutAxis(input.shape, axis) };
}
