/** Error assertions: the error's class AND a message naming the function and the argument. */
import assert from 'node:assert/strict';

type ErrorClass = typeof TypeError | typeof RangeError;

/** Asserts that `fn` throws an instance of `type` whose message matches `message`. */
export function throwsWith(fn: () => unknown, type: ErrorClass, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(
      error instanceof type,
      `expected a ${type.name}, got ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`,
    );
    assert.match(error.message, message);
    return true;
  });
}
