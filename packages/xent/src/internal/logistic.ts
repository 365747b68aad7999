/**
 * Scalar helpers of the logistic losses, exact for every finite argument.
 */

/**
 * softplus(x) = log(1 + exp(x)), evaluated as max(x, 0) + log1p(exp(-|x|)): for x > 0,
 * log(1 + exp(x)) = x + log(exp(-x) + 1), so exp only ever sees -|x| <= 0 (no overflow) and log1p
 * keeps the tiny term exact where log(1 + tiny) would round it away.
 */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** σ(x) = 1 / (1 + exp(-x)): exp(-x) overflows to Infinity for x < -709 and the result is then exactly 0. */
export function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * The logistic loss of a logit x against a target y with positive weight pw, PyTorch's
 * (1 - y) · x + (1 + (pw - 1) · y) · softplus(-x). For finite x it is evaluated as
 * (1 - y) · softplus(x) + pw · y · softplus(-x), the same value (softplus(x) = x + softplus(-x)) as a
 * sum of non-negative terms, so a confident negative (x = -40, y = 0) keeps its 4.2e-18 where the first
 * form cancels -40 + 40 to 0. ±Infinity takes PyTorch's form, for its NaNs (0 · Infinity).
 */
export function logisticLoss(x: number, y: number, pw: number): number {
  return Number.isFinite(x)
    ? (1 - y) * softplus(x) + pw * y * softplus(-x)
    : (1 - y) * x + (1 + (pw - 1) * y) * softplus(-x);
}
