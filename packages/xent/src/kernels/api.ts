/**
 * The public controls of the fast kernels: `init`, `configureKernels`, `kernelInfo` and `allocTensor`.
 */
import { checkBoolean, readOptions } from '../internal/checks.js';
import { checkShape, describe, type Tensor } from '../tensor.js';
import { config } from './config.js';
import { allocFloats, compileSharedKernels } from './kernelMemory.js';
import { readyWorkers, startPool, stopPool, threadCount } from './threads.js';
import { compileWasm, relaxedSimd, setWasmEnabled, wasmEnabled } from './wasm.js';

/** Options of {@link configureKernels}. */
export interface KernelOptions {
  /**
   * Use the WebAssembly SIMD kernels (false: the TypeScript kernels everywhere).
   * @defaultValue true where WebAssembly is available
   */
  readonly wasm?: boolean;
  /**
   * Worker threads besides the calling thread, for inputs in shared memory (see {@link allocTensor}).
   * 0 switches threads off.
   * @defaultValue the number of cores less one (at most 7) in Node's main thread; 0 in browsers and workers
   */
  readonly threads?: number;
  /**
   * Inputs with at least this many logits are split across the threads.
   * @defaultValue 524288 (2^19)
   */
  readonly threadThreshold?: number;
}

/** What the kernels are set to: see {@link configureKernels}. */
export interface KernelInfo {
  /** Whether the WebAssembly kernels run (else the TypeScript ones). */
  readonly wasm: boolean;
  /**
   * Whether the WebAssembly kernels are the build with relaxed SIMD's fused multiply-adds (about 1.25x
   * faster exponentials), which loads where the runtime has relaxed SIMD: Node 22 and later, Chrome and
   * Edge 114 and later, Node 20 started with `--experimental-wasm-relaxed-simd`.
   */
  readonly relaxedSimd: boolean;
  /** Worker threads configured, and how many have started and are ready. */
  readonly threads: number;
  readonly readyThreads: number;
  readonly threadThreshold: number;
}

/**
 * Sets which kernels run. Returns the resulting {@link kernelInfo}.
 *
 * @throws RangeError on a negative or non-integer thread count or threshold
 * @example
 * ```ts
 * configureKernels({ threads: 0 }).threads
 * // 0
 * ```
 */
export function configureKernels(options: KernelOptions = {}): KernelInfo {
  const fn = 'configureKernels';
  const { wasm, threads, threadThreshold } = readOptions(fn, options, {
    wasm: true,
    threads: true,
    threadThreshold: true,
  });
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 0 && threads <= 64))
    throw new RangeError(`${fn}: options.threads must be an integer in [0, 64], got ${describe(threads)}`);
  if (threadThreshold !== undefined && !(Number.isInteger(threadThreshold) && threadThreshold >= 0))
    throw new RangeError(
      `${fn}: options.threadThreshold must be a non-negative integer, got ${describe(threadThreshold)}`,
    );
  if (wasm !== undefined) setWasmEnabled(checkBoolean(fn, 'options.wasm', wasm));
  if (threads !== undefined) {
    config.threads = threads;
    if (threads === 0) void stopPool();
  }
  if (threadThreshold !== undefined) config.threadThreshold = threadThreshold;
  return kernelInfo();
}

/**
 * The kernels in use: WebAssembly or TypeScript, threads configured and ready, the threshold.
 *
 * @example
 * ```ts
 * kernelInfo().threadThreshold
 * // 524288
 * ```
 */
export function kernelInfo(): KernelInfo {
  return {
    wasm: wasmEnabled(),
    relaxedSimd: wasmEnabled() && relaxedSimd(),
    threads: threadCount(),
    readyThreads: readyWorkers(),
    threadThreshold: config.threadThreshold,
  };
}

/**
 * Optional set-up: compiles the WebAssembly kernels asynchronously (needed only on a browser's main
 * thread, which may refuse to compile the 33-36 KB modules synchronously; elsewhere the first call compiles
 * them synchronously, in about a millisecond each) and starts the worker threads, resolving when they are
 * ready (otherwise they start on the first large call on shared memory, and calls run on the calling
 * thread until they are ready). Until the kernels are compiled, the TypeScript kernels run.
 *
 * @returns {@link kernelInfo} once ready
 * @example
 * ```ts
 * init() instanceof Promise
 * // true
 * ```
 */
