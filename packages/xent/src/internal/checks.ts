/**
 * Checks of options and shapes shared by the losses. Each check is written so that NaN fails it too,
 * and each message names the function, the argument, what came and what was expected.
 */
import { describe } from '../tensor.js';

/** Throws unless `value` is one of `allowed`; returns it. */
export function checkReduction<R extends string>(fn: string, value: unknown, allowed: readonly R[]): R {
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw new TypeError(
      `${fn}: reduction must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`,
    );
  }
  return value as R;
}

/** Throws unless `value` is a number in [min, max]; returns it. */
export function checkNumberIn(fn: string, arg: string, value: unknown, min: number, max: number): number {
  if (!(typeof value === 'number' && value >= min && value <= max)) {
    const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `between ${min} and ${max}`;
    throw new RangeError(`${fn}: ${arg} must be a number ${range}, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless `value` is an integer (the ignoreIndex option); returns it. */
export function checkInteger(fn: string, arg: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isInteger(value))) {
    throw new TypeError(`${fn}: ${arg} must be an integer, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless `value` is a boolean; returns it. */
export function checkBoolean(fn: string, arg: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new TypeError(`${fn}: ${arg} must be true or false, got ${describe(value)}`);
  return value;
}

/**
 * Whether the options set nothing but `reduction` and `gradOut` (the direct lanes' calls); any other
 * key, known or not, sends a call to the general path, which applies it or throws on it.
 */
export function onlyReductionAndGradOut(options: Record<string, unknown>): boolean {
  for (const key in options) {
    if (key !== 'reduction' && key !== 'gradOut' && options[key] !== undefined) return false;
  }
  return true;
}

/** Whether two float arrays have the same float type, whatever their constructors (a subclass included). */
export function sameFloatType(a: unknown, b: unknown): boolean {
  return (
    (a instanceof Float32Array && b instanceof Float32Array) ||
    (a instanceof Float64Array && b instanceof Float64Array)
  );
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `[2, 3]` as written in messages. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws unless target and input have the same shape. */
export function checkSameShape(fn: string, input: readonly number[], target: readonly number[]): void {
  if (!sameShape(input, target)) {
    throw new RangeError(
      `${fn}: target has shape ${shapeText(target)}, expected the input's shape ${shapeText(input)}`,
    );
  }
}

/** PyTorch's and Keras's names of options that xent spells otherwise (beyond snake_case to camelCase). */
const PYTORCH_NAMES: Record<string, string> = { dim: 'axis', eps: 'epsilon', weights: 'weight' };

/**
 * Throws unless the options argument is an object (or undefined) whose every key is one of `known` (every
 * option of T, listed: the compiler checks the list is complete); returns it as an object. An unknown
 * key is an error, not ignored: PyTorch's spelling (`pos_weight`) would otherwise change nothing.
 */
export function readOptions<T extends object>(
  fn: string,
  options: T | undefined,
  known: { readonly [K in keyof Required<T>]: true },
): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(known, key)) continue;
    const camel = Object.hasOwn(PYTORCH_NAMES, key)
      ? PYTORCH_NAMES[key]
      : key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const hint =
      camel !== key && Object.hasOwn(known, camel) ? ` (did you mean ${JSON.stringify(camel)}?)` : '';
    throw new TypeError(
      `${fn}: unknown option ${JSON.stringify(key)}${hint}; the options are ${Object.keys(known).join(', ')}`,
    );
  }
  return options;
}

/**
 * Checks class indices: each an integer in [0, classes) or equal to `ignoreIndex` (pass NaN when
 * nothing is ignored). Returns how many are not ignored.
 */
export function checkIndices(
  fn: string,
  target: ArrayLike<number>,
  classes: number,
  ignoreIndex: number,
): number {
  let counted = 0;
  for (let i = 0; i < target.length; i++) {
    const t = target[i];
    if (t === ignoreIndex) continue;
    if (!(Number.isInteger(t) && t >= 0 && t < classes)) {
      const ignored = Number.isNaN(ignoreIndex) ? '' : ` or ignoreIndex (${ignoreIndex})`;
      const what = Number.isInteger(t) ? 'is out of range' : 'is not an integer class index';
      throw new RangeError(
        `${fn}: target value ${describe(t)} at flat position ${i} ${what}: expected an integer in [0, ${classes - 1}]${ignored} (input has ${classes} classes)`,
      );
    }
    counted++;
  }
  return counted;
}
