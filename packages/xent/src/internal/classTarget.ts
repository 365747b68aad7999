/**
 * Which kind a target of a class-axis loss is, following PyTorch: the input's shape means class
 * probabilities; the input's shape without the class axis means class indices.
 */
import { sameShape, shapeText } from './checks.js';
import { type AxisLayout, classLayout, withoutAxis } from './layout.js';

export interface ClassTarget {
  readonly layout: AxisLayout;
  /** The input's shape without the class axis: the shape of index targets and of 'none' results. */
  readonly indexShape: number[];
  /** True when the target holds class probabilities. */
  readonly probabilities: boolean;
}

/** Decides the target kind, or throws naming both accepted shapes. */
export function classTarget(
  fn: string,
  inputShape: readonly number[],
  targetShape: readonly number[],
  acceptProbabilities: boolean,
): ClassTarget {
  const layout = classLayout(fn, inputShape);
  const indexShape = withoutAxis(inputShape, layout.axis);
  const probabilities = acceptProbabilities && sameShape(targetShape, inputShape);
  if (probabilities || sameShape(targetShape, indexShape)) return { layout, indexShape, probabilities };
  if (
    inputShape.length >= 2 &&
    targetShape.length === indexShape.length &&
    targetShape[0] !== inputShape[0]
  ) {
    throw new RangeError(
      `${fn}: target has ${targetShape[0]} rows, expected ${inputShape[0]} (one per row of input)`,
    );
  }
  const kinds = acceptProbabilities
    ? `${shapeText(indexShape)} (class indices) or ${shapeText(inputShape)} (class probabilities)`
    : `${shapeText(indexShape)} (class indices: the input's shape without the class axis)`;
  throw new RangeError(
    `${fn}: target has shape ${shapeText(targetShape)}, expected ${kinds} for an input of shape ${shapeText(inputShape)}`,
  );
}
