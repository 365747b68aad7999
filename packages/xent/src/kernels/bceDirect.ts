/**
 * binaryCrossEntropyWithLogits' direct lane, as crossEntropyDirect.ts for crossEntropy: a tensor of
 * Float32Array or Float64Array logits, targets of the same array type and shape (a tensor, or the bare
 * array for a 1-D input), and no option but `reduction` ('mean', 'sum' or 'batchmean') and `gradOut`.
 * Anything else, every error included, takes the general path.
 */

import { onlyReductionAndGradOut, sameFloatType } from '../internal/checks.js';
import { directGrad, type LossRun } from '../internal/output.js';
import type { FloatArray, TargetLike, TensorLike } from '../tensor.js';
import { bceFast, exactWhenSmall } from './bceFast.js';
import { config } from './config.js';
import { fastStats } from './fastStats.js';
import { reserve, wasm } from './wasm.js';

/** Below this many values a call is copied in and out of the scratch buffer in one go, with plain loops. */
const SMALL = 1 << 14;

/** The loss (and gradient) of a call of the direct form, or undefined for any other call. */
export function bceDirect(
  input: TensorLike,
  target: TargetLike,
  options: unknown,
  withGrad: boolean,
): LossRun | undefined {
  let reduction: unknown = 'mean';
  let gradOut: unknown;
  if (options !== undefined) {
    if (options === null || typeof options !== 'object') return undefined;
    const o = options as Record<string, unknown>;
    if (!onlyReductionAndGradOut(o)) return undefined;
    reduction = o.reduction ?? 'mean';
    gradOut = o.gradOut;
  }
  if (input === null || typeof input !== 'object') return undefined;
  const { data: x, shape } = input as { data: unknown; shape: unknown };
  if (!(x instanceof Float32Array || x instanceof Float64Array) || !Array.isArray(shape)) return undefined;
  const n = x.length;
  let size = 1;
  for (let d = 0; d < shape.length; d++) {
    const dim = shape[d];
    if (!(Number.isInteger(dim) && dim >= 0)) return undefined;
    size *= dim;
  }
  if (size !== n || shape.length === 0) return undefined;
  let y: unknown = target;
  if (target === null || typeof target !== 'object') return undefined;
  if (!ArrayBuffer.isView(target)) {
    const t = target as { data?: unknown; shape?: unknown };
    const ts = t.shape;
    if (!Array.isArray(ts) || ts.length !== shape.length) return undefined;
    for (let d = 0; d < ts.length; d++) if (ts[d] !== shape[d]) return undefined;
    y = t.data;
  } else if (shape.length !== 1) return undefined;
  if (!sameFloatType(x, y) || (y as FloatArray).length !== n) return undefined;
  const divisor =
    reduction === 'mean' ? n : reduction === 'batchmean' ? shape[0] : reduction === 'sum' ? 1 : 0;
  if (divisor === 0) return undefined;
  const grad = withGrad ? directGrad(x, gradOut) : undefined;
  if (withGrad && !grad) return undefined;

  const scale = 1 / divisor;
  const w = wasm();
  let sum: number;
  const bytes = x instanceof Float32Array ? 4 : 8;
  const yOff = w ? (w.base + n * bytes + 15) & ~15 : 0;
  if (w && n < SMALL && n < config.threadThreshold && yOff + n * bytes - w.base <= config.scratchBytes) {
    // One kernel call on the scratch buffer, copied in and out with `set` (see crossEntropyDirect).
    if (yOff + n * bytes > w.f64.byteLength) reserve(w, yOff + n * bytes - w.base);
    const heap = bytes === 4 ? w.f32 : w.f64;
    const xIdx = w.base / bytes;
    const yIdx = yOff / bytes;
    const yd = y as FloatArray;
    heap.set(x, xIdx);
    heap.set(yd, yIdx);
    sum = exactWhenSmall(
      (bytes === 4 ? w.ex.bceF32 : w.ex.bceF64)(w.base, yOff, n, grad ? 1 : 0, scale),
      x,
      yd,
    );
    if (grad) grad.set(heap.subarray(xIdx, xIdx + n));
  } else sum = bceFast({ x, y: y as FloatArray, grad, scale });
  fastStats.direct++;
  const loss = sum / divisor;
  return grad ? { loss, grad: { data: grad, shape: [...shape] } } : { loss };
}
