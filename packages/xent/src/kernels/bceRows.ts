/**
 * binaryCrossEntropyWithLogits' fast path (no weight, posWeight or smoothing; reduced to a number):
 * values stream through the WebAssembly scratch buffer (logits and targets a block at a time, the
 * gradient written in place of the logits); the TypeScript loop is bceTs (tsKernels.ts).
 */
import type { FloatArray } from '../tensor.js';
import { config } from './config.js';
import { reserve, type Wasm } from './wasm.js';

export interface BceJob {
  readonly x: FloatArray;
  /** Targets, of x's type and length. */
  readonly y: FloatArray;
  readonly grad: FloatArray | undefined;
  /** The factor of each gradient value (1 / the divisor of the reduction). */
  readonly scale: number;
}

/** Adds the summed losses of values [a, b) to sums[0]; writes their gradient. */
export function bceWasm(w: Wasm, job: BceJob, a: number, b: number, sums: Float64Array): void {
  const { x, y, grad } = job;
  const f32 = x instanceof Float32Array;
  const size = f32 ? 4 : 8;
  const block = Math.max(16, Math.floor(config.scratchBytes / size / 2)) & ~3;
  const base = reserve(w, 2 * block * size);
  const yOff = base + block * size;
  const heap = f32 ? w.f32 : w.f64;
  const xIdx = base / size;
  const yIdx = yOff / size;
  const kernel = f32 ? w.ex.bceF32 : w.ex.bceF64;
  let sum = 0;
  for (let i = a; i < b; i += block) {
    const j = Math.min(b, i + block);
    heap.set(x.subarray(i, j), xIdx);
    heap.set(y.subarray(i, j), yIdx);
    sum += kernel(base, yOff, j - i, grad ? 1 : 0, job.scale);
    if (grad) grad.set(heap.subarray(xIdx, xIdx + j - i), i);
  }
  sums[0] += sum;
}
