/**
 * Binary cross-entropy with logits, summed, and its gradient: the fast path of
 * binaryCrossEntropyWithLogits (no weight, posWeight or label smoothing; a reduction to a number).
 *
 *   loss = (1 - y) · x + max(-x, 0) + log1p(u),   u = exp(-|x|)
 *   grad = scale · (σ(x) - y) = scale · ((1 - y) - y · u) / (1 + u)   for x >= 0
 *                              = scale · (u · (1 - y) - y) / (1 + u)   for x < 0
 * (the second form keeps σ(x) - y exact where σ(x) rounds to 1). The linear part is summed in float64.
 * Σ log1p(u) is taken as log Π (1 + u): 1 + u is exact in float64 for a float32 u, the products are
 * renormalised by their exponent every 1024 values and one log is taken per lane at the end; the product
 * of n factors is off by at most n float64 roundings, so the sum is off by at most n · 1.1e-16 in total
 * (the host takes a sum small enough for that to show again value by value: bceFast.ts, exactWhenSmall).
 */
import { EXP2D, EXP4F, exp2d, exp4f } from './exp';

// @ts-expect-error: decorator
@inline
function lane(v: f64): f64 {
  // log of a positive normal float64 v = 2^e · f: e · ln 2 + log f
  const bits = reinterpret<i64>(v);
  const e = <i32>(bits >>> 52) - 1023;
  return <f64>e * 0.6931471805599453 + Math.log(reinterpret<f64>(bits - (<i64>e << 52)));
}

/** Splits each lane of v (positive normal) into 2^e · f, f in [1, 2): returns f, adds e to expo[0]. */
let expoAcc: f64 = 0;
// @ts-expect-error: decorator
@inline
function normalize(v: v128): v128 {
  const e = i64x2.sub(i64x2.shr_u(v, 52), i64x2.splat(1023));
  expoAcc += <f64>(i64x2.extract_lane(e, 0) + i64x2.extract_lane(e, 1));
  return i64x2.sub(v, i64x2.shl(e, 52));
}

