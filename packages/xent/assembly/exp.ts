/**
 * Vectorised exponentials for the loss kernels (WebAssembly SIMD, 128-bit lanes).
 *
 * Both follow Cody and Waite: exp(d) = 2^k · exp(r) with k = round(d / ln 2) and
 * r = d - k · ln 2 in [-ln 2 / 2, ln 2 / 2], the product ln 2 · k split in two parts so that the first is
 * exact; exp(r) is a polynomial, and 2^k is added to the result's exponent bits. k is rounded with the
 * "magic number" 1.5 · 2^p (p = 23 or 52): adding it leaves k in the low mantissa bits, so that shifting
 * those bits into the exponent field needs no float-to-integer conversion.
 *
 * Arguments are d = x - max <= 0, so nothing overflows; lanes below the underflow limit (a true result
 * below float32's / float64's smallest normal, about 1e-38 / 2e-308, and -Infinity) are flushed to 0.
 * NaN arguments must be handled by the caller (the row kernels route a row with NaN to a scalar path
 * before any exponential is taken, since a NaN's payload bits would land in the exponent field).
 *
 * The constants live in a static table (EXP4F, EXP2D) that the sweeps load into locals before their loops:
 * V8 rebuilds a v128.const at each use (about four instructions) and hoists nothing out of a loop, while
 * AssemblyScript's optimizer would fold a constant kept in a local back into every use; a load from
 * memory it cannot fold, so the constants stay in registers.
 *
 * Each multiply-add is fused (one rounding) in the module built with relaxed SIMD (f32x4.relaxed_madd:
 * one FMA instruction where the CPU has it) and rounded twice in the plain SIMD module, which runtimes
 * without relaxed SIMD (Node 20 without --experimental-wasm-relaxed-simd) load instead; see madd.
 *
 * Accuracy (measured over 10^6 random arguments against float64 Math.exp, see test/kernels):
 *   exp4f: within 1 ulp of float32 for d in [-87, 0] (a degree 6 minimax fit with relative error 3.1e-9,
 *          evaluated in float32; at most 0.86 ulp fused, 0.98 ulp unfused, over 10^6 arguments); a
 *          softmax value, whose argument d = x - max is itself rounded to float32, about 1.5 ulp.
 *   exp2d: the degree 13 Taylor polynomial (truncation error below 5e-18 on |r| <= ln 2 / 2), evaluated in
 *          float64: within 2 ulps of float64 (degree 11, as before, left 6e-15: up to 56 ulps).
 */

// ---- multiply-adds ----------------------------------------------------------------------------------

/**
 * a · b + c of float32 x 4 or float64 x 2 lanes (T): fused where the module is built with relaxed SIMD
 * (one rounding where the CPU has FMA, as x86-64 since 2013 and ARM64 do), a product and a sum without.
 * The float32 exponential takes 8 multiply-adds per 4 values: fused, a softmax row's sweeps run about
 * 1.25x faster.
 */
// @ts-expect-error: decorator
@inline
export function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(v128.mul<T>(a, b), c);
}

/** c - a · b, fused as madd. */
// @ts-expect-error: decorator
@inline
export function nmadd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_nmadd<T>(a, b, c);
  return v128.sub<T>(c, v128.mul<T>(a, b));
}

// ---- float32 x 4 ----------------------------------------------------------------------------------

/**
 * exp(r) ≈ 1 + r + r² · p from p = P(r): fused, as 1 + r · (1 + r · p) (two multiply-adds; at most 0.86
 * ulp); unfused, as written (that Horner form rounded 1 + r · p apart and reached 1.16 ulp, this 0.98).
 */
// @ts-expect-error: decorator
@inline
export function expTail4f(p: v128, r: v128, one: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return madd<f32>(madd<f32>(p, r, one), r, one);
  return f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(r, r), p), r), one);
}

/** -87, 1.5·2^23, log2(e), ln 2 (high, low), then the polynomial's coefficients c6..c2, and 1. */
export const EXP4F: usize = memory.data<f32>(
  [
    -87.0, -87.0, -87.0, -87.0,
    12582912.0, 12582912.0, 12582912.0, 12582912.0,
    1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341,
    0.693359375, 0.693359375, 0.693359375, 0.693359375,
    -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4,
    0.001381461275741458, 0.001381461275741458, 0.001381461275741458, 0.001381461275741458,
    0.008368710055947304, 0.008368710055947304, 0.008368710055947304, 0.008368710055947304,
    0.04166838899254799, 0.04166838899254799, 0.04166838899254799, 0.04166838899254799,
    0.1666652113199234, 0.1666652113199234, 0.1666652113199234, 0.1666652113199234,
    0.4999999403953552, 0.4999999403953552, 0.4999999403953552, 0.4999999403953552,
    1.0, 1.0, 1.0, 1.0,
  ],
  16,
);

