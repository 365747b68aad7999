/**
 * The three sweeps of a softmax row, over `len` contiguous values at `p`: the maximum, the exponentials
 * exp(x - max) summed (and written over x for the gradient), and the scaling of the written row. Each
 * comes for float32 and float64 rows. Sums of float32 exponentials add groups of 16 in float32 (each group
 * at most 4 ulps off) and the groups in float64.
 */
import { EXP2D, EXP4F, exp2d, exp4f, expPair, expTail4f, madd, nmadd } from './exp';

/**
 * The max of the row after the one expSumF32 swept (its `ahead`), taken in the same loop, or NaN when
 * not taken (no next row, fewer than 32 values) or when that row may hold a NaN.
 */
export let nextMax: f64 = NaN;

// ---- float32 ----------------------------------------------------------------------------------------

/** max of the row; NaN when a value is NaN (the SIMD max of WebAssembly skips no NaN, pmax does: checked apart). */
// @ts-expect-error: decorator
@inline
export function maxF32(p: usize, len: i32): f64 {
  if (len < 8) {
    // Short rows: no vectors to set up and reduce (a fixed cost that rows of 2 classes paid per row).
    let m: f32 = -Infinity;
    let isNan = false;
    for (let i = 0; i < len; i++) {
      const v = load<f32>(p + (<usize>i << 2));
      if (v > m) m = v;
      else if (v != v) isNan = true;
    }
    return isNan ? NaN : <f64>m;
  }
  let m0 = f32x4.splat(-Infinity);
  let m1 = m0;
  let m2 = m0;
  let m3 = m0;
  let nan = i32x4.splat(0);
  let nan1 = nan;
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    const q = p + (<usize>i << 2);
    const a = v128.load(q);
    const b = v128.load(q, 16);
    const c = v128.load(q, 32);
    const d = v128.load(q, 48);
    m0 = f32x4.pmax(m0, a);
    m1 = f32x4.pmax(m1, b);
    m2 = f32x4.pmax(m2, c);
    m3 = f32x4.pmax(m3, d);
    nan = v128.or(nan, v128.or(f32x4.ne(a, a), f32x4.ne(b, b)));
    nan1 = v128.or(nan1, v128.or(f32x4.ne(c, c), f32x4.ne(d, d)));
  }
  m0 = f32x4.pmax(m0, m2);
  m1 = f32x4.pmax(m1, m3);
  nan = v128.or(nan, nan1);
  for (; i + 8 <= len; i += 8) {
    const a = v128.load(p + (<usize>i << 2));
    const b = v128.load(p + (<usize>i << 2), 16);
    m0 = f32x4.pmax(m0, a);
    m1 = f32x4.pmax(m1, b);
    nan = v128.or(nan, v128.or(f32x4.ne(a, a), f32x4.ne(b, b)));
  }
  for (; i + 4 <= len; i += 4) {
    const a = v128.load(p + (<usize>i << 2));
    m0 = f32x4.pmax(m0, a);
    nan = v128.or(nan, f32x4.ne(a, a));
  }
  m0 = f32x4.pmax(m0, m1);
  let m = max(max(f32x4.extract_lane(m0, 0), f32x4.extract_lane(m0, 1)), max(f32x4.extract_lane(m0, 2), f32x4.extract_lane(m0, 3)));
  let isNan = v128.any_true(nan);
  for (; i < len; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (v > m) m = v;
    else if (v != v) isNan = true;
  }
  return isNan ? NaN : <f64>m;
}

/**
 * exp(x - m) of the 16 float32 values at q (exp4f's arithmetic, four vectors in lockstep), written at o
 * with `write`; returns their sum as float64 x 2, the four vectors added in float32 first (widening
 * each vector to float64 took 16 of the 110 operations per 16 values: the sweep ran 9% faster without).
 * In lockstep, each of EXP4F's constants is loaded where it is used, by four vectors at once: with the
 * eleven constants held in registers beside four exponentials in flight, V8 ran out of the 16 SIMD
 * registers and spilled (the sweep ran 15% slower).
 */
