/**
 * The common set-up of the elementwise losses (binary cross-entropies, focal, MSE, KL): input and target
 * of one shape, a reduction, the divisor of 'mean' / 'batchmean', and the output buffers.
 */
import type { FloatArray, TargetLike, Tensor, TensorLike } from '../tensor.js';
import { checkReduction, checkSameShape } from './checks.js';
import { gradBuffer, newLike } from './output.js';
import { readRaw, readTensor, toFloat } from './read.js';

export interface Elementwise<R extends string> {
  readonly input: Tensor;
  readonly target: FloatArray;
  readonly reduction: R;
  /** What the sum is divided by: the element count for 'mean', input.shape[0] for 'batchmean', else 1. */
  readonly divisor: number;
  /** The factor of each element's gradient: 1 / divisor. */
  readonly scale: number;
  /** Per-element losses, for 'none'. */
  readonly perElement: FloatArray | undefined;
  /** The gradient buffer, when asked for. */
  readonly grad: FloatArray | undefined;
}

export function readElementwise<R extends string>(
  fn: string,
  inputLike: TensorLike,
  targetLike: TargetLike,
  options: { readonly reduction?: unknown; readonly gradOut?: unknown },
  reductions: readonly R[],
  defaultReduction: R,
  withGrad: boolean,
): Elementwise<R> {
  const input = readTensor(fn, 'input', inputLike);
  const raw = readRaw(fn, 'target', targetLike);
  checkSameShape(fn, input.shape, raw.shape);
  const reduction = checkReduction(fn, options.reduction ?? defaultReduction, reductions);
  const n = input.data.length;
  let divisor = 1;
  if (reduction === 'mean') divisor = n;
  if (reduction === 'batchmean') divisor = input.shape.length === 0 ? 1 : input.shape[0];
  return {
    input,
    target: toFloat(raw.data),
    reduction,
    divisor,
    scale: 1 / divisor,
    perElement: reduction === 'none' ? newLike(input.data, n) : undefined,
    grad: withGrad ? gradBuffer(fn, options.gradOut, input) : undefined,
  };
}
