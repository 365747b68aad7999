/**
 * binaryCrossEntropyWithLogits' fast path (no weight, posWeight or smoothing; reduced to a number):
 * values stream through the WebAssembly scratch buffer (logits and targets a block at a time, the
 * gradient written in place of the logits), or through the TypeScript loop where WebAssembly is missing.
 */
import type { FloatArray } from '../tensor.js';
import { config } from './config.js';
import { expNonPositive } from './fastExp.js';
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

/**
 * The TypeScript loop: the linear part summed directly, Σ log1p(exp(-|x|)) as the log of a product of
 * 1 + exp(-|x|) taken every 256 values (each factor is in [1, 2], so the product stays below 2^256),
 * and the gradient in the form that keeps σ(x) - y exact where σ(x) rounds to 1.
 */
export function bceTs(job: BceJob, a: number, b: number, sums: Float64Array): void {
  const { x, y, grad, scale } = job;
  let lin = 0;
  let logs = 0;
  let prod = 1;
  for (let i = a; i < b; i++) {
    const v = x[i];
    const t = y[i];
    lin += (1 - t) * v + (v < 0 ? -v : 0);
    const u = !Number.isNaN(v) ? expNonPositive(v < 0 ? v : -v) : 0;
    prod *= 1 + u;
    if (((i - a) & 255) === 255) {
      logs += Math.log(prod);
      prod = 1;
    }
    if (grad) grad[i] = !Number.isNaN(v) ? ((v >= 0 ? 1 - t - t * u : u * (1 - t) - t) / (1 + u)) * scale : v;
  }
  sums[0] += lin + (logs + Math.log(prod));
}
