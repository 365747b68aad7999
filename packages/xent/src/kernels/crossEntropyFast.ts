/**
 * The fast paths of crossEntropy (class-index targets, classes contiguous, no label smoothing, no
 * softcap): WebAssembly rows in place on tensors in the kernels' shared memory (allocTensor's `shared`),
 * or streamed through a scratch buffer; spread over worker threads for large inputs in shared memory;
 * or the TypeScript rows where WebAssembly is unavailable.
 */
import { config } from './config.js';
import { type CeJob, ceRowsShared, ceRowsWasm } from './crossEntropyRows.js';
import { fastStats } from './fastStats.js';
import { callBlock, inKernelMemory, sharedKernels } from './kernelMemory.js';
import { runThreaded, runThreadedShared } from './threads.js';
import { ceRowsTs } from './tsKernels.js';
import { wasm } from './wasm.js';

/** Runs the job over `rows` rows; returns the summed cross-entropy and z-loss terms. */
export function ceFast(job: CeJob, rows: number): { ce: number; z: number } {
  const sums = new Float64Array(2);
  const w = wasm();
  if (!w) ceRowsTs(job, 0, rows, sums);
  else if (
    !(
      rows * job.C >= config.inPlaceMin &&
      inKernelMemory(job.x) &&
      (!job.grad || inKernelMemory(job.grad)) &&
      inPlace(job, rows, sums)
    )
  ) {
    if (!runThreaded('ce', job, rows, sums)) ceRowsWasm(w, job, 0, rows, sums);
  }
  return { ce: sums[0], z: sums[1] };
}

/**
 * The job on tensors in the kernels' shared memory: the targets, weights and per-row losses go to the
 * calling thread's block there; the logits and gradient are used where they are. False if no block
 * could be had.
 */
function inPlace(job: CeJob, rows: number, sums: Float64Array): boolean {
  const sw = sharedKernels();
  if (!sw) return false;
  const { x, C, target, weight, grad, lossOut } = job;
  // float64 weights and per-row losses first (8-byte aligned), then the int32 targets.
  const wBytes = weight ? C * 8 : 0;
  const lossBytes = lossOut ? rows * 8 : 0;
  const block = callBlock(wBytes + lossBytes + rows * 4);
  if (block < 0) return false;
  const lossOff = block + wBytes;
  const tOff = lossOff + lossBytes;
  if (weight) sw.f64.set(weight, block >>> 3);
  if (target instanceof Int32Array) sw.i32.set(target.subarray(0, rows), tOff >>> 2);
  else for (let r = 0, k = tOff >>> 2; r < rows; r++, k++) sw.i32[k] = target[r];
  const shared = {
    f32: x instanceof Float32Array,
    x: x.byteOffset,
    out: grad ? grad.byteOffset : 0,
    target: tOff,
    weight: weight ? block : 0,
    lossOut: lossOut ? lossOff : 0,
    C,
    ignoreIndex: job.ignoreIndex,
    zLoss: job.zLoss,
    ceScale: job.ceScale,
    zScale: job.zScale,
  };
  if (!runThreadedShared(shared, rows, sums)) ceRowsShared(sw, shared, 0, rows, sums);
  if (lossOut) lossOut.set(sw.f64.subarray(lossOff >>> 3, (lossOff >>> 3) + rows));
  fastStats.inPlace++;
  return true;
}
