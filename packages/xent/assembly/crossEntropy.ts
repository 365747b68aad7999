/**
 * Cross-entropy of rows of logits against class indices: the fast path of crossEntropy (index targets,
 * classes contiguous, no label smoothing, no softcap). Per row: the max; exp(x - max) summed and, for the
 * gradient, written to the gradient's row; one scaling sweep of that row. The gradient may be written in
 * place of the logits (out = x: the host's copies in a scratch buffer) or elsewhere (tensors in shared
 * kernel memory, no copy).
 *
 * Row semantics are those of the TypeScript kernel in src/losses/crossEntropy.ts:
 *   loss = w[t] · ((m - x[t]) + log S) + zLoss · lse²,   lse = m + log S,   S = Σ exp(x - m)
 *   grad = (ceScale · w[t] + zScale · 2 · zLoss · lse) · exp(x - m) / S - ceScale · w[t] · onehot(t)
 * A row with a NaN, a +Infinity, or only -Infinity gives NaN (loss and gradient); an ignored row gives
 * loss 0 and a gradient of 0, or NaN when its softmax would be NaN.
 */
import { logSum } from './logSum';
import { expSumF32, expSumF64, fillF32, fillF64, maxF32, maxF64, nextMax, scaleF32, scaleF64 } from './rows';

let zSumOut: f64 = 0;

/** The summed z-loss terms of the last ceF32 / ceF64 call. */
export function zSum(): f64 {
  return zSumOut;
}

// @ts-expect-error: decorator
@inline
function ceRows<T>(
  x: usize,
  n: i32,
  C: i32,
  tgt: usize,
  w: usize,
  ignore: i32,
  zLoss: f64,
  ceScale: f64,
  zScale: f64,
  out: usize,
  grad: bool,
  lossOut: usize,
  strict: bool,
): f64 {
  const f32 = sizeof<T>() == 4;
  let ce: f64 = 0;
  let zs: f64 = 0;
  // The row's max when the sweep of the row before took it (expSumF32's nextMax), else NaN.
  let known: f64 = NaN;
  for (let r = 0; r < n; r++) {
    const p = x + <usize>r * <usize>C * sizeof<T>();
    const o = out + <usize>r * <usize>C * sizeof<T>();
    const t = load<i32>(tgt + (<usize>r << 2));
    const m = known == known ? known : f32 ? maxF32(p, C) : maxF64(p, C);
    known = NaN;
    const finite = m - m == 0;
    if (t == ignore && !strict) {
      if (lossOut) store<f64>(lossOut + (<usize>r << 3), 0);
      if (grad) {
        if (f32) fillF32(o, C, finite ? 0 : NaN);
        else fillF64(o, C, finite ? 0 : NaN);
      }
      continue;
    }
    // A class index outside [0, C): the host checks them, except crossEntropyDirect.ts (strict: ignore,
    // too, is out), which leaves that to this check and takes the general path, with its error, on NaN
    if (<u32>t >= <u32>C) {
      zSumOut = NaN;
      return NaN;
    }
    if (!finite) {
      ce += NaN;
      zs += NaN;
      if (lossOut) store<f64>(lossOut + (<usize>r << 3), NaN);
      if (grad) {
        if (f32) fillF32(o, C, NaN);
        else fillF64(o, C, NaN);
      }
      continue;
    }
    const pt = p + <usize>t * sizeof<T>();
    const xt: f64 = f32 ? <f64>load<f32>(pt) : load<f64>(pt);
    let s: f64;
    const ahead: usize = r + 1 < n ? <usize>C * sizeof<T>() : 0;
    if (f32) {
      s = grad ? expSumF32(p, o, C, m, true, ahead) : expSumF32(p, o, C, m, false, ahead);
      known = nextMax;
    }
    else s = grad ? expSumF64(p, o, C, m, true) : expSumF64(p, o, C, m, false);
    const logS = logSum(s);
    const lse = m + logS;
    const wt: f64 = w ? load<f64>(w + (<usize>t << 3)) : 1.0;
    const loss = wt * (m - xt + logS);
    const z2 = zLoss * lse * lse;
    ce += loss;
    zs += z2;
    if (lossOut) store<f64>(lossOut + (<usize>r << 3), loss + z2);
    if (grad) {
      // The target's entry as -ceScale · w[t] · (S - e[t]) / S + zPart · e[t] / S: exact where p[t] ≈ 1
      // (S - e[t] is the sum of the other exponentials, not a difference of two numbers near 1).
      const zPart = zLoss > 0 ? zScale * 2 * zLoss * lse : 0;
      const k = (ceScale * wt + zPart) / s;
      const ot = o + <usize>t * sizeof<T>();
      if (f32) {
        const et = <f64>load<f32>(ot);
        scaleF32(o, C, k);
        store<f32>(ot, <f32>((zPart * et - ceScale * wt * (s - et)) / s));
      } else {
        const et = load<f64>(ot);
        scaleF64(o, C, k);
        store<f64>(ot, (zPart * et - ceScale * wt * (s - et)) / s);
      }
    }
  }
  zSumOut = zs;
  return ce;
}

