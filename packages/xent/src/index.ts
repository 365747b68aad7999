/**
 * xent: cross-entropy losses and their closed-form gradients, with PyTorch's semantics.
 *
 * @packageDocumentation
 */
export type { AxisOptions } from './activations/AxisOptions.js';
export { logSigmoid } from './activations/logSigmoid.js';
export { logSoftmax } from './activations/logSoftmax.js';
export { logSumExp } from './activations/logSumExp.js';
export { sigmoid } from './activations/sigmoid.js';
export { softmax } from './activations/softmax.js';
export {
  type AllocOptions,
  allocTensor,
  configureKernels,
  init,
  type KernelInfo,
  type KernelOptions,
  kernelInfo,
} from './kernels/api.js';
export type {
  BinaryReduction,
  GradOptions,
  LossOutput,
  LossWithGrad,
  Reduction,
  ReductionOptions,
} from './loss.js';
export {
  type BinaryCrossEntropyOptions,
  binaryCrossEntropy,
  binaryCrossEntropyWithGrad,
} from './losses/binaryCrossEntropy.js';
export {
  type BinaryCrossEntropyWithLogitsOptions,
  binaryCrossEntropyWithLogits,
  binaryCrossEntropyWithLogitsWithGrad,
} from './losses/binaryCrossEntropyWithLogits.js';
export {
  type CategoricalCrossEntropyOptions,
  categoricalCrossEntropy,
  categoricalCrossEntropyWithGrad,
} from './losses/categoricalCrossEntropy.js';
export { type CrossEntropyOptions, crossEntropy, crossEntropyWithGrad } from './losses/crossEntropy.js';
export { type KlDivOptions, klDiv, klDivWithGrad } from './losses/klDiv.js';
export { type MseLossOptions, mseLoss, mseLossWithGrad } from './losses/mseLoss.js';
export {
  type MultilabelSoftMarginLossOptions,
  multilabelSoftMarginLoss,
  multilabelSoftMarginLossWithGrad,
} from './losses/multilabelSoftMarginLoss.js';
export { type NllLossOptions, nllLoss, nllLossWithGrad } from './losses/nllLoss.js';
export {
  type SigmoidFocalLossOptions,
  sigmoidFocalLoss,
  sigmoidFocalLossWithGrad,
} from './losses/sigmoidFocalLoss.js';
export {
  type FloatArray,
  type NestedNumbers,
  sizeOf,
  type TargetLike,
  type Tensor,
  type TensorLike,
  tensor,
} from './tensor.js';
