/**
 * Where the class (or softmax) axis lies in a row-major tensor. A shape (d0, ..., d(k-1)) with axis a
 * is seen as (outer, classes, inner): element (o, c, i) sits at `o * classes * inner + c * inner + i`, so
 * the values of one distribution are `inner` apart.
 */
import { describe } from '../tensor.js';
import { shapeText } from './checks.js';

export interface AxisLayout {
  /** The axis, made non-negative. */
  readonly axis: number;
  /** The product of the dimensions before the axis. */
  readonly outer: number;
  /** The length of the axis. */
  readonly classes: number;
  /** The product of the dimensions after the axis: the stride between two classes of one distribution. */
  readonly inner: number;
}

/** The layout of `shape` around `axis` (negative counts from the end, as in PyTorch). */
export function axisLayout(fn: string, shape: readonly number[], axis: unknown): AxisLayout {
  const ndim = shape.length;
  if (
    !(
      typeof axis === 'number' &&
      Number.isInteger(axis) &&
      axis >= -Math.max(ndim, 1) &&
      axis < Math.max(ndim, 1)
    )
  ) {
    throw new RangeError(
      `${fn}: axis must be an integer in [${-Math.max(ndim, 1)}, ${Math.max(ndim, 1) - 1}] for an input of shape ${shapeText(shape)}, got ${describe(axis)}`,
    );
  }
  const a = axis < 0 ? axis + Math.max(ndim, 1) : axis;
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < a; d++) outer *= shape[d];
  for (let d = a + 1; d < ndim; d++) inner *= shape[d];
  return { axis: a, outer, classes: ndim === 0 ? 1 : shape[a], inner };
}

/**
 * The class axis of a loss input, as in PyTorch: 1 for (N, C, d1, ..., dk), 0 for an unbatched (C).
 * Throws for a 0-d input.
 */
export function classLayout(fn: string, shape: readonly number[]): AxisLayout {
  if (shape.length === 0) {
    throw new RangeError(
      `${fn}: input must have a class dimension: shape (C), (N, C) or (N, C, d1, ..., dk), got a 0-d input`,
    );
  }
  return axisLayout(fn, shape, shape.length === 1 ? 0 : 1);
}

/** The shape without the axis. */
export function withoutAxis(shape: readonly number[], axis: number): number[] {
  return shape.filter((_, d) => d !== axis);
}
