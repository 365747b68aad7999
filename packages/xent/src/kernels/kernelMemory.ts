/**
 * The kernels' shared memory: one shared WebAssembly.Memory (4 GiB at most) that allocTensor's `shared`
 * tensors live in, and that every thread's instance of the shared-memory kernels (wasmBinary.ts's second
 * module) works on. A loss on tensors there reads the logits and writes the gradient in place: no copy
 * into a scratch buffer and back, which took about a sixth of the time of a large forward pass.
 *
 * The calling thread allocates (first fit over a free list, neighbours merged, memory grown on demand);
 * a block returns to the free list when its tensor's array and every subarray of it are garbage-collected
 * (FinalizationRegistry, ownedView.ts). Workers adopt the memory sent with their first task. Memory
 * grows but never shrinks, and a grown shared memory keeps every earlier view valid.
 */

import { ownedView } from './ownedView.js';
import {
  instantiateKernels,
  kernelBytes,
  type Wasm,
  type WasmMemory,
  type WasmModule,
  type WebAssemblyApi,
} from './wasm.js';

const host = globalThis as unknown as {
  WebAssembly?: WebAssemblyApi;
  SharedArrayBuffer?: new (n: number) => object;
  FinalizationRegistry?: new (
    cleanup: (held: number) => void,
  ) => { register(target: object, held: number): void };
};

const PAGE = 65536;
const MAX_PAGES = 65536;
/** Blocks start on 64-byte boundaries (a cache line: SIMD loads never straddle two blocks' lines). */
const ALIGN = 64;

let memory: WasmMemory | undefined;
let module: WasmModule | undefined;
let instance: Wasm | undefined;
let failed = false;
/** Every SharedArrayBuffer object the memory has handed out (a new one after each growth). */
const buffers = new WeakSet<object>();
/** Free blocks [offset, size], sorted by offset; the end of the allocated area. */
const free: [number, number][] = [];
let top = 0;
/** Memory at and above this offset was never handed out (still zero). */
let fresh = 0;
const sizes = new Map<number, number>();
let registry: { register(target: object, held: number): void } | undefined;

function buffer(): ArrayBuffer {
  const b = (memory as WasmMemory).buffer;
  buffers.add(b);
  return b;
}

/**
 * The shared-memory kernels of this thread, or undefined where shared WebAssembly memory is unavailable
 * (no SharedArrayBuffer, as on a page that is not cross-origin isolated) or no memory was adopted yet.
 * The calling thread creates the memory on first use.
 */
export function sharedKernels(): Wasm | undefined {
  if (instance || failed) return instance;
  try {
    const api = host.WebAssembly;
    if (!api || !host.SharedArrayBuffer) throw new Error('no shared memory');
    if (!memory) {
      // A Node worker waits for the calling thread's memory (adoptKernelMemory) rather than make its own.
      const threads = (
        globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
      ).process?.getBuiltinModule?.('node:worker_threads') as { isMainThread?: boolean } | undefined;
      if (threads && threads.isMainThread === false) return undefined;
      memory = new api.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    }
    module ??= new api.Module(kernelBytes(true));
    instance = instantiateKernels(module, memory);
    renew();
    top = Math.max(top, instance.base);
    fresh = Math.max(fresh, top);
  } catch {
    failed = true;
  }
  return instance;
}

/**
 * Compiles the shared-memory kernels asynchronously (for a browser's main thread, which may refuse a
 * synchronous compilation); nothing where there is no shared memory.
 */
export async function compileSharedKernels(): Promise<void> {
  const api = host.WebAssembly;
  if (module || !api || !host.SharedArrayBuffer) return;
  try {
    module = await api.compile(kernelBytes(true));
    failed = false;
  } catch {
    // No shared-memory kernels: shared tensors are plain SharedArrayBuffers, copied as before.
  }
}

/** The memory, to send to a worker (undefined until sharedKernels() created it). */
export function kernelMemory(): WasmMemory | undefined {
  return memory;
}

/** In a worker: uses the calling thread's memory (the first one sent; there is one per process). */
export function adoptKernelMemory(m: WasmMemory): Wasm | undefined {
  if (!memory) memory = m;
  return sharedKernels();
}

