/**
 * The train / validation split: stratified, seeded, and every class keeps at least one training row.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../src/train/rng.ts';
import { splitRows } from '../../src/train/split.ts';

/** Rows per class in a part. */
function counts(rows: Int32Array, strata: Int32Array): number[] {
  const out = [0, 0, 0];
  for (const r of rows) out[strata[r]]++;
  return out;
}

test('splitRows(rows, fraction, rng, strata) holds out round(fraction · count) of each class', () => {
  const strata = Int32Array.from({ length: 150 }, (_, i) => Math.floor(i / 50));
  const split = splitRows(150, 0.2, createRng(0), strata);
  assert.deepEqual(counts(split.validation, strata), [10, 10, 10]);
  assert.deepEqual(counts(split.train, strata), [40, 40, 40]);
  assert.deepEqual(
    [...split.train, ...split.validation].sort((a, b) => a - b),
    [...Array(150).keys()],
  );
});

test('splitRows keeps at least one training row of every class, whatever the fraction', () => {
  const strata = Int32Array.from({ length: 150 }, (_, i) => Math.floor(i / 50));
  const split = splitRows(150, 0.99, createRng(0), strata);
  assert.deepEqual(counts(split.train, strata), [1, 1, 1]);
  assert.deepEqual(counts(split.validation, strata), [49, 49, 49]);
  // One row per class: it stays in training, validation is empty.
  const single = splitRows(2, 0.5, createRng(0), Int32Array.from([0, 1]));
  assert.deepEqual([...single.train], [0, 1]);
  assert.equal(single.validation.length, 0);
  // Without strata (multi-label): at least one training row in all.
  const unstratified = splitRows(4, 0.9, createRng(0));
  assert.equal(unstratified.train.length, 1);
  assert.equal(unstratified.validation.length, 3);
});
