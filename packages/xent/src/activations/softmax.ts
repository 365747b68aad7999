import { axisLayout } from '../internal/layout.js';
import { newLike } from '../internal/output.js';
import { readTensor } from '../internal/read.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { type AxisOptions, readAxis } from './AxisOptions.js';

/**
 * The softmax along an axis: probabilities proportional to exp(x).
 *
 * Formula: softmax(x)[c] = exp(x[c]) / Σ_k exp(x[k])
 *
 * Stable evaluation: exp(x[c] - m) / Σ_k exp(x[k] - m) with m = max(x): the same ratio, but every
 * exponential is at most 1 (no overflow for large logits) and the denominator at least 1.
 *
 * Accuracy: a few ulps per value; the tests assert 1e-10 relative for float64 against PyTorch.
 *
 * Special cases (as PyTorch): -Infinity gives probability 0; a row with NaN or +Infinity, or with
 * every value -Infinity, gives NaN throughout.
 *
 * Equivalent: PyTorch `F.softmax(x, dim)`; Keras `ops.softmax`; TF.js `tf.softmax`; optax/JAX `jax.nn.softmax`.
 *
 * @param x - any shape
 * @param options - `axis`, negative counting from the end (default -1)
 * @returns a tensor of x's shape and float type
 * @throws RangeError when the axis does not exist
 * @example
 * ```ts
 * softmax([1, 2, 3]).data
 * // Float64Array [0.09003057317038046, 0.24472847105479764, 0.6652409557748218]
 * ```
 */
export function softmax(x: TensorLike, options?: AxisOptions): Tensor {
  const input = readTensor('softmax', 'x', x);
  const { outer, classes, inner } = axisLayout('softmax', input.shape, readAxis('softmax', options));
  const out = newLike(input.data, input.data.length);
  const d = input.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * classes * inner + i;
      let m = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < classes; c++) if (d[base + c * inner] > m) m = d[base + c * inner];
      let s = 0;
      for (let c = 0; c < classes; c++) {
        const e = Math.exp(d[base + c * inner] - m);
        out[base + c * inner] = e;
        s += e;
      }
      if (out instanceof Float64Array) {
        for (let c = 0; c < classes; c++) out[base + c * inner] /= s;
      } else {
        // float32 output: divide the float64 exponentials, so each value is rounded once.
        for (let c = 0; c < classes; c++) out[base + c * inner] = Math.exp(d[base + c * inner] - m) / s;
      }
    }
  }
  return { data: out, shape: [...input.shape] };
}
