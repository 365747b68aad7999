/**
 * Reading the accepted input forms (tensors, typed arrays, plain and nested arrays) into flat data
 * plus a shape, with errors that name the function and the argument. Never copies a float typed array.
 */
import {
  checkShape,
  describe,
  type FloatArray,
  type TargetLike,
  type Tensor,
  type TensorLike,
} from '../tensor.js';

/** Flat data and a shape, the data not yet converted (targets may hold integers of any array type). */
export interface Raw {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
}

/** Reads a float tensor. Float32Array and Float64Array data are used as they are; anything else becomes float64. */
export function readTensor(fn: string, arg: string, x: TensorLike): Tensor {
  const raw = readRaw(fn, arg, x);
  return { data: toFloat(raw.data), shape: raw.shape };
}

/** Reads a target without converting its data: class indices may come as any integer-valued array. */
export function readRaw(fn: string, arg: string, x: TargetLike): Raw {
  if (typeof x === 'number') return { data: [x], shape: [] };
  if (isBigInts(x)) return { data: bigIntsToNumbers(x), shape: [x.length] };
  if (ArrayBuffer.isView(x)) {
    if (x instanceof DataView) throw new TypeError(`${fn}: ${arg} must be numbers, got a DataView`);
    return { data: x as unknown as ArrayLike<number>, shape: [(x as unknown as ArrayLike<number>).length] };
  }
  if (Array.isArray(x)) return readNested(fn, arg, x);
  if (x !== null && typeof x === 'object' && 'data' in x && 'shape' in x) {
    const size = checkShape(fn, `${arg}.shape`, x.shape);
    const data = isBigInts(x.data) ? bigIntsToNumbers(x.data) : x.data;
    if (!isArrayLike(data)) {
      throw new TypeError(
        `${fn}: ${arg}.data must be a typed array or an array of numbers, got ${describe(data)}`,
      );
    }
    if (data.length !== size) {
      throw new RangeError(
        `${fn}: ${arg}.shape [${x.shape.join(', ')}] holds ${size} values, but ${arg}.data has ${data.length}`,
      );
    }
    if (Array.isArray(data)) checkNumbers(fn, `${arg}.data`, data);
    return { data, shape: [...x.shape] };
  }
  throw new TypeError(
    `${fn}: ${arg} must be a tensor { data, shape }, a typed array or (nested) arrays of numbers, got ${describe(x)}`,
  );
}

/** The data as a float typed array: kept when it is one, copied into a Float64Array otherwise. */
export function toFloat(data: ArrayLike<number>): FloatArray {
  return data instanceof Float32Array || data instanceof Float64Array ? data : Float64Array.from(data);
}

function readNested(fn: string, arg: string, x: readonly unknown[]): Raw {
  const shape: number[] = [];
  let level: unknown = x;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const out: number[] = [];
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') {
        throw new TypeError(`${fn}: ${arg}${path} must be a number, got ${describe(node)}`);
      }
      out.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new RangeError(
        `${fn}: ${arg} is ragged: ${arg}${path} has ${Array.isArray(node) ? `length ${node.length}` : describe(node)}, expected an array of length ${shape[depth]}`,
      );
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, `${path}[${i}]`);
  };
  walk(x, 0, '');
  return { data: out, shape };
}

function checkNumbers(fn: string, arg: string, data: readonly unknown[]): void {
  for (let i = 0; i < data.length; i++) {
    if (typeof data[i] !== 'number')
      throw new TypeError(`${fn}: ${arg}[${i}] must be a number, got ${describe(data[i])}`);
  }
}

/** BigInt64Array (PyTorch's int64 indices) or BigUint64Array: read as numbers. */
function isBigInts(x: unknown): x is BigInt64Array | BigUint64Array {
  return x instanceof BigInt64Array || x instanceof BigUint64Array;
}

function bigIntsToNumbers(data: BigInt64Array | BigUint64Array): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}

function isArrayLike(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}