// @ts-expect-error: decorator
@inline
function exp16F32(q: usize, o: usize, m4: v128, write: bool): v128 {
  const d0 = f32x4.sub(v128.load(q), m4);
  const d1 = f32x4.sub(v128.load(q, 16), m4);
  const d2 = f32x4.sub(v128.load(q, 32), m4);
  const d3 = f32x4.sub(v128.load(q, 48), m4);
  let c = v128.load(EXP4F, 32); // log2(e)
  let c2 = v128.load(EXP4F, 16); // 1.5·2^23
  const t0 = madd<f32>(d0, c, c2);
  const t1 = madd<f32>(d1, c, c2);
  const t2 = madd<f32>(d2, c, c2);
  const t3 = madd<f32>(d3, c, c2);
  const k0 = f32x4.sub(t0, c2);
  const k1 = f32x4.sub(t1, c2);
  const k2 = f32x4.sub(t2, c2);
  const k3 = f32x4.sub(t3, c2);
  c = v128.load(EXP4F, 48); // ln 2, high part
  let r0 = nmadd<f32>(k0, c, d0);
  let r1 = nmadd<f32>(k1, c, d1);
  let r2 = nmadd<f32>(k2, c, d2);
  let r3 = nmadd<f32>(k3, c, d3);
  c = v128.load(EXP4F, 64); // ln 2, low part
  r0 = nmadd<f32>(k0, c, r0);
  r1 = nmadd<f32>(k1, c, r1);
  r2 = nmadd<f32>(k2, c, r2);
  r3 = nmadd<f32>(k3, c, r3);
  c = v128.load(EXP4F, 80); // c6
  c2 = v128.load(EXP4F, 96); // c5
  let p0 = madd<f32>(c, r0, c2);
  let p1 = madd<f32>(c, r1, c2);
  let p2 = madd<f32>(c, r2, c2);
  let p3 = madd<f32>(c, r3, c2);
  // c4, c3, c2, written out: binaryen keeps a loop over them, and V8 then checks for interrupts and
  // branches three times per 16 values.
  c = v128.load(EXP4F, 112);
  p0 = madd<f32>(p0, r0, c);
  p1 = madd<f32>(p1, r1, c);
  p2 = madd<f32>(p2, r2, c);
  p3 = madd<f32>(p3, r3, c);
  c = v128.load(EXP4F, 128);
  p0 = madd<f32>(p0, r0, c);
  p1 = madd<f32>(p1, r1, c);
  p2 = madd<f32>(p2, r2, c);
  p3 = madd<f32>(p3, r3, c);
  c = v128.load(EXP4F, 144);
  p0 = madd<f32>(p0, r0, c);
  p1 = madd<f32>(p1, r1, c);
  p2 = madd<f32>(p2, r2, c);
  p3 = madd<f32>(p3, r3, c);
  c = v128.load(EXP4F, 160); // 1
  p0 = expTail4f(p0, r0, c);
  p1 = expTail4f(p1, r1, c);
  p2 = expTail4f(p2, r2, c);
  p3 = expTail4f(p3, r3, c);
  c = v128.load(EXP4F, 0); // the underflow limit
  const e0 = v128.and(i32x4.add(p0, i32x4.shl(t0, 23)), f32x4.ge(d0, c));
  const e1 = v128.and(i32x4.add(p1, i32x4.shl(t1, 23)), f32x4.ge(d1, c));
  const e2 = v128.and(i32x4.add(p2, i32x4.shl(t2, 23)), f32x4.ge(d2, c));
  const e3 = v128.and(i32x4.add(p3, i32x4.shl(t3, 23)), f32x4.ge(d3, c));
  if (write) {
    v128.store(o, e0);
    v128.store(o, e1, 16);
    v128.store(o, e2, 32);
    v128.store(o, e3, 48);
  }
  const e = f32x4.add(f32x4.add(e0, e1), f32x4.add(e2, e3));
  return f64x2.add(f64x2.promote_low_f32x4(e), f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 2, 3)));
}

