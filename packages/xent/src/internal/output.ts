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

/** A reduced loss as the input's float type gives it: rounded to float32 for float32 input. */
export function scalarLike(like: FloatArray, value: number): number {
  return like instanceof Float32Array ? Math.fround(value) : value;
}

/** The result of a loss: the per-element tensor for 'none', else the (float32-rounded) scalar. */
export function lossResult(
  reduction: string,
  like: FloatArray,
  sum: number,
  divisor: number,
  perElement: FloatArray | undefined,
  shape: readonly number[],
): number | Tensor {
  if (reduction === 'none') return { data: perElement as FloatArray, shape: [...shape] };
  return scalarLike(like, reduction === 'sum' ? sum : sum / divisor);
}
