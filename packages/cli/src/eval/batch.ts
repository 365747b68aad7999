/**
 * A batch of rows read from one file, in flat typed arrays: the unit the readers fill and the
 * accumulator scores, so that reading allocates nothing per row and the library is called once per batch.
 *
 * @module
 */
import type { DataError } from '../errors.js';

/** How many rows a batch holds: large enough that per-batch costs (library calls) vanish, small enough to stay in cache. */
export const BATCH_ROWS = 4096;

/**
 * The rows per batch for rows of `width` values: {@link BATCH_ROWS}, fewer for very wide rows so that a
 * batch holds at most 2^20 values (8 MB), whatever the number of classes. Both files of a run use the
 * same capacity: their batches pair up slot by slot.
 */
export function batchRows(width: number): number {
  return Math.max(16, Math.min(BATCH_ROWS, Math.floor(2 ** 20 / Math.max(1, width))));
}

/** Rows from one file. Slot i holds the i-th row of the batch, valid or not, so that two files pair up by slot. */
export class Batch {
  /** Rows in the batch (valid and invalid). */
  size = 0;
  /** The 1-based line number each row starts on. */
  readonly lines: Float64Array;
  /** 1 where the row is valid, 0 where it was rejected (its reason is in `errors`). */
  readonly valid: Uint8Array;
  /** Why rows were rejected, by slot. */
  readonly errors = new Map<number, DataError>();
  /** `predictions` values per row: probabilities or logits, in class order. */
  readonly values: Float64Array;
  /** `targets` values per row: a class index (multiclass, binary) or 0/1 per label (multi-label). */
  readonly targets: Float64Array;
  /** One weight per row, when this file holds the weight column. */
  readonly weights: Float64Array;

  constructor(
    readonly predictions: number,
    readonly targetCount: number,
    weighted: boolean,
    readonly capacity = BATCH_ROWS,
  ) {
    this.lines = new Float64Array(capacity);
    this.valid = new Uint8Array(capacity);
    this.values = new Float64Array(capacity * predictions);
    this.targets = new Float64Array(capacity * targetCount);
    this.weights = new Float64Array(weighted ? capacity : 0);
  }

  get full(): boolean {
    return this.size === this.capacity;
  }

  /** Empties the batch for reuse. */
  reset(): void {
    this.size = 0;
    this.errors.clear();
  }
}