/**
 * Σ exp(x - m) over the row at p, in float64; with `write`, each exp(x - m) is written at the same
 * position of the row at o (o = p: in place). m finite, no NaN. Each exponential is within 1 ulp of
 * float32 (exp4f); the sum adds them 16 at a time in float32 and those sums in float64.
 */
// @ts-expect-error: decorator
@inline
export function expSumF32(p: usize, o: usize, len: i32, m: f64, write: bool, ahead: usize): f64 {
  if (len == 2) {
    // Two classes: one of x - m is 0 (exp 1), one exponential to take; selects, not branches (which
    // of two random logits is the larger is a coin toss for a branch predictor).
    const d0 = <f64>load<f32>(p) - m;
    const d1 = <f64>load<f32>(p, 4) - m;
    const e = <f32>Math.exp(min(d0, d1));
    if (write) {
      store<f32>(o, select<f32>(1, e, d0 == 0));
      store<f32>(o, select<f32>(e, 1, d0 == 0), 4);
    }
    return 1 + <f64>e;
  }
  const m4 = f32x4.splat(<f32>m);
  let s0 = f64x2.splat(0);
  let s1 = s0;
  let i = 0;
  // While the exponentials keep the core busy, the same loop takes the max of the next row (`ahead`
  // bytes on; 0: none): its loads then wait on memory beside the arithmetic, where a max sweep of its
  // own waited alone (in DRAM, logits of 4 KB rows start a new page, where the hardware prefetcher
  // stops, every row). Its NaN check is a running sum (NaN there, or +Infinity - Infinity: the row is
  // taken again by maxF32).
  nextMax = NaN;
  if (ahead != 0 && len >= 32) {
    let n0 = f32x4.splat(-Infinity);
    let n1 = n0;
    let z0 = f32x4.splat(0);
    let z1 = z0;
    for (; i + 32 <= len; i += 32) {
      const q = <usize>i << 2;
      const nq = p + ahead + q;
      const a0 = v128.load(nq);
      const a1 = v128.load(nq, 16);
      const a2 = v128.load(nq, 32);
      const a3 = v128.load(nq, 48);
      n0 = f32x4.pmax(n0, f32x4.pmax(a0, a1));
      n1 = f32x4.pmax(n1, f32x4.pmax(a2, a3));
      z0 = f32x4.add(z0, f32x4.add(a0, a1));
      z1 = f32x4.add(z1, f32x4.add(a2, a3));
      s0 = f64x2.add(s0, exp16F32(p + q, o + q, m4, write));
      const b0 = v128.load(nq, 64);
      const b1 = v128.load(nq, 80);
      const b2 = v128.load(nq, 96);
      const b3 = v128.load(nq, 112);
      n0 = f32x4.pmax(n0, f32x4.pmax(b0, b1));
      n1 = f32x4.pmax(n1, f32x4.pmax(b2, b3));
      z0 = f32x4.add(z0, f32x4.add(b0, b1));
      z1 = f32x4.add(z1, f32x4.add(b2, b3));
      s1 = f64x2.add(s1, exp16F32(p + q + 64, o + q + 64, m4, write));
    }
    n0 = f32x4.pmax(n0, n1);
    z0 = f32x4.add(z0, z1);
    let nm = max(max(f32x4.extract_lane(n0, 0), f32x4.extract_lane(n0, 1)), max(f32x4.extract_lane(n0, 2), f32x4.extract_lane(n0, 3)));
    const z = f32x4.extract_lane(z0, 0) + f32x4.extract_lane(z0, 1) + f32x4.extract_lane(z0, 2) + f32x4.extract_lane(z0, 3);
    if (i < len) nm = max(nm, <f32>maxF32(p + ahead + (<usize>i << 2), len - i));
    nextMax = z == z ? <f64>nm : NaN;
  }
  for (; i + 32 <= len; i += 32) {
    const q = <usize>i << 2;
    s0 = f64x2.add(s0, exp16F32(p + q, o + q, m4, write));
    s1 = f64x2.add(s1, exp16F32(p + q + 64, o + q + 64, m4, write));
  }
  if (i + 16 <= len) {
    s0 = f64x2.add(s0, exp16F32(p + (<usize>i << 2), o + (<usize>i << 2), m4, write));
    i += 16;
  }
  if (i + 4 <= len) {
    const k0 = v128.load(EXP4F, 0);
    const k1 = v128.load(EXP4F, 16);
    const k2 = v128.load(EXP4F, 32);
    const k3 = v128.load(EXP4F, 48);
    const k4 = v128.load(EXP4F, 64);
    const k5 = v128.load(EXP4F, 80);
    const k6 = v128.load(EXP4F, 96);
    const k7 = v128.load(EXP4F, 112);
    const k8 = v128.load(EXP4F, 128);
    const k9 = v128.load(EXP4F, 144);
    const k10 = v128.load(EXP4F, 160);
    for (; i + 4 <= len; i += 4) {
      const q = <usize>i << 2;
      const e = exp4f(f32x4.sub(v128.load(p + q), m4), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10);
      if (write) v128.store(o + q, e);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 2, 3)));
    }
  }
  s0 = f64x2.add(s0, s1);
  let s = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  // The last 1 to 3 values in float64 (d = x - m exact), two at a time: short rows are all tail, and
  // float32 SIMD arithmetic there put 2-class losses outside float32's tolerance.
  for (; i < len; i += 2) {
    const q = <usize>i << 2;
    const two = i + 1 < len;
    let b = -Infinity;
    if (two) b = <f64>load<f32>(p + q, 4) - m;
    const e = f32x4.demote_f64x2_zero(expPair(<f64>load<f32>(p + q) - m, b));
    const e0 = f32x4.extract_lane(e, 0);
    const e1 = f32x4.extract_lane(e, 1);
    if (write) {
      store<f32>(o + q, e0);
      if (two) store<f32>(o + q, e1, 4);
    }
    s += <f64>e0 + <f64>e1;
  }
  return s;
}

