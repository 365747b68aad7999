/**
 * The TypeScript rows of crossEntropy's fast path, for where WebAssembly is unavailable: the three
 * sweeps of the WebAssembly kernel (max; exp written into the gradient while summing; one scaling sweep)
 * with the table-driven exps of fastExp.ts instead of Math.exp: float64 rows to 3e-15, float32 rows to
 * 6e-10 (a cheaper cubic, far below float32's rounding).
 */
import type { CeJob } from './crossEntropyRows.js';
import { expF32Range, expNonPositive } from './fastExp.js';

/**
 * exp(d), d <= 0, to float32's needs: the one-table cubic on [-88, 0], and 0 below, as the WebAssembly
 * float32 kernel flushes it (exp(-88) = 6e-39 is below float32's normal range and far below 1 in the row
 * sum; -Infinity gives 0). No Math.exp call in the loop: its mere presence halves V8's speed here.
 */
function exp32(d: number): number {
  return d >= -88 ? expF32Range(d) : 0;
}

/** Computes rows [r0, r1); adds the cross-entropy and z-loss sums to sums[0] and sums[1]. */
export function ceRowsTs(job: CeJob, r0: number, r1: number, sums: Float64Array): void {
  const { x, C, target, weight, grad, lossOut, ignoreIndex, zLoss, ceScale, zScale } = job;
  const f32 = x instanceof Float32Array;
  let ce = 0;
  let zs = 0;
  for (let r = r0; r < r1; r++) {
    const start = r * C;
    const end = start + C;
    let m = Number.NEGATIVE_INFINITY;
    let nan = false;
    for (let i = start; i < end; i++) {
      const v = x[i];
      if (v > m) m = v;
      else if (Number.isNaN(v)) nan = true;
    }
    if (nan) m = Number.NaN;
    const finite = m - m === 0;
    const t = target[r];
    if (t === ignoreIndex || !finite) {
      const ignored = t === ignoreIndex;
      if (lossOut) lossOut[r] = ignored ? 0 : Number.NaN;
      if (!ignored) {
        ce += Number.NaN;
        zs += Number.NaN;
      }
      if (grad) grad.fill(finite ? 0 : Number.NaN, start, end);
      continue;
    }
    let s = 0;
    if (f32) {
      if (grad) {
        for (let i = start; i < end; i++) {
          const e = exp32(x[i] - m);
          grad[i] = e;
          s += e;
        }
      } else {
        for (let i = start; i < end; i++) s += exp32(x[i] - m);
      }
    } else if (grad) {
      for (let i = start; i < end; i++) {
        const e = expNonPositive(x[i] - m);
        grad[i] = e;
        s += e;
      }
    } else {
      for (let i = start; i < end; i++) s += expNonPositive(x[i] - m);
    }
    const logS = Math.log(s);
    const lse = m + logS;
    const wt = weight ? weight[t] : 1;
    const loss = wt * (m - x[start + t] + logS);
    const z2 = zLoss * lse * lse;
    ce += loss;
    zs += z2;
    if (lossOut) lossOut[r] = loss + z2;
    if (grad) {
      // The target's entry from S - e[t], the sum of the other exponentials: exact where p[t] ≈ 1.
      const zPart = zLoss > 0 ? zScale * 2 * zLoss * lse : 0;
      const k = (ceScale * wt + zPart) / s;
      // The same exponential as the one summed (and written) above.
      const et = f32 ? exp32(x[start + t] - m) : expNonPositive(x[start + t] - m);
      for (let i = start; i < end; i++) grad[i] *= k;
      grad[start + t] = (zPart * et - ceScale * wt * (s - et)) / s;
    }
  }
  sums[0] += ce;
  sums[1] += zs;
}
