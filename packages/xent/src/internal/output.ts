/**
 * Output buffers and scalar results in the input's float type.
 */
import { describe, type FloatArray, type Tensor } from '../tensor.js';
import { shapeText } from './checks.js';

/** A new zeroed array of the same float type as `like`. */
export function newLike(like: FloatArray, length: number): FloatArray {
  return like instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
}

/** The gradient buffer: `gradOut` after checking its type and length, or a new array like the input. */
export function gradBuffer(fn: string, gradOut: unknown, input: Tensor): FloatArray {
  if (gradOut === undefined) return newLike(input.data, input.data.length);
  const sameType =
    input.data instanceof Float32Array ? gradOut instanceof Float32Array : gradOut instanceof Float64Array;
  if (!sameType || (gradOut as FloatArray).length !== input.data.length) {
    throw new TypeError(
      `${fn}: gradOut must be a ${input.data.constructor.name} of length ${input.data.length} (the input's type and size, shape ${shapeText(input.shape)}), got ${describe(gradOut)}${ArrayBuffer.isView(gradOut) ? ` of length ${(gradOut as FloatArray).length}` : ''}`,
    );
  }
  if (gradOut === input.data)
    throw new TypeError(`${fn}: gradOut must not be the input's own data (inputs are never mutated)`);
  return gradOut as FloatArray;
}

/**
 * The gradient buffer of a direct lane (kernels/*Direct.ts): a new array like x, or `gradOut` when it is
 * an array of x's type and length other than x itself; undefined otherwise, and the general path, which
 * gradBuffer serves, then says what is wrong.
 */
export function directGrad(x: FloatArray, gradOut: unknown): FloatArray | undefined {
  const f32 = x instanceof Float32Array;
  if (gradOut === undefined) return f32 ? new Float32Array(x.length) : new Float64Array(x.length);
  const fits =
    (f32 ? gradOut instanceof Float32Array : gradOut instanceof Float64Array) &&
    gradOut !== x &&
    (gradOut as FloatArray).length === x.length;
  return fits ? (gradOut as FloatArray) : undefined;
}

/**
 * The result of a loss: the per-element tensor for 'none', else the reduced number. The number is the
 * float64 sum whatever the input type (not rounded to float32: it is a JS number either way, and a
 * mean of float32 losses may exceed float32's range).
 */
export function lossResult(
  reduction: string,
  sum: number,
  divisor: number,
  perElement: FloatArray | undefined,
  shape: readonly number[],
): number | Tensor {
  if (reduction === 'none') return { data: perElement as FloatArray, shape: [...shape] };
  return reduction === 'sum' ? sum : sum / divisor;
}

/** What a loss's private `run` returns: the loss, and the gradient when it was asked for. */
export interface LossRun {
  readonly loss: number | Tensor;
  readonly grad?: Tensor;
}

/** The loss, with the gradient buffer as a tensor of the input's shape when there is one. */
export function lossRun(
  loss: number | Tensor,
  grad: FloatArray | undefined,
  shape: readonly number[],
): LossRun {
  return grad ? { loss, grad: { data: grad, shape: [...shape] } } : { loss };
}
