import { softplus } from '../internal/logistic.js';
import { newLike } from '../internal/output.js';
import { readTensor } from '../internal/read.js';
import type { Tensor, TensorLike } from '../tensor.js';

/**
 * The log of the sigmoid, elementwise: the log-probability of the positive class from a logit.
 *
 * Formula: logSigmoid(x) = log(1 / (1 + exp(-x))) = -log(1 + exp(-x))
 *
 * Stable evaluation: -softplus(-x) = min(x, 0) - log1p(exp(-|x|)). Derivation: for x >= 0 it is -log1p(exp(-x)) as
 * written; for x < 0 multiply inside by exp(x): -log(exp(x) + 1) + x = x - log1p(exp(x)). Both have
 * exp of a non-positive number (no overflow), and log1p keeps the accuracy of the tiny term for large
 * |x|, where log(sigmoid(x)) would give -Infinity for x < -745 and 0 for x > 37.
 *
 * Accuracy: the tests assert 1e-10 relative for float64 against PyTorch.
 *
 * Special cases: logSigmoid(+Infinity) = 0, logSigmoid(-Infinity) = -Infinity, NaN gives NaN.
 *
 * Equivalent: PyTorch `F.logsigmoid`; Keras `ops.log_sigmoid`; TF.js `tf.logSigmoid`; JAX `jax.nn.log_sigmoid`.
 *
 * @param x - any shape
 * @returns a tensor of x's shape and float type
 * @example
 * ```ts
 * logSigmoid([-800, 0, 40]).data
 * // Float64Array [-800, -0.6931471805599453, -4.248354255291589e-18]
 * ```
 */
export function logSigmoid(x: TensorLike): Tensor {
  const input = readTensor('logSigmoid', 'x', x);
  const out = newLike(input.data, input.data.length);
  for (let k = 0; k < out.length; k++) {
    out[k] = -softplus(-input.data[k]);
  }
  return { data: out, shape: [...input.shape] };
}
