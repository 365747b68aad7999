/**
 * Weight options: per-class weights (one per class, as crossEntropy and nllLoss take them) and
 * element weights that broadcast against the input by trailing dimensions (the binary losses).
 */
import type { TensorLike } from '../tensor.js';
import { shapeText } from './checks.js';
import { readTensor } from './read.js';

/** A weight per class, as float64; undefined when no weight is given. */
export function readClassWeight(
  fn: string,
  arg: string,
  weight: unknown,
  classes: number,
): Float64Array | undefined {
  if (weight === undefined || weight === null) return undefined;
  const w = readTensor(fn, arg, weight as TensorLike);
  if (w.shape.length !== 1 || w.data.length !== classes) {
    throw new RangeError(
      `${fn}: ${arg} has shape ${shapeText(w.shape)}, expected one weight per class: [${classes}]`,
    );
  }
  return Float64Array.from(w.data);
}

/**
 * An element weight broadcast against `shape` by trailing dimensions (PyTorch's rule), returned as the
 * block it repeats: element i of the input has weight `block[i % block.length]`. The block spans the
 * input's trailing dimensions from the weight's first dimension that is not 1, so it is at most as
 * large as the input and, for the usual per-class weight of shape (C), it is the weight itself.
 */
export function readBroadcastWeight(
  fn: string,
  arg: string,
  weight: unknown,
  shape: readonly number[],
): Float64Array | undefined {
  if (weight === undefined || weight === null) return undefined;
  const w = readTensor(fn, arg, weight as TensorLike);
  const ws = [...w.shape];
  // A weight of more dimensions than the input would grow the result: PyTorch rejects it.
  const fitsRank = ws.length <= shape.length;
  while (ws.length > 0 && ws[0] === 1) ws.shift();
  const fits = fitsRank && ws.every((d, k) => d === 1 || d === shape[shape.length - ws.length + k]);
  if (!fits) {
    throw new RangeError(
      `${fn}: ${arg} of shape ${shapeText(w.shape)} does not broadcast to the input's shape ${shapeText(shape)}: each trailing dimension must be 1 or equal the input's`,
    );
  }
  const blockShape = shape.slice(shape.length - ws.length);
  let size = 1;
  for (const d of blockShape) size *= d;
  const block = new Float64Array(size);
  // Walk the block's multi-index; the weight's flat index uses stride 0 along its size-1 dimensions.
  const index = new Array<number>(blockShape.length).fill(0);
  for (let i = 0; i < size; i++) {
    let wi = 0;
    for (let k = 0; k < ws.length; k++) wi = wi * ws[k] + (ws[k] === 1 ? 0 : index[k]);
    block[i] = w.data[wi];
    for (let k = blockShape.length - 1; k >= 0; k--) {
      if (++index[k] < blockShape[k]) break;
      index[k] = 0;
    }
  }
  return block;
}
