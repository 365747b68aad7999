/**
 * Cross-entropy rows through the WebAssembly kernels: rows are copied into the scratch buffer a block
 * at a time, the kernel computes losses and gradient in place, and the gradient is copied out, so that
 * each logit is read from the caller's memory once and each gradient value written once, the sweeps in
 * between hitting cache. A row longer than the scratch buffer goes through in pieces (three passes).
 */
import type { FloatArray } from '../tensor.js';
import { config } from './config.js';
import { reserve, type Wasm } from './wasm.js';

/** One cross-entropy job over rows of C contiguous logits with class-index targets. */
export interface CeJob {
  readonly x: FloatArray;
  readonly C: number;
  readonly target: ArrayLike<number>;
  readonly weight: Float64Array | undefined;
  readonly ignoreIndex: number;
  readonly zLoss: number;
  readonly ceScale: number;
  readonly zScale: number;
  /** Gradient, same type and length as x. */
  readonly grad: FloatArray | undefined;
  /** Per-row losses (loss + z-loss term). */
  readonly lossOut: FloatArray | undefined;
}

/**
 * A crossEntropy job on tensors in the kernels' shared memory (kernelMemory.ts): byte offsets there, 0
 * for none. The logits are read and the gradient written in place; the targets (int32), the class
 * weights (float64) and the per-row losses (float64) are the caller's copies there.
 */
export interface SharedCeJob {
  readonly f32: boolean;
  readonly x: number;
  readonly out: number;
  readonly target: number;
  readonly weight: number;
  readonly lossOut: number;
  readonly C: number;
  readonly ignoreIndex: number;
  readonly zLoss: number;
  readonly ceScale: number;
  readonly zScale: number;
}

/** Rows [r0, r1) of a job in the kernels' shared memory, with no copy; adds to sums as ceRowsWasm. */
export function ceRowsShared(w: Wasm, job: SharedCeJob, r0: number, r1: number, sums: Float64Array): void {
  const row = job.C * (job.f32 ? 4 : 8);
  sums[0] += (job.f32 ? w.ex.ceF32 : w.ex.ceF64)(
    job.x + r0 * row,
    r1 - r0,
    job.C,
    job.target + r0 * 4,
    job.weight,
    job.ignoreIndex,
    job.zLoss,
    job.ceScale,
    job.zScale,
    job.out ? job.out + r0 * row : 0,
    job.lossOut ? job.lossOut + r0 * 8 : 0,
    0,
  );
  sums[1] += w.ex.zSum();
}

/** Computes rows [r0, r1) of the job; adds the cross-entropy and z-loss sums to sums[0] and sums[1]. */
export function ceRowsWasm(w: Wasm, job: CeJob, r0: number, r1: number, sums: Float64Array): void {
  const { x, C, weight, grad, lossOut } = job;
  const f32 = x instanceof Float32Array;
  const size = f32 ? 4 : 8;
  const scratch = Math.max(16, Math.floor(config.scratchBytes / size));
  if (C > scratch) {
    for (let r = r0; r < r1; r++) longRow(w, job, r, scratch, sums);
    return;
  }
  const rows = Math.max(1, Math.min(r1 - r0, Math.floor(scratch / C)));
  const wBytes = weight ? C * 8 : 0;
  const base = reserve(w, wBytes + rows * 12 + 16 + scratch * size);
  const wOff = base;
  const lossOff = base + wBytes;
  const tOff = lossOff + rows * 8;
  const xOff = (tOff + rows * 4 + 15) & ~15;
  if (weight) w.f64.set(weight, wOff >>> 3);
  const heap = f32 ? w.f32 : w.f64;
  const xIdx = xOff / size;
  const kernel = f32 ? w.ex.ceF32 : w.ex.ceF64;
  const target = job.target;
  const i32 = w.i32;
  for (let a = r0; a < r1; a += rows) {
    const b = Math.min(r1, a + rows);
    heap.set(x.subarray(a * C, b * C), xIdx);
    if (target instanceof Int32Array) i32.set(target.subarray(a, b), tOff >>> 2);
    else for (let r = a, k = tOff >>> 2; r < b; r++, k++) i32[k] = target[r];
    sums[0] += kernel(
      xOff,
      b - a,
      C,
      tOff,
      weight ? wOff : 0,
      job.ignoreIndex,
      job.zLoss,
      job.ceScale,
      job.zScale,
      grad ? xOff : 0,
      lossOut ? lossOff : 0,
      0,
    );
    sums[1] += w.ex.zSum();
    if (grad) grad.set(heap.subarray(xIdx, xIdx + (b - a) * C), a * C);
    if (lossOut) lossOut.set(w.f64.subarray(lossOff >>> 3, (lossOff >>> 3) + (b - a)), a);
  }
}

