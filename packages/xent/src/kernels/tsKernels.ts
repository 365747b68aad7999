/**
 * The TypeScript kernels, for where WebAssembly is unavailable: table-driven exponentials instead of
 * Math.exp (float64 rows to 3e-15, float32 rows to 6e-10, far below float32's rounding), the sweeps of
 * a softmax row, and the rows of crossEntropy's and binaryCrossEntropyWithLogits' fast paths.
 *
 * They share one module on purpose: V8 inlined the exps into loops of another module too, but those
 * loops then ran 20-30% slower (the tables and constants read through the other module's context on
 * every value), so every loop that calls an exp lives here.
 */
import type { FloatArray } from '../tensor.js';
import type { BceJob } from './bceRows.js';
import type { CeJob } from './crossEntropyRows.js';

/**
 * exp for the TypeScript kernels (where WebAssembly is unavailable), about 3x faster than Math.exp in
 * V8 and accurate to 3e-15 relative (measured: 2.6e-15 at most): exp(d) = 2^q · 2^(j/32) · exp(r) with 32q + j = round(d · 32 / ln 2)
 * and |r| <= ln 2 / 64, both powers of two read from tables and exp(r) a degree 5 Taylor polynomial
 * (truncation error r^6 / 720 <= 2.2e-15). k is rounded with the magic number 1.5 · 2^52 (adding it
 * leaves round(d · 32 / ln 2) in the low bits). For d <= 0 only (the softmax kernels' x - max).
 */

/** 2^(j/32), j = 0..31. */
const FRAC = Float64Array.from({ length: 32 }, (_, j) => 2 ** (j / 32));
/** 2^q, q = -1022..0, at index q + 1022. */
const POW2 = Float64Array.from({ length: 1023 }, (_, i) => 2 ** (i - 1022));
const MAGIC = 6755399441055744;
const INV = 32 / Math.LN2;
/**
 * ln 2 / 32 in two parts (fdlibm's ln2_hi and ln2_lo, e_exp.c, divided by 32): HI has 32 trailing zero
 * bits, so k · HI is exact for |k| < 2^20, and HI + LO is ln 2 / 32 to about 2^-90.
 */
const HI = 6.931471803691238e-1 / 32;
const LO = 1.9082149292705877e-10 / 32;

/** exp(d) for d <= 0; 0 for NaN (the online sweeps meet NaN only as -Infinity - -Infinity). */
export function expNonPositive(d: number): number {
  if (!(d >= -708)) return d < -708 ? Math.exp(d) : 0;
  const kf = d * INV + MAGIC - MAGIC;
  const k = kf | 0;
  const r = d - kf * HI - kf * LO;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return p * FRAC[k & 31] * POW2[(k >> 5) + 1022];
}

/** 2^(-i/32), i = 0..4095: exp(d) for d down to -88 in one read (float32's exp is subnormal below -87.3). */
const NEG32 = Float64Array.from({ length: 4096 }, (_, i) => 2 ** (-i / 32));
const LN2_32 = Math.LN2 / 32;

/**
 * exp(d) for the float32 kernels, -88 <= d <= 0, to 6e-10 relative (far below float32's 6e-8 rounding):
 * exp(d) = 2^(-i/32) · exp(r) with i = round(-d · 32 / ln 2), |r| <= ln 2 / 64, the power read from one
 * table and exp(r) a cubic (truncation error r^4 / 24 <= 5.8e-10). Callers take Math.exp below -88.
 */
export function expF32Range(d: number): number {
  const kf = d * INV + MAGIC - MAGIC;
  const r = d - kf * LN2_32;
  return (1 + r * (1 + r * (0.5 + r * (1 / 6)))) * NEG32[-kf | 0];
}

/**
 * exp(d), d <= 0, to float32's needs: expF32Range on [-88, 0], and 0 below, as the WebAssembly float32
 * kernel flushes it (exp(-88) = 6e-39 is below float32's normal range and far below 1 in a row sum;
 * -Infinity gives 0). No Math.exp call in the loops: its mere presence halves V8's speed there.
 */
export function expF32(d: number): number {
  return d >= -88 ? expF32Range(d) : 0;
}

