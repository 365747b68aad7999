/**
 * The fast paths of crossEntropy (class-index targets, classes contiguous, no label smoothing, no
 * softcap): WebAssembly rows, spread over worker threads for large inputs in shared memory, or the
 * TypeScript rows where WebAssembly is unavailable.
 */
import { type CeJob, ceRowsWasm } from './crossEntropyRows.js';
import { runThreaded } from './threads.js';
import { ceRowsTs } from './tsKernels.js';
import { wasm } from './wasm.js';

/** Runs the job over `rows` rows; returns the summed cross-entropy and z-loss terms. */
export function ceFast(job: CeJob, rows: number): { ce: number; z: number } {
  const sums = new Float64Array(2);
  const w = wasm();
  if (!w) {
    ceRowsTs(job, 0, rows, sums);
  } else if (!runThreaded('ce', job, rows, sums)) {
    ceRowsWasm(w, job, 0, rows, sums);
  }
  return { ce: sums[0], z: sums[1] };
}
