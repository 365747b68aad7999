/**
 * Helpers of the direct-lane tests (kernels/crossEntropyDirect, kernels/bceDirect): typed arrays of
 * either float type, logits with NaN and ±Infinity among them, and which path a call took.
 */
import fc from 'fast-check';
import { fastStats } from '../../src/kernels/fastStats.ts';

export type Dtype = 'float32' | 'float64';

export const typed = (dtype: Dtype, values: number[]) =>
  dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);

/** `n` logits in [-range, range], about one in thirty NaN, +Infinity or -Infinity. */
export function logitsWithSpecials(n: number, range: number): fc.Arbitrary<number[]> {
  const special = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
  const value = fc.double({ min: -range, max: range, noNaN: true });
  return fc.array(fc.oneof({ weight: 30, arbitrary: value }, special), { minLength: n, maxLength: n });
}

/** Runs `call` and returns its result with how many calls took a direct lane meanwhile. */
export function counted<T>(call: () => T): { result: T; direct: number } {
  const before = fastStats.direct;
  const result = call();
  return { result, direct: fastStats.direct - before };
}
