export type { GradOptions, LossOutput, LossWithGrad, Reduction, ReductionOptions } from './loss.js';
export { type CrossEntropyOptions, crossEntropy, crossEntropyWithGrad } from './losses/crossEntropy.js';
export {
  type FloatArray,
  type NestedNumbers,
  sizeOf,
  type TargetLike,
  type Tensor,
  type TensorLike,
  tensor,
} from './tensor.js';
