/**
 * The TypeScript rows of crossEntropy's fast path, for where WebAssembly is unavailable: the three
 * sweeps of the WebAssembly kernel (max; exp written into the gradient while summing; one scaling sweep)
 * with the table-driven exp of fastExp.ts instead of Math.exp.
 */
import type { CeJob } from './crossEntropyRows.js';
import { expNonPositive } from './fastExp.js';

/** Computes rows [r0, r1); adds the cross-entropy and z-loss sums to sums[0] and sums[1]. */
export function ceRowsTs(job: CeJob, r0: number, r1: number, sums: Float64Array): void {
  const { x, C, target, weight, grad, lossOut, ignoreIndex, zLoss, ceScale, zScale } = job;
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
    if (grad) {
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
      const et = expNonPositive(x[start + t] - m);
      for (let i = start; i < end; i++) grad[i] *= k;
      grad[start + t] = (zPart * et - ceScale * wt * (s - et)) / s;
    }
  }
  sums[0] += ce;
  sums[1] += zs;
}