/**
 * n rows of C float32 logits at x, int32 targets at tgt, float64 class weights at w (0: none). With out
 * (not 0), the gradient is written there (out = x: in place of the logits); with lossOut, the per-row
 * losses are written there as float64. Returns the summed cross-entropy terms (the z-loss terms: zSum()),
 * or NaN at once on a class index outside [0, C) other than `ignore` (with `strict`, at all).
 */
export function ceF32(
  x: usize,
  n: i32,
  C: i32,
  tgt: usize,
  w: usize,
  ignore: i32,
  zLoss: f64,
  ceScale: f64,
  zScale: f64,
  out: usize,
  lossOut: usize,
  strict: bool,
): f64 {
  return out
    ? ceRows<f32>(x, n, C, tgt, w, ignore, zLoss, ceScale, zScale, out, true, lossOut, strict)
    : ceRows<f32>(x, n, C, tgt, w, ignore, zLoss, ceScale, zScale, 0, false, lossOut, strict);
}

/** As ceF32, for float64 logits. */
export function ceF64(
  x: usize,
  n: i32,
  C: i32,
  tgt: usize,
  w: usize,
  ignore: i32,
  zLoss: f64,
  ceScale: f64,
  zScale: f64,
  out: usize,
  lossOut: usize,
  strict: bool,
): f64 {
  return out
    ? ceRows<f64>(x, n, C, tgt, w, ignore, zLoss, ceScale, zScale, out, true, lossOut, strict)
    : ceRows<f64>(x, n, C, tgt, w, ignore, zLoss, ceScale, zScale, 0, false, lossOut, strict);
}

// Pieces of a row longer than the scratch buffer, called once per piece by the host.

/** max of a piece (NaN when it holds a NaN). */
export function pieceMaxF32(p: usize, len: i32): f64 {
  return maxF32(p, len);
}
export function pieceMaxF64(p: usize, len: i32): f64 {
  return maxF64(p, len);
}
/** Σ exp(x - m) of a piece; with store, the exponentials replace the piece. */
export function pieceExpSumF32(p: usize, len: i32, m: f64, store: bool): f64 {
  return store ? expSumF32(p, p, len, m, true, 0) : expSumF32(p, p, len, m, false, 0);
}
export function pieceExpSumF64(p: usize, len: i32, m: f64, store: bool): f64 {
  return store ? expSumF64(p, p, len, m, true) : expSumF64(p, p, len, m, false);
}
/** Multiplies a piece by k. */
export function pieceScaleF32(p: usize, len: i32, k: f64): void {
  scaleF32(p, len, k);
}
export function pieceScaleF64(p: usize, len: i32, k: f64): void {
  scaleF64(p, len, k);
}