/** Multiplies the row by k in place, in float64 (one rounding to float32). */
// @ts-expect-error: decorator
@inline
export function scaleF32(p: usize, len: i32, k: f64): void {
  const k2 = f64x2.splat(k);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = p + (<usize>i << 2);
    const v = v128.load(q);
    const lo = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v), k2));
    const hi = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)), k2));
    v128.store(q, v128.shuffle<f32>(lo, hi, 0, 1, 4, 5));
  }
  for (; i < len; i++) {
    const q = p + (<usize>i << 2);
    store<f32>(q, <f32>(<f64>load<f32>(q) * k));
  }
}

/** Sets the row to v. */
// @ts-expect-error: decorator
@inline
export function fillF32(p: usize, len: i32, v: f32): void {
  for (let i = 0; i < len; i++) store<f32>(p + (<usize>i << 2), v);
}

// ---- float64 ----------------------------------------------------------------------------------------

// @ts-expect-error: decorator
@inline
export function maxF64(p: usize, len: i32): f64 {
  let m0 = f64x2.splat(-Infinity);
  let m1 = m0;
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const a = v128.load(p + (<usize>i << 3));
    const b = v128.load(p + (<usize>i << 3), 16);
    m0 = f64x2.pmax(m0, a);
    m1 = f64x2.pmax(m1, b);
    nan = v128.or(nan, v128.or(f64x2.ne(a, a), f64x2.ne(b, b)));
  }
  m0 = f64x2.pmax(m0, m1);
  let m = max(f64x2.extract_lane(m0, 0), f64x2.extract_lane(m0, 1));
  let isNan = v128.any_true(nan);
  for (; i < len; i++) {
    const v = load<f64>(p + (<usize>i << 3));
    if (v > m) m = v;
    else if (v != v) isNan = true;
  }
  return isNan ? NaN : m;
}

