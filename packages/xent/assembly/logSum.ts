/**
 * The log of a softmax row's sum S = Σ exp(x - max), S >= 1 and finite, without a lookup table: fdlibm's
 * log (as musl's log.c before its table-driven version, within 1 ulp of float64). AssemblyScript's
 * Math.log reads a 4 KB table, one cache line per call at a place set by S's leading bits: on a small
 * batch whose code and data other work has evicted between calls, those lines came from memory, about a
 * fifth of a (64, 10) call.
 */

const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const LG1: f64 = 6.666666666666735130e-1;
const LG2: f64 = 3.999999999940941908e-1;
const LG3: f64 = 2.857142874366239149e-1;
const LG4: f64 = 2.222219843214978396e-1;
const LG5: f64 = 1.818357216161805012e-1;
const LG6: f64 = 1.531383769920937332e-1;
const LG7: f64 = 1.479819860511658591e-1;

// @ts-expect-error: decorator
@inline
export function logSum(s: f64): f64 {
  // s = 2^k · x with x in [sqrt(2)/2, sqrt(2)); log(x) = f - f²/2 + s·(f²/2 + R(z)), f = x - 1
  const u = reinterpret<u64>(s);
  let hx = <u32>(u >> 32) + (0x3ff00000 - 0x3fe6a09e);
  const k = <i32>(hx >> 20) - 0x3ff;
  hx = (hx & 0x000fffff) + 0x3fe6a09e;
  const f = reinterpret<f64>((<u64>hx << 32) | (u & 0xffffffff)) - 1.0;
  const hfsq = 0.5 * f * f;
  const r = f / (2.0 + f);
  const z = r * r;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const dk = <f64>k;
  return r * (hfsq + t1 + t2) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
}
