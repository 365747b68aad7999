/**
 * Central finite differences (optax `check_grads`): each gradient value is compared with
 *   (f(x + h·e_i) - f(x - h·e_i)) / (2h),
 * whose truncation error is O(h²·f''') and rounding error O(ε·|f| / h). With h = 1e-6 in float64 both
 * stay near 1e-10 relative for moderate inputs, so a tolerance of 1e-6 relative plus an absolute term
 * of 1e-8 · (1 + |f|) passes every correct gradient and catches a wrong one (a sign, a missing factor).
 */
import assert from 'node:assert/strict';

export interface GradCheckOptions {
  /** The step h. @defaultValue 1e-6 */
  readonly step?: number;
  /** Relative tolerance on each gradient value. @defaultValue 1e-6 */
  readonly rel?: number;
  /** Absolute tolerance. @defaultValue 1e-8 · (1 + |f(x)|) */
  readonly abs?: number;
}

/** Asserts that `grad` is the gradient of the scalar function `f` at `x` (float64). */
export function checkGradient(
  where: string,
  f: (x: Float64Array) => number,
  x: Float64Array,
  grad: ArrayLike<number>,
  options: GradCheckOptions = {},
): void {
  const step = options.step ?? 1e-6;
  const rel = options.rel ?? 1e-6;
  const f0 = f(Float64Array.from(x));
  assert.ok(Number.isFinite(f0), `${where}: f(x) = ${f0} must be finite for a finite-difference check`);
  const abs = options.abs ?? 1e-8 * (1 + Math.abs(f0));
  assert.equal(grad.length, x.length, `${where}: gradient has ${grad.length} values, expected ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    const up = Float64Array.from(x);
    const down = Float64Array.from(x);
    up[i] += step;
    down[i] -= step;
    const fd = (f(up) - f(down)) / (up[i] - down[i]);
    const diff = Math.abs(fd - grad[i]);
    const tol = rel * Math.abs(grad[i]) + abs;
    assert.ok(
      diff <= tol,
      `${where}: d/dx[${i}] is ${grad[i]}, finite differences give ${fd} (difference ${diff.toExponential(3)} > tolerance ${tol.toExponential(3)}) at x = [${Array.from(x, (v) => v.toFixed(4)).join(', ')}]`,
    );
  }
}
