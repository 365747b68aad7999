/**
 * A small seeded pseudo-random generator, so that the split, the shuffles and the initial weights of a
 * training run depend on `--seed` alone and the same seed gives the same model, byte for byte.
 *
 * @module
 */

/** A seeded generator of uniform numbers in [0, 1). */
export interface Rng {
  /** A uniform number in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: number | T[number] }>(items: T): T;
}

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): a 32-bit state advanced by a Weyl sequence and mixed;
 * period 2^32, which is plenty for shuffles and initial weights. Not for cryptography.
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const t = items[i];
        items[i] = items[j];
        items[j] = t;
      }
      return items;
    },
  };
}
