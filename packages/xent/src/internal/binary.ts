/**
 * Options shared by the binary losses: targets smoothed towards 1/2, and the 'batchmean' reduction.
 */
import { checkNumberIn } from './checks.js';

/** The reductions of the binary losses: PyTorch's three plus 'batchmean' (sum / batch size). */
export const BINARY_REDUCTIONS = ['none', 'mean', 'sum', 'batchmean'] as const;

/** Label smoothing ε of a binary target: y becomes y · (1 - ε) + ε / 2 (Keras). Returns ε. */
export function readBinarySmoothing(fn: string, value: unknown): number {
  return checkNumberIn(fn, 'options.labelSmoothing', value ?? 0, 0, 1);
}