// @ts-expect-error: decorator
@inline
export function expSumF64(p: usize, o: usize, len: i32, m: f64, write: bool): f64 {
  const j0 = v128.load(EXP2D, 0);
  const j1 = v128.load(EXP2D, 16);
  const j2 = v128.load(EXP2D, 32);
  const j3 = v128.load(EXP2D, 48);
  const j4 = v128.load(EXP2D, 64);
  const j5 = v128.load(EXP2D, 80);
  const j6 = v128.load(EXP2D, 96);
  const j7 = v128.load(EXP2D, 112);
  const j8 = v128.load(EXP2D, 128);
  const j9 = v128.load(EXP2D, 144);
  const j10 = v128.load(EXP2D, 160);
  const j11 = v128.load(EXP2D, 176);
  const j12 = v128.load(EXP2D, 192);
  const j13 = v128.load(EXP2D, 208);
  const j14 = v128.load(EXP2D, 224);
  const j15 = v128.load(EXP2D, 240);
  const j16 = v128.load(EXP2D, 256);
  const j17 = v128.load(EXP2D, 272);
  const m2 = f64x2.splat(m);
  let s0 = f64x2.splat(0);
  let s1 = s0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = <usize>i << 3;
    const e0 = exp2d(f64x2.sub(v128.load(p + q), m2), j0, j1, j2, j3, j4, j5, j6, j7, j8, j9, j10, j11, j12, j13, j14, j15, j16, j17);
    const e1 = exp2d(f64x2.sub(v128.load(p + q, 16), m2), j0, j1, j2, j3, j4, j5, j6, j7, j8, j9, j10, j11, j12, j13, j14, j15, j16, j17);
    if (write) {
      v128.store(o + q, e0);
      v128.store(o + q, e1, 16);
    }
    s0 = f64x2.add(s0, e0);
    s1 = f64x2.add(s1, e1);
  }
  s0 = f64x2.add(s0, s1);
  let s = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  // The last 1 to 3 values, two at a time (exp2d, as expPair).
  for (; i < len; i += 2) {
    const q = <usize>i << 3;
    const two = i + 1 < len;
    let b = -Infinity;
    if (two) b = load<f64>(p + q, 8) - m;
    const d = f64x2.replace_lane(f64x2.splat(load<f64>(p + q) - m), 1, b);
    const e = exp2d(d, j0, j1, j2, j3, j4, j5, j6, j7, j8, j9, j10, j11, j12, j13, j14, j15, j16, j17);
    const e0 = f64x2.extract_lane(e, 0);
    if (write) {
      store<f64>(o + q, e0);
      if (two) store<f64>(o + q, f64x2.extract_lane(e, 1), 8);
    }
    s += e0 + f64x2.extract_lane(e, 1);
  }
  return s;
}

// @ts-expect-error: decorator
@inline
export function scaleF64(p: usize, len: i32, k: f64): void {
  const k2 = f64x2.splat(k);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = p + (<usize>i << 3);
    v128.store(q, f64x2.mul(v128.load(q), k2));
    v128.store(q, f64x2.mul(v128.load(q, 16), k2), 16);
  }
  for (; i < len; i++) {
    const q = p + (<usize>i << 3);
    store<f64>(q, load<f64>(q) * k);
  }
}

// @ts-expect-error: decorator
@inline
export function fillF64(p: usize, len: i32, v: f64): void {
  for (let i = 0; i < len; i++) store<f64>(p + (<usize>i << 3), v);
}
