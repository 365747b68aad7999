/**
 * The train / validation split: stratified by class (each class keeps its share in both parts), seeded;
 * every class keeps at least one training row.
 *
 * @module
 */
import type { Rng } from './rng.js';

export interface Split {
  readonly train: Int32Array;
  readonly validation: Int32Array;
}

/**
 * Puts round(fraction · count) rows of each stratum into validation, but at most count - 1, so that
 * every class (every stratum) keeps at least one training row: a class absent from training could
 * never be learnt, and the training part is never empty. The rest goes into training; both parts are
 * in ascending row order. `strata` gives each row's class (pass undefined to split without strata).
 * A small stratum may so leave nothing for validation (one row of a class, or fraction · count < 0.5).
 */
export function splitRows(rows: number, fraction: number, rng: Rng, strata?: Int32Array): Split {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < rows; i++) {
    const key = strata ? strata[i] : 0;
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  }
  const train: number[] = [];
  const validation: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const group = rng.shuffle(groups.get(key) as number[]);
    const take = Math.min(Math.round(fraction * group.length), group.length - 1);
    validation.push(...group.slice(0, take));
    train.push(...group.slice(take));
  }
  const ascending = (a: number, b: number) => a - b;
  return {
    train: Int32Array.from(train.sort(ascending)),
    validation: Int32Array.from(validation.sort(ascending)),
  };
}
