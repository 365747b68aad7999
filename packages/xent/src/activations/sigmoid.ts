import { logistic } from '../internal/logistic.js';
import { newLike } from '../internal/output.js';
import { readTensor } from '../internal/read.js';
import type { Tensor, TensorLike } from '../tensor.js';

/**
 * The logistic sigmoid, elementwise: the probability of the positive class from a logit.
 *
 * Formula: sigmoid(x) = 1 / (1 + exp(-x))
 *
 * Stable evaluation: the formula as written is already accurate to a few ulps everywhere: for x very
 * negative exp(-x) overflows to +Infinity and the result is exactly 0 (the true value is below the
 * smallest double for x < -745); for x large it rounds to 1.
 *
 * Accuracy: the tests assert 1e-10 relative for float64 against PyTorch.
 *
 * Special cases: sigmoid(+Infinity) = 1, sigmoid(-Infinity) = 0, NaN gives NaN.
 *
 * Equivalent: PyTorch `torch.sigmoid`; Keras `ops.sigmoid`; TF.js `tf.sigmoid`; JAX `jax.nn.sigmoid`.
 *
 * @param x - any shape
 * @returns a tensor of x's shape and float type
 * @example
 * ```ts
 * sigmoid([-2, 0, 2]).data
 * // Float64Array [0.11920292202211755, 0.5, 0.8807970779778823]
 * ```
 */
export function sigmoid(x: TensorLike): Tensor {
  const input = readTensor('sigmoid', 'x', x);
  const out = newLike(input.data, input.data.length);
  for (let k = 0; k < out.length; k++) out[k] = logistic(input.data[k]);
  return { data: out, shape: [...input.shape] };
}
