/**
 * Which kernels run: WebAssembly or TypeScript, how many threads, and above which size. Internal state
 * behind the public `configureKernels` (kernels/api.ts); tests set it directly.
 */

export interface KernelConfig {
  /** Rows stream through a WebAssembly scratch buffer of this many bytes (a row longer than it goes in pieces). */
  scratchBytes: number;
  /** Worker threads besides the calling thread (0: none; -1: not yet set, the default applies). */
  threads: number;
  /** Inputs of at least this many logits use the threads (when their memory is shared). */
  threadThreshold: number;
  /**
   * Rows are handed to threads in this many chunks per thread (dynamic: whoever is free takes the next).
   * 8: a worker starts 0.04-0.1 ms after the call, and the thread that finishes first then waits for
   * at most one chunk of the other (with 4, the calls of (4096, 1000) took 0.1 ms longer).
   */
  chunksPerThread: number;
  /** Whether the calling thread takes chunks too (tests switch it off to make the workers do all). */
  callerWorks: boolean;
  /**
   * crossEntropy works in place on tensors in the kernels' shared memory from this many logits; smaller
   * inputs go through the scratch buffer like plain arrays (their copy costs nothing, and the call stays
   * on the one module that plain arrays use: fewer cold caches when other work runs between calls).
   */
  inPlaceMin: number;
}

/**
 * 512 KiB: a block of rows and its gradient (written in place) stay in a core's L2 cache between the
 * copy in, the three sweeps and the copy out; (256, 128256) float32 rows (501 KiB) still fit whole.
 */
export const DEFAULT_SCRATCH_BYTES = 1 << 19;

/**
 * 2^19 logits (2 MiB of float32): below it, handing rows to a worker (a message and a wake-up, about
 * 0.1 ms here) costs more than it saves; above it the kernel takes 0.3 ms or more per thread.
 */
export const DEFAULT_THREAD_THRESHOLD = 1 << 19;

/** 2^14 logits (64 KiB of float32): see KernelConfig.inPlaceMin. */
export const DEFAULT_IN_PLACE_MIN = 1 << 14;

export const config: KernelConfig = {
  scratchBytes: DEFAULT_SCRATCH_BYTES,
  threads: -1,
  threadThreshold: DEFAULT_THREAD_THRESHOLD,
  chunksPerThread: 8,
  callerWorks: true,
  inPlaceMin: DEFAULT_IN_PLACE_MIN,
};
