/**
 * The float arrays of allocTensor's shared tensors: Float32Array and Float64Array, each holding its
 * block's owner, a token that kernelMemory.ts frees the block with once it is garbage-collected. Every
 * view taken with subarray carries the same owner, so the block stays allocated while any such view is
 * reachable: a view kept after its tensor was dropped once saw its memory zeroed and handed to the next
 * allocTensor. (A view built by hand on the memory's buffer, `new Float32Array(data.buffer, ...)`, holds
 * no owner: such a view is the caller's to keep in step with its tensor.)
 */

/** The block's owner; undefined on arrays that are not views of a block (slice and map make copies). */
const owners = new WeakMap<ArrayBufferView, object>();

export class KernelFloat32Array extends Float32Array<ArrayBufferLike> {
  override subarray(begin?: number, end?: number): Float32Array {
    return owned(super.subarray(begin, end), owners.get(this));
  }
}

export class KernelFloat64Array extends Float64Array<ArrayBufferLike> {
  override subarray(begin?: number, end?: number): Float64Array {
    return owned(super.subarray(begin, end), owners.get(this));
  }
}

/** Marks `view` as holding `owner` (no-op without one); returns the view. */
export function owned<T extends ArrayBufferView>(view: T, owner: object | undefined): T {
  if (owner) owners.set(view, owner);
  return view;
}
