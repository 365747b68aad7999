import { readOptions } from '../internal/checks.js';

/** Options of the activations that work along an axis. */
export interface AxisOptions {
  /**
   * The axis the distribution lies along; negative counts from the end.
   * @defaultValue -1
   */
  readonly axis?: number;
}

/** The axis option, defaulting to -1 (checked against the shape by axisLayout). */
export function readAxis(fn: string, options: AxisOptions | undefined): number {
  return readOptions(fn, options, { axis: true }).axis ?? -1;
}
