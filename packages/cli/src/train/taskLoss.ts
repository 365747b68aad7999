/**
 * The loss of each task and its gradient with respect to the logits, from the library's fused
 * `...WithGrad` functions (the command holds no second implementation of the math):
 * multiclass: softmax + `crossEntropy`; binary: one logit, `binaryCrossEntropyWithLogits`;
 * multi-label: a logit per label, `binaryCrossEntropyWithLogits` summed over labels and averaged over
 * samples (`'batchmean'`).
 *
 * @module
 */
import {
  binaryCrossEntropyWithLogits,
  binaryCrossEntropyWithLogitsWithGrad,
  crossEntropy,
  crossEntropyWithGrad,
} from 'xent';
import type { Task } from './dataset.js';

/** How the training loss differs from the plain mean loss. */
export interface LossSettings {
  /** Label smoothing ε (multiclass: towards 1/C; binary and multi-label: towards 1/2). */
  readonly labelSmoothing: number;
  /** Balanced class weights: one per class (multiclass, binary); undefined for none. */
  readonly classWeight?: Float64Array;
  /** Balanced multi-label weights of the positive term, one per label; undefined for none. */
  readonly posWeight?: Float64Array;
}

/** The plain mean loss: no smoothing, no weights (what `trainLoss` and `valLoss` report). */
export const PLAIN: LossSettings = { labelSmoothing: 0 };

/**
 * The mean loss of rows × outputs logits against their targets (class indices, or rows × labels of 0/1
 * for multi-label); with `gradOut`, also writes d(loss)/d(logits) there.
 */
export function taskLoss(
  task: Task,
  logits: Float64Array,
  rows: number,
  targets: Int32Array | Float64Array,
  settings: LossSettings,
  gradOut?: Float64Array,
): number {
  if (task === 'multiclass') {
    const input = { data: logits, shape: [rows, logits.length / rows] };
    const options = { labelSmoothing: settings.labelSmoothing, weight: settings.classWeight };
    return gradOut
      ? crossEntropyWithGrad(input, targets, { ...options, gradOut }).loss
      : crossEntropy(input, targets, options);
  }
  // Binary: one logit per row, shape (rows); multi-label: rows × labels.
  const shape = task === 'binary' ? [rows] : [rows, logits.length / rows];
  let y = targets as Float64Array;
  let weight: Float64Array | undefined;
  if (task === 'binary') {
    y = Float64Array.from(targets);
    const classWeight = settings.classWeight;
    if (classWeight) weight = Float64Array.from(targets, (t) => classWeight[t]);
  }
  const input = { data: logits, shape };
  const target = { data: y, shape };
  const options = {
    labelSmoothing: settings.labelSmoothing,
    weight,
    posWeight: settings.posWeight,
    reduction: 'batchmean' as const,
  };
  return gradOut
    ? binaryCrossEntropyWithLogitsWithGrad(input, target, { ...options, gradOut }).loss
    : binaryCrossEntropyWithLogits(input, target, options);
}