/** Whether the view lies in the kernels' shared memory. */
export function inKernelMemory(a: ArrayBufferView | undefined): boolean {
  return a !== undefined && buffers.has(a.buffer);
}

/**
 * Allocates `bytes` (zeroed) in the shared memory; returns the offset, or -1 where there is no shared
 * memory or it is full.
 */
export function allocate(bytes: number): number {
  if (!sharedKernels()) return -1;
  const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  let offset = -1;
  for (let i = 0; i < free.length; i++) {
    const [at, n] = free[i];
    if (n < size) continue;
    offset = at;
    if (n === size) free.splice(i, 1);
    else free[i] = [at + size, n - size];
    break;
  }
  if (offset < 0) {
    offset = (top + ALIGN - 1) & ~(ALIGN - 1);
    const need = offset + size;
    const have = buffer().byteLength;
    if (need > have) {
      const pages = Math.ceil((need - have) / PAGE);
      try {
        (memory as WasmMemory).grow(pages);
      } catch {
        return -1;
      }
      renew();
    }
    top = need;
  }
  // Zero what earlier blocks used; memory never handed out is zero already (and stays untouched).
  const dirty = Math.min(offset + size, fresh) - offset;
  if (dirty > 0) new Uint8Array(buffer(), offset, dirty).fill(0);
  fresh = Math.max(fresh, offset + size);
  sizes.set(offset, size);
  return offset;
}

/** Returns a block to the free list (merged with free neighbours). */
export function release(offset: number): void {
  const size = sizes.get(offset);
  if (size === undefined) return;
  sizes.delete(offset);
  let i = 0;
  while (i < free.length && free[i][0] < offset) i++;
  free.splice(i, 0, [offset, size]);
  if (i + 1 < free.length && free[i][0] + free[i][1] === free[i + 1][0]) {
    free[i][1] += free[i + 1][1];
    free.splice(i + 1, 1);
  }
  if (i > 0 && free[i - 1][0] + free[i - 1][1] === free[i][0]) {
    free[i - 1][1] += free[i][1];
    free.splice(i, 1);
    i--;
  }
  // A free block at the end goes back to the unallocated area.
  if (free[i][0] + free[i][1] === top) {
    top = free[i][0];
    free.splice(i, 1);
  }
}

let block = -1;
let blockBytes = 0;

/**
 * A block of at least `bytes` for the calling thread's per-call data (targets, weights, per-row
 * losses), kept from call to call and replaced by a larger one when needed; -1 when none can be had.
 * Afterwards the instance's views (sharedKernels().f64, .i32) cover it.
 */
export function callBlock(bytes: number): number {
  if (bytes <= blockBytes) return block;
  if (block >= 0) release(block);
  const size = Math.max(bytes, 2 * blockBytes, 4096);
  block = allocate(size);
  blockBytes = block >= 0 ? size : 0;
  return block;
}

/** The instance's views, renewed after the memory grew. */
function renew(): void {
  const w = instance as Wasm;
  const b = buffer();
  w.f32 = new Float32Array(b);
  w.f64 = new Float64Array(b);
  w.i32 = new Int32Array(b);
}

/**
 * A zeroed float array of `length` in the shared memory, its block freed once neither the array nor any
 * subarray of it is reachable (ownedView.ts); undefined where there is no shared memory or it is full.
 */
export function allocFloats(f32: boolean, length: number): Float32Array | Float64Array | undefined {
  const offset = allocate(length * (f32 ? 4 : 8));
  if (offset < 0) return undefined;
  const owner = {};
  registry ??= host.FinalizationRegistry ? new host.FinalizationRegistry(release) : undefined;
  registry?.register(owner, offset);
  const data = f32 ? view(Float32Array, offset, length) : view(Float64Array, offset, length);
  return ownedView(data, owner);
}

/** A typed array over `length` elements at `offset` of the shared memory. */
export function view<T extends Float32Array | Float64Array | Int32Array>(
  Type: new (b: ArrayBuffer, offset: number, length: number) => T,
  offset: number,
  length: number,
): T {
  return new Type(buffer(), offset, length);
}