/** exp of 4 float32 lanes d <= 0 (no NaN); k0..k10 are EXP4F's vectors, loaded once per sweep. */
// @ts-expect-error: decorator
@inline
export function exp4f(
  d: v128, lo: v128, magic: v128, log2e: v128, ln2hi: v128, ln2lo: v128,
  c6: v128, c5: v128, c4: v128, c3: v128, c2: v128, one: v128,
): v128 {
  // No clamp: lanes below lo (and -Infinity, whose arithmetic gives NaN) are masked to 0 at the end.
  const t = madd<f32>(d, log2e, magic);
  const k = f32x4.sub(t, magic);
  let r = nmadd<f32>(k, ln2hi, d);
  r = nmadd<f32>(k, ln2lo, r);
  // 1 + r + r² · P(r), P of degree 4 (minimax for the relative error on [-ln2/2, ln2/2])
  let p = madd<f32>(c6, r, c5);
  p = madd<f32>(p, r, c4);
  p = madd<f32>(p, r, c3);
  p = madd<f32>(p, r, c2);
  p = expTail4f(p, r, one);
  const e = i32x4.add(p, i32x4.shl(t, 23));
  return v128.and(e, f32x4.ge(d, lo));
}

// ---- float64 x 2 ----------------------------------------------------------------------------------

/** -708, 1.5·2^52, log2(e), ln 2 (high, low), 1/13! .. 1/2!, and 1. */
export const EXP2D: usize = memory.data<f64>(
  [
    -708.0, -708.0,
    6755399441055744.0, 6755399441055744.0,
    1.4426950408889634, 1.4426950408889634,
    0.6931471803691238, 0.6931471803691238,
    1.9082149292705877e-10, 1.9082149292705877e-10,
    1.6059043836821613e-10, 1.6059043836821613e-10,
    2.08767569878681e-9, 2.08767569878681e-9,
    2.505210838544172e-8, 2.505210838544172e-8,
    2.755731922398589e-7, 2.755731922398589e-7,
    2.7557319223985893e-6, 2.7557319223985893e-6,
    2.48015873015873e-5, 2.48015873015873e-5,
    1.984126984126984e-4, 1.984126984126984e-4,
    1.388888888888889e-3, 1.388888888888889e-3,
    8.333333333333333e-3, 8.333333333333333e-3,
    4.1666666666666664e-2, 4.1666666666666664e-2,
    0.16666666666666666, 0.16666666666666666,
    0.5, 0.5,
    1.0, 1.0,
  ],
  16,
);

/** exp of 2 float64 lanes d <= 0 (no NaN); the k's are EXP2D's vectors, loaded once per sweep. */
// @ts-expect-error: decorator
@inline
export function exp2d(
  d: v128, lo: v128, magic: v128, log2e: v128, ln2hi: v128, ln2lo: v128,
  c13: v128, c12: v128, c11: v128, c10: v128, c9: v128, c8: v128, c7: v128, c6: v128, c5: v128,
  c4: v128, c3: v128, c2: v128, one: v128,
): v128 {
  const t = madd<f64>(d, log2e, magic);
  const k = f64x2.sub(t, magic);
  let r = nmadd<f64>(k, ln2hi, d);
  r = nmadd<f64>(k, ln2lo, r);
  // Taylor, degree 13: Σ r^n / n!
  let p = madd<f64>(c13, r, c12);
  p = madd<f64>(p, r, c11);
  p = madd<f64>(p, r, c10);
  p = madd<f64>(p, r, c9);
  p = madd<f64>(p, r, c8);
  p = madd<f64>(p, r, c7);
  p = madd<f64>(p, r, c6);
  p = madd<f64>(p, r, c5);
  p = madd<f64>(p, r, c4);
  p = madd<f64>(p, r, c3);
  p = madd<f64>(p, r, c2);
  p = ASC_FEATURE_RELAXED_SIMD
    ? madd<f64>(madd<f64>(p, r, one), r, one)
    : f64x2.add(f64x2.add(f64x2.mul(f64x2.mul(r, r), p), r), one);
  const e = i64x2.add(p, i64x2.shl(t, 52));
  return v128.and(e, f64x2.ge(d, lo));
}

/**
 * exp of the float64 pair (a, b), each <= 0 or -Infinity (no NaN), as exp2d with its constants loaded
 * here: for a row's last one to three values, where Math.exp would read a 2 KB table (one cache line
 * per call, from memory when other work has run since the last call).
 */
// @ts-expect-error: decorator
@inline
export function expPair(a: f64, b: f64): v128 {
  return exp2d(
    f64x2.replace_lane(f64x2.splat(a), 1, b),
    v128.load(EXP2D, 0), v128.load(EXP2D, 16), v128.load(EXP2D, 32), v128.load(EXP2D, 48),
    v128.load(EXP2D, 64), v128.load(EXP2D, 80), v128.load(EXP2D, 96), v128.load(EXP2D, 112),
    v128.load(EXP2D, 128), v128.load(EXP2D, 144), v128.load(EXP2D, 160), v128.load(EXP2D, 176),
    v128.load(EXP2D, 192), v128.load(EXP2D, 208), v128.load(EXP2D, 224), v128.load(EXP2D, 240),
    v128.load(EXP2D, 256), v128.load(EXP2D, 272),
  );
}
