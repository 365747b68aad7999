/**
 * crossEntropy's direct lane: the call a training loop makes every step, a 2-D Float32Array or
 * Float64Array tensor with Int32Array class indices in range (bare or as a tensor) and no option but `reduction` ('mean' or
 * 'sum') and `gradOut`. It is recognised with a few checks and handed to the kernels without the general
 * path's readers and result objects. Anything else, every error included, takes the general path.
 *
 * Why: a call on a small batch lasts microseconds, and between two training steps other work evicts
 * the call's code from the caches, so each function, builtin and object a call touches costs about a
 * microsecond cold, and more while V8 still interprets it (its first few hundred calls). On (64, 10) the
 * general path took 20-40 µs that way against 5 µs for this lane.
 */

import { onlyReductionAndGradOut } from '../internal/checks.js';
import { directGrad, type LossRun } from '../internal/output.js';
import type { TargetLike, TensorLike } from '../tensor.js';
import { config } from './config.js';
import { ceFast } from './crossEntropyFast.js';
import { fastStats } from './fastStats.js';
import { reserve, wasm } from './wasm.js';

/** The loss (and gradient) of a call of the direct form, or undefined for any other call. */
export function crossEntropyDirect(
  input: TensorLike,
  target: TargetLike,
  options: unknown,
  withGrad: boolean,
): LossRun | undefined {
  let sum = false;
  let gradOut: unknown;
  if (options !== undefined) {
    if (options === null || typeof options !== 'object') return undefined;
    const o = options as Record<string, unknown>;
    if (!onlyReductionAndGradOut(o)) return undefined;
    if (o.reduction === 'sum') sum = true;
    else if (o.reduction !== undefined && o.reduction !== 'mean') return undefined;
    gradOut = o.gradOut;
  }
  if (input === null || typeof input !== 'object') return undefined;
  const { data: x, shape } = input as { data: unknown; shape: unknown };
  const f32 = x instanceof Float32Array;
  if (!(f32 || x instanceof Float64Array) || !Array.isArray(shape) || shape.length !== 2) return undefined;
  const N = shape[0];
  const C = shape[1];
  const n = x.length;
  if (!(Number.isInteger(N) && Number.isInteger(C) && N > 0 && C > 0 && N * C === n)) return undefined;
  // The targets: an Int32Array of length N, bare or as a tensor of shape [N].
  let t: unknown = target;
  if (!(t instanceof Int32Array)) {
    if (t === null || typeof t !== 'object' || ArrayBuffer.isView(t)) return undefined;
    const ts = (t as { shape?: unknown }).shape;
    if (!Array.isArray(ts) || ts.length !== 1 || ts[0] !== N) return undefined;
    t = (t as { data?: unknown }).data;
    if (!(t instanceof Int32Array)) return undefined;
  }
  const labels = t as Int32Array;
  if (labels.length !== N) return undefined;
  const grad = withGrad ? directGrad(x, gradOut) : undefined;
  if (withGrad && !grad) return undefined;

  const ceScale = sum ? 1 : 1 / N;
  const w = wasm();
  let ce: number;
  const size = f32 ? 4 : 8;
  const xOff = w ? (w.base + N * 4 + 15) & ~15 : 0;
  if (
    w &&
    n < config.inPlaceMin &&
    n < config.threadThreshold &&
    xOff + n * size - w.base <= config.scratchBytes
  ) {
    // One kernel call on the scratch buffer. Everything is copied with `set` (a memory copy from the
    // first call: JavaScript loops took 10-14 µs of (64, 10)'s call for its first 50-300 calls, until V8
    // optimised them), and the class indices are checked by the kernel (strict: -100, ignoreIndex's
    // default, is out too, as the lane's mean does not leave ignored rows out), which returns NaN at
    // once on one out of range: a NaN loss (that, or a NaN in the input) takes the general path, which
    // reports the index (a second call into WebAssembly to check them cost 3 µs out of the caches).
    const xIdx = xOff / size;
    let heap = f32 ? w.f32 : w.f64;
    if (xIdx + n > heap.length) {
      reserve(w, xOff + n * size - w.base);
      heap = f32 ? w.f32 : w.f64;
    }
    w.i32.set(labels, w.base >>> 2);
    heap.set(x, xIdx);
    ce = (f32 ? w.ex.ceF32 : w.ex.ceF64)(xOff, N, C, w.base, 0, -100, 0, ceScale, 0, grad ? xOff : 0, 0, 1);
    if (Number.isNaN(ce)) return undefined;
    if (grad) grad.set(heap.subarray(xIdx, xIdx + n));
  } else {
    for (let r = 0; r < N; r++) if (!(labels[r] >= 0 && labels[r] < C)) return undefined;
    const job = {
      x,
      C,
      target: labels,
      weight: undefined,
      ignoreIndex: -100,
      zLoss: 0,
      ceScale,
      zScale: 0,
      grad,
      lossOut: undefined,
    };
    ce = ceFast(job, N).ce;
  }
  fastStats.direct++;
  const loss = sum ? ce : ce / N;
  return grad ? { loss, grad: { data: grad, shape: [N, C] } } : { loss };
}