/** One row of more than `piece` logits, in pieces of at most `piece`: max; exp-sum (exp written to grad); scale. */
function longRow(w: Wasm, job: CeJob, r: number, piece: number, sums: Float64Array): void {
  const { x, C, grad, lossOut, weight } = job;
  const f32 = x instanceof Float32Array;
  const size = f32 ? 4 : 8;
  const off = reserve(w, piece * size);
  const idx = off / size;
  const ex = w.ex;
  const start = r * C;
  const end = start + C;
  const load = (src: FloatArray, a: number, b: number): FloatArray => {
    const heap = f32 ? w.f32 : w.f64;
    heap.set(src.subarray(a, b), idx);
    return heap;
  };
  let m = Number.NEGATIVE_INFINITY;
  for (let a = start; a < end; a += piece) {
    const b = Math.min(end, a + piece);
    load(x, a, b);
    const pm = f32 ? ex.pieceMaxF32(off, b - a) : ex.pieceMaxF64(off, b - a);
    if (pm > m || Number.isNaN(pm)) m = pm;
    if (Number.isNaN(m)) break;
  }
  const finite = m - m === 0;
  const t = job.target[r];
  if (t === job.ignoreIndex || !finite) {
    const ignored = t === job.ignoreIndex;
    if (lossOut) lossOut[r] = ignored ? 0 : Number.NaN;
    if (!ignored) {
      sums[0] += Number.NaN;
      sums[1] += Number.NaN;
    }
    if (grad) grad.fill(finite ? 0 : Number.NaN, start, end);
    return;
  }
  let s = 0;
  for (let a = start; a < end; a += piece) {
    const b = Math.min(end, a + piece);
    const heap = load(x, a, b);
    s += f32
      ? ex.pieceExpSumF32(off, b - a, m, grad ? 1 : 0)
      : ex.pieceExpSumF64(off, b - a, m, grad ? 1 : 0);
    if (grad) grad.set(heap.subarray(idx, idx + b - a), a);
  }
  const logS = Math.log(s);
  const lse = m + logS;
  const wt = weight ? weight[t] : 1;
  const loss = wt * (m - x[start + t] + logS);
  const z2 = job.zLoss * lse * lse;
  sums[0] += loss;
  sums[1] += z2;
  if (lossOut) lossOut[r] = loss + z2;
  if (grad) {
    // The target's entry from S - e[t], the sum of the other exponentials (see assembly/crossEntropy.ts).
    const zPart = job.zLoss > 0 ? job.zScale * 2 * job.zLoss * lse : 0;
    const k = (job.ceScale * wt + zPart) / s;
    const et = grad[start + t];
    for (let a = start; a < end; a += piece) {
      const b = Math.min(end, a + piece);
      const heap = load(grad, a, b);
      if (f32) ex.pieceScaleF32(off, b - a, k);
      else ex.pieceScaleF64(off, b - a, k);
      grad.set(heap.subarray(idx, idx + b - a), a);
    }
    grad[start + t] = (zPart * et - job.ceScale * wt * (s - et)) / s;
  }
}
