/**
 * The fast path of binaryCrossEntropyWithLogits: WebAssembly, threaded for large inputs in shared
 * memory, or TypeScript where WebAssembly is unavailable. Returns the summed losses.
 */
import { logisticLoss } from '../internal/logistic.js';
import type { FloatArray } from '../tensor.js';
import { type BceJob, bceWasm } from './bceRows.js';
import { runThreaded } from './threads.js';
import { bceTs } from './tsKernels.js';
import { wasm } from './wasm.js';

export function bceFast(job: BceJob): number {
  const sums = new Float64Array(2);
  const n = job.x.length;
  const w = wasm();
  if (!w) bceTs(job, 0, n, sums);
  else if (!runThreaded('bce', job, n, sums)) bceWasm(w, job, 0, n, sums);
  return exactWhenSmall(sums[0], job.x, job.y);
}

/**
 * The kernels sum log1p(exp(-|x|)) as the log of a product of 1 + exp(-|x|), off by at most about
 * 1.1e-16 per value in all: relative to a sum of ordinary losses nothing, but the whole of a sum of
 * confident logits' tiny losses (two values of x = -40, y = 0: 8.5e-18, taken as 0). Below n · 1.1e-6
 * (float64: the error is then more than 1e-10 of the sum) or n · 1e-8 (float32), the sum is taken again
 * value by value, as the general path takes it (exact for every finite logit).
 */
export function exactWhenSmall(sum: number, x: FloatArray, y: FloatArray): number {
  const n = x.length;
  if (sum >= n * (x instanceof Float32Array ? 1e-8 : 1.1e-6)) return sum;
  let exact = 0;
  for (let i = 0; i < n; i++) exact += logisticLoss(x[i], y[i], 1);
  return exact;
}
