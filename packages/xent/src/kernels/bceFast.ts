/**
 * The fast path of binaryCrossEntropyWithLogits: WebAssembly, threaded for large inputs in shared
 * memory, or TypeScript where WebAssembly is unavailable. Returns the summed losses.
 */
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
  return sums[0];
}
