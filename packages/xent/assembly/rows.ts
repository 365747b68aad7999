/**
 * The three sweeps of a softmax row, over `len` contiguous values at `p`: the maximum, the exponentials
 * exp(x - max) summed (and written over x for the gradient), and the scaling of the written row. Each
 * comes for float32 and float64 rows. Sums of float32 exponentials add groups of 16 in float32 (each group
 * at most 4 ulps off) and the groups in float64.
 */
import { EXP2D, EXP4F, exp2d, exp4f } from './exp';

// ---- float32 ----------------------------------------------------------------------------------------

/** max of the row; NaN when a value is NaN (the SIMD max of WebAssembly skips no NaN, pmax does: checked apart). */
// @ts-expect-error: decorator
@inline
export function maxF32(p: usize, len: i32): f64 {
  let m0 = f32x4.splat(-Infinity);
  let m1 = m0;
  let nan = i32x4.splat(0);
  let i = 0;
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
 * Σ exp(x - m) over the row, in float64; with `write`, each exp(x - m) is written over its x. m finite,
 * no NaN. Each exponential is within 1 ulp of float32 (exp4f), the sum adds them in float64.
 */
// @ts-expect-error: decorator
@inline
export function expSumF32(p: usize, len: i32, m: f64, write: bool): f64 {
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
  const m4 = f32x4.splat(<f32>m);
  let s0 = f64x2.splat(0);
  let s1 = s0;
  let s2 = s0;
  let s3 = s0;
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    const q = p + (<usize>i << 2);
    const e0 = exp4f(f32x4.sub(v128.load(q), m4), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10);
    const e1 = exp4f(f32x4.sub(v128.load(q, 16), m4), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10);
    const e2 = exp4f(f32x4.sub(v128.load(q, 32), m4), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10);
    const e3 = exp4f(f32x4.sub(v128.load(q, 48), m4), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10);
    if (write) {
      v128.store(q, e0);
      v128.store(q, e1, 16);
      v128.store(q, e2, 32);
      v128.store(q, e3, 48);
    }
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e0));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<f32>(e0, e0, 2, 3, 2, 3)));
    s2 = f64x2.add(s2, f64x2.promote_low_f32x4(e1));
    s3 = f64x2.add(s3, f64x2.promote_low_f32x4(v128.shuffle<f32>(e1, e1, 2, 3, 2, 3)));
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e2));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<f32>(e2, e2, 2, 3, 2, 3)));
    s2 = f64x2.add(s2, f64x2.promote_low_f32x4(e3));
    s3 = f64x2.add(s3, f64x2.promote_low_f32x4(v128.shuffle<f32>(e3, e3, 2, 3, 2, 3)));
  }
  for (; i + 4 <= len; i += 4) {
    const q = p + (<usize>i << 2);
    const e = exp4f(f32x4.sub(v128.load(q), m4), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10);
    if (write) v128.store(q, e);
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 2, 3)));
  }
  s0 = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let s = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  for (; i < len; i++) {
    const q = p + (<usize>i << 2);
    const e = <f32>Math.exp(<f64>load<f32>(q) - m);
    if (write) store<f32>(q, e);
    s += <f64>e;
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
export function expSumF64(p: usize, len: i32, m: f64, write: bool): f64 {
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
  const m2 = f64x2.splat(m);
  let s0 = f64x2.splat(0);
  let s1 = s0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = p + (<usize>i << 3);
    const e0 = exp2d(f64x2.sub(v128.load(q), m2), j0, j1, j2, j3, j4, j5, j6, j7, j8, j9, j10, j11, j12, j13, j14, j15);
    const e1 = exp2d(f64x2.sub(v128.load(q, 16), m2), j0, j1, j2, j3, j4, j5, j6, j7, j8, j9, j10, j11, j12, j13, j14, j15);
    if (write) {
      v128.store(q, e0);
      v128.store(q, e1, 16);
    }
    s0 = f64x2.add(s0, e0);
    s1 = f64x2.add(s1, e1);
  }
  s0 = f64x2.add(s0, s1);
  let s = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  for (; i < len; i++) {
    const q = p + (<usize>i << 3);
    const e = Math.exp(load<f64>(q) - m);
    if (write) store<f64>(q, e);
    s += e;
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
