/**
 * Tolerance checks tied to machine epsilon. A value passes when
 *   |actual - expected| <= rel * (|expected| + scale)
 * where `scale` carries the magnitude of the terms a result is a difference of (the largest input or
 * expected value), so that a result that cancels large numbers is held to the rounding of those numbers.
 * Failures print the position, actual, expected, difference and tolerance.
 */
import assert from 'node:assert/strict';

/** float64 results: about 450 000 ulps of float64; the reference cases pass with far less. */
export const REL64 = 1e-10;
/** float32 results: two float32 ulps (2 · 2^-24) of the result and of the scale. */
export const REL32 = 2 ** -23;

export function closeTo(actual: number, expected: number, rel: number, scale: number, where: string): void {
  if (Number.isNaN(expected)) {
    assert.ok(Number.isNaN(actual), `${where}: expected NaN, got ${actual}`);
    return;
  }
  if (!Number.isFinite(expected)) {
    assert.equal(actual, expected, `${where}: expected ${expected}, got ${actual}`);
    return;
  }
  const diff = Math.abs(actual - expected);
  const tol = rel * (Math.abs(expected) + scale);
  assert.ok(
    diff <= tol,
    `${where}: actual ${actual}, expected ${expected}, difference ${diff.toExponential(3)} > tolerance ${tol.toExponential(3)}`,
  );
}

/** The largest finite |value| of the arrays (0 when none). */
export function maxAbs(...arrays: ArrayLike<number>[]): number {
  let m = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]);
      if (v > m && v !== Number.POSITIVE_INFINITY) m = v;
    }
  }
  return m;
}

export function allClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rel: number,
  scale: number,
  where: string,
): void {
  assert.equal(
    actual.length,
    expected.length,
    `${where}: length ${actual.length}, expected ${expected.length}`,
  );
  for (let i = 0; i < expected.length; i++) closeTo(actual[i], expected[i], rel, scale, `${where}[${i}]`);
}