// The online softmax sweeps of a row x[start, end): one pass takes the maximum and the sum of exp(x - max)
// together, the sum taken against the running maximum and multiplied by exp(old - new) when it rises
// (a few times per row: about ln C for logits in random order). The pass without a separate max sweep
// made the float32 forward 40% faster here. Forward and gradient sweeps do the same arithmetic on the
// sum, so that a loss is the same bits with or without its gradient. Four copies (float32 / float64,
// with and without writing) on purpose: each loop stays monomorphic with its exp inlined, where one
// loop with flags ran the float32 forward a quarter slower here.

/** The last sweep's maximum (NaN when a value was NaN) and sum. */
let sweepMax = 0;
let sweepSum = 0;
/** Where the running maximum rose in the last writing sweep: index, new maximum, the sum's factor. */
let segStart = new Int32Array(64);
let segMax = new Float64Array(64);
let segFactor = new Float64Array(64);
let segs = 0;

function addSegment(i: number, m: number, f: number): void {
  if (segs === segStart.length) {
    const grow = <T extends Int32Array | Float64Array>(a: T, B: new (n: number) => T): T => {
      const b = new B(2 * a.length);
      b.set(a);
      return b;
    };
    segStart = grow(segStart, Int32Array);
    segMax = grow(segMax, Float64Array);
    segFactor = grow(segFactor, Float64Array);
  }
  segStart[segs] = i;
  segMax[segs] = m;
  segFactor[segs] = f;
  segs++;
}

/** The online sum of a float32 row. */
function sweepF32(x: FloatArray, start: number, end: number): void {
  let m = Number.NEGATIVE_INFINITY;
  let s = 0;
  let nan = false;
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (!(v <= m)) {
      if (v > m) {
        s *= expF32(m - v);
        m = v;
      } else nan = true;
    }
    s += expF32(v - m);
  }
  sweepMax = nan ? Number.NaN : m;
  sweepSum = s;
}
/** The online sum of a float32 row, each exp(x - running max) written to out, the rises recorded. */
function writeSweepF32(x: FloatArray, out: FloatArray, start: number, end: number): void {
  let m = Number.NEGATIVE_INFINITY;
  let s = 0;
  let nan = false;
  segs = 0;
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (!(v <= m)) {
      if (v > m) {
        const f = expF32(m - v);
        s *= f;
        m = v;
        addSegment(i, m, f);
      } else nan = true;
    }
    const e = expF32(v - m);
    out[i] = e;
    s += e;
  }
  sweepMax = nan ? Number.NaN : m;
  sweepSum = s;
}
/** As sweepF32, for float64 rows. */
function sweepF64(x: FloatArray, start: number, end: number): void {
  let m = Number.NEGATIVE_INFINITY;
  let s = 0;
  let nan = false;
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (!(v <= m)) {
      if (v > m) {
        s *= expNonPositive(m - v);
        m = v;
      } else nan = true;
    }
    s += expNonPositive(v - m);
  }
  sweepMax = nan ? Number.NaN : m;
  sweepSum = s;
}
/** As writeSweepF32, for float64 rows. */
function writeSweepF64(x: FloatArray, out: FloatArray, start: number, end: number): void {
  let m = Number.NEGATIVE_INFINITY;
  let s = 0;
  let nan = false;
  segs = 0;
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (!(v <= m)) {
      if (v > m) {
        const f = expNonPositive(m - v);
        s *= f;
        m = v;
        addSegment(i, m, f);
      } else nan = true;
    }
    const e = expNonPositive(v - m);
    out[i] = e;
    s += e;
  }
  sweepMax = nan ? Number.NaN : m;
  sweepSum = s;
}

/**
 * After a writing sweep of a row ending at `end`: multiplies the row in out by k · exp(segment's max - m), segment by segment,
 * so that it holds k · exp(x - m); returns what the sweep's exp of position t became in the sum (its
 * value times the factors of every later rise, as the sum was multiplied), read before scaling.
 */
function scaleSegments(out: FloatArray, end: number, m: number, k: number, t: number, f32: boolean): number {
  let et = out[t];
  for (let j = 0; j < segs; j++) {
    const a = segStart[j];
    if (a > t) et *= segFactor[j];
    const b = j + 1 < segs ? segStart[j + 1] : end;
    const d = segMax[j] - m;
    const f = d === 0 ? k : k * (f32 ? expF32(d) : expNonPositive(d));
    for (let i = a; i < b; i++) out[i] *= f;
  }
  return et;
}