export async function init(): Promise<KernelInfo> {
  await Promise.all([compileWasm(), compileSharedKernels()]);
  if (threadCount() > 0) await startPool();
  return kernelInfo();
}

/** Options of {@link allocTensor}. */
export interface AllocOptions {
  /**
   * Allocate in the kernels' shared memory (a shared WebAssembly memory, 4 GiB at most in all): the
   * losses then read such logits and write such a `gradOut` in place, with no copy, and split large
   * inputs across the worker threads. Where shared WebAssembly memory is unavailable, a plain
   * SharedArrayBuffer backs the tensor (the threads still use it, through copies). In browsers shared
   * memory needs a cross-origin isolated page.
   * @defaultValue false
   */
  readonly shared?: boolean;
}

/**
 * A zeroed tensor of the given shape and float type, optionally in the kernels' shared memory. Allocate
 * the logits and the `gradOut` buffer of a training loop once, this way, and reuse them: the losses then
 * work on them in place and across threads, and no step pays for fresh memory (touching a new page
 * costs about as much as the kernels' work on it). A shared tensor's memory returns to the kernels when
 * its `data` and every `subarray` of it are garbage-collected (a view made with `new Float32Array(
 * data.buffer, ...)` does not hold it: keep `data` alive while using one).
 *
 * @throws RangeError on a shape that is not a list of non-negative integers, TypeError on an unknown dtype
 *   or when shared memory is asked for where there is none
 * @example
 * ```ts
 * allocTensor([2, 3], 'float32', { shared: true }).data.buffer.constructor.name
 * // "SharedArrayBuffer"
 * ```
 */
export function allocTensor<D extends 'float32' | 'float64' = 'float32'>(
  shape: readonly number[],
  dtype?: D,
  options?: AllocOptions,
): Tensor<D extends 'float64' ? Float64Array : Float32Array> {
  const fn = 'allocTensor';
  const kind = dtype ?? 'float32';
  if (kind !== 'float32' && kind !== 'float64')
    throw new TypeError(`${fn}: dtype must be 'float32' or 'float64', got ${describe(dtype)}`);
  const size = checkShape(fn, 'shape', shape);
  const { shared } = readOptions(fn, options, { shared: true });
  const inShared = shared !== undefined && checkBoolean(fn, 'options.shared', shared);
  const f32 = kind === 'float32';
  const bytes = size * (f32 ? 4 : 8);
  // Past what a typed array holds (2^32 values, or less where the runtime says so): the runtime's own
  // RangeError would not say which call or how much.
  try {
    const data = allocData(f32, size, bytes, inShared);
    return { data, shape: [...shape] } as unknown as Tensor<
      D extends 'float64' ? Float64Array : Float32Array
    >;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new RangeError(
      `${fn}: shape [${shape.join(', ')}] holds ${size} values (${(bytes / 2 ** 30).toFixed(1)} GiB as ${kind}), more than this runtime allocates: ${e.message}`,
    );
  }
}

function allocData(f32: boolean, size: number, bytes: number, shared: boolean): Float32Array | Float64Array {
  let data: Float32Array | Float64Array;
  if (shared) {
    const Shared = (globalThis as { SharedArrayBuffer?: typeof SharedArrayBuffer }).SharedArrayBuffer;
    if (!Shared)
      throw new TypeError(
        'allocTensor: SharedArrayBuffer is unavailable here (a browser page needs cross-origin isolation)',
      );
    const inKernels = size > 0 ? allocFloats(f32, size) : undefined;
    if (inKernels) data = inKernels;
    else {
      const buffer = new Shared(bytes) as unknown as ArrayBuffer;
      data = f32 ? new Float32Array(buffer) : new Float64Array(buffer);
    }
  } else data = f32 ? new Float32Array(size) : new Float64Array(size);
  return data;
}
