/**
 * The input forms every function of the library accepts, and the tensor it returns.
 *
 * A tensor is a flat, row-major typed array plus a shape. Nested number arrays (`[[1, 2], [3, 4]]`)
 * are accepted wherever a tensor is, and are read as float64.
 *
 * @module
 */

/** The float types a tensor's data may have. Float32 in gives float32 out; arithmetic is float64. */
export type FloatArray = Float32Array | Float64Array;

/** A dense row-major tensor: `data[i0 * stride0 + i1 * stride1 + ...]` with `data.length === product(shape)`. */
export interface Tensor<T extends FloatArray = FloatArray> {
  readonly data: T;
  readonly shape: readonly number[];
}

/** Nested arrays of numbers: `1`, `[1, 2]`, `[[1, 2], [3, 4]]`, ... (rectangular). */
export type NestedNumbers = number | readonly NestedNumbers[];

/** Anything a function accepts as a float tensor: a {@link Tensor}, a typed or plain array, nested arrays. */
export type TensorLike =
  | Tensor
  | { readonly data: ArrayLike<number>; readonly shape: readonly number[] }
  | ArrayLike<number>
  | NestedNumbers;

/**
 * Anything a loss accepts as a target: a float tensor of the input's shape (probabilities), or
 * class indices, given as `{ data: Int32Array, shape }` (or another integer-valued array, BigInt64Array
 * and BigUint64Array included), a plain or typed array, nested arrays of integers, or a single number for an unbatched input.
 */
export type TargetLike =
  | TensorLike
  | { readonly data: ArrayLike<number> | BigInt64Array | BigUint64Array; readonly shape: readonly number[] }
  | BigInt64Array
  | BigUint64Array;

/**
 * Makes a tensor from flat data and a shape, checking that they agree.
 *
 * @param data - the values, row-major; a plain array becomes a Float64Array, a typed float array is kept as is
 * @param shape - the dimensions; defaults to `[data.length]`
 * @throws RangeError when the shape is not a list of non-negative integers whose product is `data.length`;
 *   TypeError when data is not an array of numbers or a typed array
 * @example
 * ```ts
 * tensor([1, 2, 3, 4, 5, 6], [2, 3]).shape
 * // [2, 3]
 * ```
 */
export function tensor(data: ArrayLike<number>, shape?: readonly number[]): Tensor {
  const floats = tensorData(data);
  const dims = shape ?? [floats.length];
  const size = checkShape('tensor', 'shape', dims);
  if (size !== floats.length) {
    throw new RangeError(
      `tensor: shape [${dims.join(', ')}] holds ${size} values, but data has ${floats.length}`,
    );
  }
  return { data: floats, shape: [...dims] };
}

/** tensor's data as a float typed array, or a TypeError naming what is not a number. */
function tensorData(data: unknown): FloatArray {
  if (data instanceof Float32Array || data instanceof Float64Array) return data;
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      if (typeof data[i] !== 'number')
        throw new TypeError(`tensor: data[${i}] must be a number, got ${describe(data[i])}`);
    }
    return Float64Array.from(data as number[]);
  }
  if (
    ArrayBuffer.isView(data) &&
    !(data instanceof DataView) &&
    !(data instanceof BigInt64Array || data instanceof BigUint64Array)
  )
    return Float64Array.from(data as unknown as ArrayLike<number>);
  throw new TypeError(`tensor: data must be an array of numbers or a typed array, got ${describe(data)}`);
}

/**
 * The number of elements of a shape: the product of its dimensions (1 for `[]`).
 *
 * @throws RangeError when a dimension is not a non-negative integer; TypeError when shape is not an array
 *
 * @example
 * ```ts
 * sizeOf([4, 3, 2])
 * // 24
 * ```
 */
export function sizeOf(shape: readonly number[]): number {
  return checkShape('sizeOf', 'shape', shape);
}

/** Checks that `shape` is a list of non-negative integers and returns its size. */
export function checkShape(fn: string, arg: string, shape: unknown): number {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${fn}: ${arg} must be an array of dimensions, got ${describe(shape)}`);
  }
  let size = 1;
  for (const d of shape) {
    if (!(typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
      throw new RangeError(
        `${fn}: ${arg} [${shape.map(describe).join(', ')}] must hold non-negative integers, got ${describe(d)}`,
      );
    }
    size *= d;
  }
  return size;
}

/** A short description of a value for error messages: `3.5`, `NaN`, `"abc"`, `an object`, ... */
export function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