/** The maximum of x[start, end), NaN when one is NaN. */
function rowMax(x: FloatArray, start: number, end: number): number {
  let m = Number.NEGATIVE_INFINITY;
  let nan = false;
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (v > m) m = v;
    else if (Number.isNaN(v)) nan = true;
  }
  return nan ? Number.NaN : m;
}

/**
 * crossEntropy rows [r0, r1): an online sweep (max and sum of exponentials in one pass, written into
 * the gradient) and one scaling sweep; adds the cross-entropy and z-loss sums to sums[0], sums[1].
 */
export function ceRowsTs(job: CeJob, r0: number, r1: number, sums: Float64Array): void {
  const { x, C, target, weight, grad, lossOut, ignoreIndex, zLoss, ceScale, zScale } = job;
  const f32 = x instanceof Float32Array;
  let ce = 0;
  let zs = 0;
  for (let r = r0; r < r1; r++) {
    const start = r * C;
    const end = start + C;
    const t = target[r];
    if (t === ignoreIndex) {
      if (lossOut) lossOut[r] = 0;
      if (grad) {
        // Zero, or NaN where the row's softmax is NaN (a NaN, a +Infinity, or only -Infinity).
        const m = rowMax(x, start, end);
        grad.fill(m - m === 0 ? 0 : Number.NaN, start, end);
      }
      continue;
    }
    if (grad) {
      if (f32) writeSweepF32(x, grad, start, end);
      else writeSweepF64(x, grad, start, end);
    } else if (f32) sweepF32(x, start, end);
    else sweepF64(x, start, end);
    const m = sweepMax;
    const s = sweepSum;
    if (!(m - m === 0)) {
      if (lossOut) lossOut[r] = Number.NaN;
      ce += Number.NaN;
      zs += Number.NaN;
      if (grad) grad.fill(Number.NaN, start, end);
      continue;
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
      const et = scaleSegments(grad, end, m, k, start + t, f32);
      grad[start + t] = (zPart * et - ceScale * wt * (s - et)) / s;
    }
  }
  sums[0] += ce;
  sums[1] += zs;
}

/**
 * binaryCrossEntropyWithLogits values [a, b): adds Σ (1 - y) x + max(-x, 0) + log1p(exp(-|x|)) to
 * sums[0], the logs as the log of a product of 1 + exp(-|x|) per block of 256 values (each factor is in
 * [1, 2], so the product stays below 2^256); writes the gradient (σ(x) - y) · scale in the form that
 * stays exact where σ(x) rounds to 1. Nothing branches on the sign of x (on logits of random sign a
 * branch mispredicted every other value and tripled the time): max(x, 0) - y x is taken as
 * (x + |x|) / 2 - y x, and the gradient's two forms are blended by h = 1 (x >= 0) or 0. A block whose
 * linear part comes out NaN (±Infinity makes ∞ - ∞ there) is summed again in the branching form, which
 * gives PyTorch's values.
 */
export function bceTs(job: BceJob, a: number, b: number, sums: Float64Array): void {
  const { x, y, grad, scale } = job;
  const f32 = x instanceof Float32Array;
  let total = 0;
  for (let i0 = a; i0 < b; i0 += 256) {
    const i1 = Math.min(b, i0 + 256);
    let lin = 0;
    let prod = 1;
    for (let i = i0; i < i1; i++) {
      const v = x[i];
      const t = y[i];
      const av = Math.abs(v);
      const u = f32 ? expF32(-av) : expNonPositive(-av);
      const q = 1 + u;
      lin += 0.5 * (v + av) - t * v;
      prod *= q;
      if (grad) {
        const h = +(v >= 0);
        grad[i] = Number.isNaN(v) ? v : ((h * (1 - t - t * u) + (1 - h) * (u * (1 - t) - t)) / q) * scale;
      }
    }
    if (Number.isNaN(lin)) {
      lin = 0;
      for (let i = i0; i < i1; i++) lin += (1 - y[i]) * x[i] + (x[i] < 0 ? -x[i] : 0);
    }
    total += lin + Math.log(prod);
  }
  sums[0] += total;
}
