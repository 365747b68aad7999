export { crossEntropy, crossEntropyWithGrad, type CrossEntropyOptions } from './losses/crossEntropy.js';
export type { GradOptions, LossOutput, LossWithGrad, Reduction, ReductionOptions } from './loss.js';
export { type FloatArray, type NestedNumbers, type TargetLike, type Tensor, type TensorLike, sizeOf, tensor } from './tensor.js';
