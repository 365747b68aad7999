/**
 * Owned views: the float arrays of allocTensor's shared tensors hold their block's owner, a token that
 * kernelMemory.ts frees the block with once it is garbage-collected, and so does every view taken from
 * them with subarray, so that the block stays allocated while any such view is reachable (a view kept
 * after its tensor was dropped once saw its memory zeroed and handed to the next allocTensor). A view
 * built by hand on the memory's buffer, `new Float32Array(data.buffer, ...)`, holds no owner: such a view
 * is the caller's to keep in step with its tensor.
 *
 * The arrays stay plain Float32Array / Float64Array (their prototype, constructor and equality under
 * deepStrictEqual unchanged): each carries its own subarray, a non-enumerable property.
 */
import type { FloatArray } from '../tensor.js';

/** Each owned view's owner (held as long as the view is reachable). */
const owners = new WeakMap<FloatArray, object>();

/** Makes `view` hold `owner`, and the views its subarray gives too; returns the view. */
export function ownedView<T extends FloatArray>(view: T, owner: object): T {
  owners.set(view, owner);
  Object.defineProperty(view, 'subarray', { value: ownedSubarray, configurable: true, writable: true });
  return view;
}

function ownedSubarray(this: FloatArray, begin?: number, end?: number): FloatArray {
  const base = Object.getPrototypeOf(this) as { subarray(begin?: number, end?: number): FloatArray };
  return ownedView(base.subarray.call(this, begin, end), owners.get(this) as object);
}
