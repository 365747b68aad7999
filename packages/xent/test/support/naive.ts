/**
 * Naive building blocks of the reference formulas the tests compare the library with: written as the
 * docs state them, with no stabilisation, and meant for moderate inputs only.
 */
import type { FloatArray, NestedNumbers, Tensor } from '../../src/index.ts';

/**
 * The flat indices of each distribution of a class-axis tensor of `shape` ((C), (N, C) or
 * (N, C, d1, ..., dk): class axis 0 when unbatched, else 1), one list of C indices per element, in
 * the order of the elements (the order of class-index targets and of 'none' results).
 */
export function classRows(shape: readonly number[]): number[][] {
  if (shape.length === 1) return [Array.from({ length: shape[0] }, (_, c) => c)];
  const [n, classes] = shape;
  let inner = 1;
  for (const d of shape.slice(2)) inner *= d;
  const rows: number[][] = [];
  for (let o = 0; o < n; o++) {
    for (let i = 0; i < inner; i++) {
      rows.push(Array.from({ length: classes }, (_, c) => o * classes * inner + c * inner + i));
    }
  }
  return rows;
}

/** The shape of class-index targets for an input of `shape`: without the class axis. */
export function indexShape(shape: readonly number[]): number[] {
  return shape.length === 1 ? [] : shape.filter((_, d) => d !== 1);
}

/** The number of elements of a shape. */
export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** log Σ exp(v), as written. */
export function naiveLogSumExp(values: readonly number[]): number {
  return Math.log(values.reduce((s, v) => s + Math.exp(v), 0));
}

/** exp(v) / Σ exp(v), as written. */
export function naiveSoftmax(values: readonly number[]): number[] {
  const s = values.reduce((acc, v) => acc + Math.exp(v), 0);
  return values.map((v) => Math.exp(v) / s);
}

/** 1 / (1 + exp(-x)), as written. */
export function naiveSigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Probability targets of `shape`: positive, each distribution along the class axis summing to 1. */
export function normalise(values: Float64Array, shape: readonly number[]): Float64Array {
  const out = Float64Array.from(values);
  for (const row of classRows(shape)) {
    const s = row.reduce((acc, k) => acc + out[k], 0);
    for (const k of row) out[k] /= s;
  }
  return out;
}

/** One-hot probabilities of `shape` for class indices (one per element). */
export function oneHot(indices: ArrayLike<number>, shape: readonly number[]): Float64Array {
  const out = new Float64Array(size(shape));
  classRows(shape).forEach((row, e) => {
    out[row[indices[e]]] = 1;
  });
  return out;
}

/** The sum of a loss: the number itself, or the sum of a 'none' result's elements. */
export function total(loss: number | Tensor): number {
  if (typeof loss === 'number') return loss;
  let s = 0;
  for (const v of loss.data) s += v;
  return s;
}

/** A 'none' result (asserting it is a tensor). */
export function asTensor(loss: number | Tensor): Tensor {
  if (typeof loss === 'number') throw new TypeError(`expected a tensor, got the number ${loss}`);
  return loss;
}

/** A 'none' result's data (asserting it is a tensor). */
export function elements(loss: number | Tensor): FloatArray {
  return asTensor(loss).data;
}

/** A reduced result (asserting it is a number). */
export function scalar(loss: number | Tensor): number {
  if (typeof loss !== 'number')
    throw new TypeError(`expected a number, got a tensor of shape [${loss.shape}]`);
  return loss;
}

/** Flat row-major data as nested arrays of `shape` (a number for shape []). */
export function nest(data: ArrayLike<number>, shape: readonly number[]): NestedNumbers {
  if (shape.length === 0) return data[0];
  const [first, ...rest] = shape;
  const step = size(rest);
  return Array.from({ length: first }, (_, i) =>
    nest(Array.prototype.slice.call(data, i * step, (i + 1) * step) as number[], rest),
  );
}

/**
 * The flat index into a weight of shape `weightShape` that PyTorch's broadcasting (trailing dimensions
 * aligned, size-1 dimensions repeated) pairs with flat element `k` of a tensor of `shape`.
 */
export function broadcastIndex(weightShape: readonly number[], shape: readonly number[], k: number): number {
  const index: number[] = [];
  let rest = k;
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  let w = 0;
  for (let j = 0; j < weightShape.length; j++) {
    const d = shape.length - weightShape.length + j;
    w = w * weightShape[j] + (weightShape[j] === 1 ? 0 : index[d]);
  }
  return w;
}

/** Element weights for a tensor of `shape` from a weight tensor, by broadcasting (1 everywhere when absent). */
export function broadcast(
  weight: { data: ArrayLike<number>; shape: readonly number[] } | undefined,
  shape: readonly number[],
): number[] {
  return Array.from({ length: size(shape) }, (_, k) =>
    weight ? weight.data[broadcastIndex(weight.shape, shape, k)] : 1,
  );
}

/** The flat indices of each slice along `axis` of a tensor of `shape` (negative axes count from the end). */
export function axisRows(shape: readonly number[], axis: number): number[][] {
  if (shape.length === 0) return [[0]];
  const a = axis < 0 ? axis + shape.length : axis;
  const strides = shape.map((_, d) => size(shape.slice(d + 1)));
  const rows: number[][] = [];
  for (let k = 0; k < size(shape); k++) {
    // k starts a row when its index along the axis is 0.
    if (Math.floor(k / strides[a]) % shape[a] !== 0) continue;
    rows.push(Array.from({ length: shape[a] }, (_, c) => k + c * strides[a]));
  }
  return rows;
}