// @ts-expect-error: decorator
@inline
function scalarLoss(v: f64, y: f64): f64 {
  return (1 - y) * v + max(-v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
}

// @ts-expect-error: decorator
@inline
function scalarGrad(v: f64, y: f64, scale: f64): f64 {
  return (1 / (1 + Math.exp(-v)) - y) * scale;
}

// @ts-expect-error: decorator
@inline
function bce<T>(x: usize, y: usize, n: i32, grad: bool, scale: f64): f64 {
  const f32 = sizeof<T>() == 4;
  const one = f64x2.splat(1);
  const zero = f64x2.splat(0);
  let lin0 = zero;
  let lin1 = zero;
  let prod0 = one;
  let prod1 = one;
  expoAcc = 0;
  let i = 0;
  let block = 0;
  if (f32) {
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
    const scale2 = f64x2.splat(scale);
    for (; i + 4 <= n; i += 4) {
      const px = x + (<usize>i << 2);
      const xv = v128.load(px);
      const yv = v128.load(y + (<usize>i << 2));
      const xl = f64x2.promote_low_f32x4(xv);
      const xh = f64x2.promote_low_f32x4(v128.shuffle<f32>(xv, xv, 2, 3, 2, 3));
      const yl = f64x2.promote_low_f32x4(yv);
      const yh = f64x2.promote_low_f32x4(v128.shuffle<f32>(yv, yv, 2, 3, 2, 3));
      lin0 = f64x2.add(lin0, f64x2.add(f64x2.mul(f64x2.sub(one, yl), xl), f64x2.pmax(f64x2.neg(xl), zero)));
      lin1 = f64x2.add(lin1, f64x2.add(f64x2.mul(f64x2.sub(one, yh), xh), f64x2.pmax(f64x2.neg(xh), zero)));
      const u = exp4f(f32x4.neg(f32x4.abs(xv)), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10);
      const ul = f64x2.promote_low_f32x4(u);
      const uh = f64x2.promote_low_f32x4(v128.shuffle<f32>(u, u, 2, 3, 2, 3));
      const ql = f64x2.add(one, ul);
      const qh = f64x2.add(one, uh);
      prod0 = f64x2.mul(prod0, ql);
      prod1 = f64x2.mul(prod1, qh);
      if (++block == 256) {
        block = 0;
        prod0 = normalize(prod0);
        prod1 = normalize(prod1);
      }
      if (grad) {
        // in float64 from the float32 u: one rounding to float32 at the end
        const oneYl = f64x2.sub(one, yl);
        const oneYh = f64x2.sub(one, yh);
        const nl = v128.bitselect(
          f64x2.sub(oneYl, f64x2.mul(yl, ul)),
          f64x2.sub(f64x2.mul(ul, oneYl), yl),
          f64x2.ge(xl, zero),
        );
        const nh = v128.bitselect(
          f64x2.sub(oneYh, f64x2.mul(yh, uh)),
          f64x2.sub(f64x2.mul(uh, oneYh), yh),
          f64x2.ge(xh, zero),
        );
        const gl = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.div(nl, ql), scale2));
        const gh = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.div(nh, qh), scale2));
        const g = v128.shuffle<f32>(gl, gh, 0, 1, 4, 5);
        v128.store(px, v128.bitselect(g, xv, f32x4.eq(xv, xv)));
      }
    }
  } else {
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
    const scale2 = f64x2.splat(scale);
    for (; i + 2 <= n; i += 2) {
      const px = x + (<usize>i << 3);
      const xv = v128.load(px);
      const yv = v128.load(y + (<usize>i << 3));
      lin0 = f64x2.add(lin0, f64x2.add(f64x2.mul(f64x2.sub(one, yv), xv), f64x2.pmax(f64x2.neg(xv), zero)));
      const u = exp2d(f64x2.neg(f64x2.abs(xv)), j0, j1, j2, j3, j4, j5, j6, j7, j8, j9, j10, j11, j12, j13, j14, j15, j16, j17);
      const q = f64x2.add(one, u);
      prod0 = f64x2.mul(prod0, q);
      if (++block == 512) {
        block = 0;
        prod0 = normalize(prod0);
      }
      if (grad) {
        const oneY = f64x2.sub(one, yv);
        const num = v128.bitselect(
          f64x2.sub(oneY, f64x2.mul(yv, u)),
          f64x2.sub(f64x2.mul(u, oneY), yv),
          f64x2.ge(xv, zero),
        );
        const g = f64x2.mul(f64x2.div(num, q), scale2);
        v128.store(px, v128.bitselect(g, xv, f64x2.eq(xv, xv)));
      }
    }
  }
  lin0 = f64x2.add(lin0, lin1);
  let sum = f64x2.extract_lane(lin0, 0) + f64x2.extract_lane(lin0, 1);
  sum +=
    lane(f64x2.extract_lane(prod0, 0)) +
    lane(f64x2.extract_lane(prod0, 1)) +
    lane(f64x2.extract_lane(prod1, 0)) +
    lane(f64x2.extract_lane(prod1, 1)) +
    expoAcc * 0.6931471805599453;
  for (; i < n; i++) {
    const v: f64 = f32 ? <f64>load<f32>(x + (<usize>i << 2)) : load<f64>(x + (<usize>i << 3));
    const t: f64 = f32 ? <f64>load<f32>(y + (<usize>i << 2)) : load<f64>(y + (<usize>i << 3));
    sum += scalarLoss(v, t);
    if (grad) {
      if (f32) store<f32>(x + (<usize>i << 2), <f32>scalarGrad(v, t, scale));
      else store<f64>(x + (<usize>i << 3), scalarGrad(v, t, scale));
    }
  }
  return sum;
}

/**
 * Σ of the losses of n float32 logits at x against float32 targets at y; with grad, scale · (σ(x) - y)
 * replaces x.
 */
export function bceF32(x: usize, y: usize, n: i32, grad: bool, scale: f64): f64 {
  return grad ? bce<f32>(x, y, n, true, scale) : bce<f32>(x, y, n, false, scale);
}

/** As bceF32, for float64. */
export function bceF64(x: usize, y: usize, n: i32, grad: bool, scale: f64): f64 {
  return grad ? bce<f64>(x, y, n, true, scale) : bce<f64>(x, y, n, false, scale);
}
