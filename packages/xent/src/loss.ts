/**
 * The types shared by every loss: the reduction, what a loss returns, and what its `...WithGrad`
 * twin returns.
 *
 * @module
 */
import type { FloatArray, Tensor } from './tensor.js';

/**
 * How per-element losses are combined: `'none'` keeps them (a tensor), `'sum'` adds them, `'mean'`
 * divides the sum by the number of elements (by the summed class weights for class-index targets
 * with `weight`, as PyTorch does).
 */
export type Reduction = 'none' | 'mean' | 'sum';

/**
 * The reductions of the binary losses: {@link Reduction}'s three plus `'batchmean'`, the sum divided by
 * the batch size N = input.shape[0]: "BCE summed over classes, averaged over samples", the usual
 * multi-label objective (and {@link klDiv}'s mathematically correct mean).
 */
export type BinaryReduction = Reduction | 'batchmean';

/** A loss's result: a tensor of per-element losses for `'none'`, a number otherwise. */
export type LossOutput<R extends string> = R extends 'none' ? Tensor : number;

/** The options every loss takes. */
export interface ReductionOptions<R extends string = Reduction> {
  /**
   * How the per-element losses are combined.
   * @defaultValue 'mean' (`'none'` for sigmoidFocalLoss, as in torchvision)
   */
  readonly reduction?: R;
}

/** The options every `...WithGrad` function takes on top of its loss's options. */
export interface GradOptions {
  /**
   * A buffer of the input's float type and size to write the gradient into, so that a training loop
   * reuses memory instead of allocating a new gradient each step. Every element is overwritten.
   * @defaultValue a new array
   */
  readonly gradOut?: FloatArray;
}

/** What a `...WithGrad` function returns: the loss, exactly as the plain function returns it, and d(loss)/d(input). */
export interface LossWithGrad<R extends string = Reduction> {
  /** The loss: a number, or per-element losses for `'none'`. */
  readonly loss: LossOutput<R>;
  /**
   * d(loss)/d(input), of the input's shape and float type; for `'none'`, the gradient of the sum of the
   * per-element losses.
   */
  readonly grad: Tensor;
}
