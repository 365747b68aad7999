/**
 * Seeded inputs for the deterministic tests (finite-difference checks, formula comparisons): the same
 * numbers on every run, so a failure names a case that can be rerun as it is.
 */

/** A generator of uniform numbers in [0, 1) from a 32-bit seed (mulberry32). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` numbers uniform in [lo, hi). */
export function uniform(random: () => number, n: number, lo: number, hi: number): Float64Array {
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * random());
}

/** `n` class indices uniform in [0, classes). */
export function classIndices(random: () => number, n: number, classes: number): Int32Array {
  return Int32Array.from({ length: n }, () => Math.min(classes - 1, Math.floor(random() * classes)));
}

/** `n` values that are 0 or 1 with equal chance. */
export function bits(random: () => number, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => (random() < 0.5 ? 0 : 1));
}
