/**
 * Worker threads for large inputs in shared memory (Node only: worker_threads, reached through
 * process.getBuiltinModule so that browsers and bundlers never see it). The calling thread and the
 * workers take chunks of rows from a shared counter, whoever is free taking the next, so a worker that is
 * slow to start (or busy core) costs nothing but its share; each chunk's sums are stored apart and added
 * in chunk order, so results do not depend on which thread did what. The caller blocks on Atomics.wait
 * until every chunk is done (allowed in Node's main thread and in workers; browsers get no threads).
 *
 * Workers can only read memory they share: threads are used when the logits (and the gradient buffer,
 * and for the binary loss the targets) are backed by a SharedArrayBuffer, e.g. from allocTensor(...,
 * { shared: true }); otherwise the calling thread streams the rows itself. A job on tensors in the
 * kernels' shared memory reaches the workers through the doorbell (doorbell.ts); the others are posted.
 */
import type { FloatArray } from '../tensor.js';
import { type BceJob, bceWasm } from './bceRows.js';
import { awaitChunks, type ChunkWords, claimChunks } from './chunks.js';
import { config } from './config.js';
import { type CeJob, ceRowsWasm, type SharedCeJob } from './crossEntropyRows.js';
import {
  type Doorbell,
  finishJob,
  MAX_CHUNKS,
  MAX_WORKERS,
  newDoorbell,
  posted,
  resetWorker,
  ringJob,
  takeChunks,
} from './doorbell.js';
import { kernelMemory, sharedKernels } from './kernelMemory.js';
import { type Wasm, wasm } from './wasm.js';

/** What a worker is posted: the job, with every array in shared memory, and the chunking. */
export interface ThreadTask {
  readonly kind: 'ce' | 'bce';
  readonly ce?: CeJob;
  readonly bce?: BceJob;
  /** Rows (ce) or values (bce) in all, and per chunk. */
  readonly count: number;
  readonly perChunk: number;
  readonly chunks: number;
  /** [next chunk to take, chunks done, then one done flag per chunk]. */
  readonly control: Int32Array;
  /** Two sums per chunk. */
  readonly results: Float64Array;
}

interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: string, listener: (value: unknown) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}
interface WorkerThreads {
  Worker: new (url: object | string, options?: object) => NodeWorker;
  isMainThread: boolean;
}

const builtin = (name: string): unknown => {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return p?.getBuiltinModule?.(name);
};

interface PoolWorker {
  readonly worker: NodeWorker;
  /** Its words in the doorbell. */
  readonly index: number;
  ready: boolean;
  dead: boolean;
  /** Whether the kernels' shared memory was posted to it. */
  hasMemory: boolean;
}
let pool: PoolWorker[] = [];
let readyWaiters: (() => void)[] = [];
let bell: Doorbell | undefined;

/** What a worker receives at its start (workerData). */
export interface WorkerData {
  readonly bell: SharedArrayBuffer;
  readonly index: number;
}

/** config.threads, set to its default (defaultThreads) on first use. */
export function threadCount(): number {
  if (config.threads < 0) config.threads = defaultThreads();
  return config.threads;
}

/** Worker threads available here: the cores less one (at most 7) in Node's main thread, 0 elsewhere. */
export function defaultThreads(): number {
  const wt = builtin('node:worker_threads') as WorkerThreads | undefined;
  const os = builtin('node:os') as { availableParallelism?: () => number; cpus: () => unknown[] } | undefined;
  if (!wt?.isMainThread || !os) return 0;
  const cores = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  return Math.max(0, Math.min(cores, 8) - 1);
}

function isShared(a: ArrayBufferView | undefined): boolean {
  return a === undefined || a.buffer instanceof (globalThis.SharedArrayBuffer ?? class {});
}

/** Starts (or shrinks) the pool to config.threads workers; resolves when all are ready. */
export function startPool(): Promise<void> {
  const wt = builtin('node:worker_threads') as WorkerThreads | undefined;
  pool = pool.filter((p) => !p.dead);
  if (!wt?.isMainThread || threadCount() <= 0) return Promise.resolve();
  const size = Math.min(config.threads, MAX_WORKERS);
  while (pool.length > size) void (pool.pop() as PoolWorker).worker.terminate();
  let spawn: (data: WorkerData) => NodeWorker;
  try {
    spawn = workerSpawner(wt);
  } catch {
    return Promise.resolve();
  }
  bell ??= newDoorbell();
  while (pool.length < size) {
    let index = 0;
    while (pool.some((p) => p.index === index)) index++;
    resetWorker(bell, index);
    const worker = spawn({ bell: bell.i32.buffer as SharedArrayBuffer, index });
    const entry: PoolWorker = { worker, index, ready: false, dead: false, hasMemory: false };
    entry.worker.on('message', (m) => {
      if (m === 'ready') {
        entry.ready = true;
        entry.worker.unref();
        if (pool.every((p) => p.ready || p.dead)) for (const f of readyWaiters.splice(0)) f();
      }
    });
    const die = () => {
      entry.dead = true;
      // A worker that dies reading a job leaves the doorbell locked: the whole pool goes, and the next
      // call that wants threads starts a new one on a new doorbell.
      if (pool.includes(entry)) retire();
      if (pool.every((p) => p.ready || p.dead)) for (const f of readyWaiters.splice(0)) f();
    };
    entry.worker.on('error', die);
    entry.worker.on('exit', die);
    // Held (ref'ed) until ready, so that awaiting init() keeps the process alive; unref'ed after, so that
    // an idle pool never keeps a process from exiting.
    pool.push(entry);
  }
  if (pool.every((p) => p.ready || p.dead)) return Promise.resolve();
  return new Promise((resolve) => readyWaiters.push(resolve));
}

/**
 * How to start a worker: worker.js next to this module (dist). From TypeScript source (tests, tsx), Node
 * 20 does not carry tsx's loader into workers, so a one-line bootstrap registers it there first; throws
 * where tsx cannot be found.
 */
function workerSpawner(wt: WorkerThreads): (data: WorkerData) => NodeWorker {
  const meta = import.meta as { url?: string; resolve?: (specifier: string) => string };
  const here = meta.url as string;
  const Url = (globalThis as unknown as { URL: new (path: string, base: string) => { href: string } }).URL;
  if (!here.endsWith('.ts')) {
    const url = new Url('./worker.js', here);
    return (workerData) => new wt.Worker(url, { workerData });
  }
  const tsx = (meta.resolve as (specifier: string) => string)('tsx/esm/api');
  const target = new Url('./worker.ts', here).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); })`;
  return (workerData) => new wt.Worker(code, { eval: true, workerData });
}

/** Terminates the workers (they are unref'ed, so a process exits without this). */
export async function stopPool(): Promise<void> {
  readyWaiters = [];
  await retire();
}

/** Terminates the workers and drops the doorbell. */
function retire(): Promise<unknown> {
  const old = pool;
  pool = [];
  bell = undefined;
  return Promise.all(old.map((p) => p.worker.terminate()));
}

/** How many workers are running and ready. */
export function readyWorkers(): number {
  return pool.filter((p) => p.ready && !p.dead).length;
}

function sharedCopy<T extends FloatArray | Int32Array>(a: T, Type: new (b: SharedArrayBuffer) => T): T {
  if (isShared(a)) return a;
  const out = new Type(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/** The ready workers when a job of `elements` values may use them (starting the pool if needed). */
function helpersFor(elements: number): PoolWorker[] {
  if (threadCount() <= 0 || elements < config.threadThreshold) return [];
  if (pool.length < config.threads || pool.some((p) => p.dead)) void startPool();
  return pool.filter((p) => p.ready && !p.dead);
}

/**
 * Runs the job on the threads when it is large enough, its arrays are shared and the pool exists;
 * returns false (having done nothing) otherwise. Adds the job's sums to sums[0], sums[1].
 */
export function runThreaded(
  kind: 'ce' | 'bce',
  job: CeJob | BceJob,
  count: number,
  sums: Float64Array,
): boolean {
  if (count === 0) return false;
  if (!isShared(job.x) || !isShared(job.grad)) return false;
  if (kind === 'bce' && !isShared((job as BceJob).y)) return false;
  const helpers = helpersFor(kind === 'ce' ? count * (job as CeJob).C : count);
  const w = wasm();
  if (helpers.length === 0 || !w) return false;
  let ce = job as CeJob;
  let lossOut: FloatArray | undefined;
  if (kind === 'ce') {
    const t = ce.target;
    let target: Int32Array;
    if (t instanceof Int32Array && isShared(t)) target = t;
    else {
      target = new Int32Array(new SharedArrayBuffer(4 * count));
      if (t instanceof Int32Array) target.set(t);
      else for (let i = 0; i < count; i++) target[i] = t[i];
    }
    lossOut = ce.lossOut;
    ce = {
      ...ce,
      target,
      weight: ce.weight && sharedCopy(ce.weight, Float64Array),
      lossOut: lossOut && sharedCopy(lossOut, lossOut instanceof Float32Array ? Float32Array : Float64Array),
    };
  }
  const part = kind === 'ce' ? { ce } : { bce: job as BceJob };
  dispatch(w, helpers, { kind, ...part }, count, sums);
  if (lossOut && ce.lossOut !== lossOut) lossOut.set(ce.lossOut as FloatArray);
  return true;
}

/** As runThreaded, for a job on tensors in the kernels' shared memory (nothing to copy): by the doorbell. */
export function runThreadedShared(job: SharedCeJob, count: number, sums: Float64Array): boolean {
  const helpers = helpersFor(count * job.C);
  const w = sharedKernels();
  if (count === 0 || helpers.length === 0 || !w || !bell) return false;
  for (const p of helpers) {
    if (p.hasMemory) continue;
    post(p, { memory: kernelMemory() });
    p.hasMemory = true;
  }
  const chunks = Math.min(count, (helpers.length + 1) * config.chunksPerThread, MAX_CHUNKS);
  const perChunk = Math.ceil(count / chunks);
  if (!ringJob(bell, job, count, Math.ceil(count / perChunk), perChunk)) return false;
  const spinMs = config.callerWorks ? takeChunks(w, bell) : 0;
  finishJob(w, bell, sums, spinMs);
  threadStats.jobs++;
  return true;
}

/** Posts a message to a worker, and counts it on the doorbell so that a listening worker reads it. */
function post(p: PoolWorker, message: unknown): void {
  p.worker.postMessage(message);
  posted(bell as Doorbell, p.index);
}

/** Splits `count` rows (or values) into chunks, hands the task to the helpers, works, waits, adds the sums. */
function dispatch(
  w: Wasm,
  helpers: PoolWorker[],
  job: Pick<ThreadTask, 'kind' | 'ce' | 'bce'>,
  count: number,
  sums: Float64Array,
): void {
  const chunks = Math.min(count, (helpers.length + 1) * config.chunksPerThread);
  const perChunk = Math.ceil(count / chunks);
  const n = Math.ceil(count / perChunk);
  const task: ThreadTask = {
    ...job,
    count,
    perChunk,
    chunks: n,
    control: new Int32Array(new SharedArrayBuffer(4 * (2 + n))),
    results: new Float64Array(new SharedArrayBuffer(16 * n)),
  };
  for (const p of helpers) post(p, task);
  const spinMs = config.callerWorks ? work(w, task) : 0;
  awaitChunks(words(task), (c) => runChunk(w, task, c), spinMs);
  threadStats.jobs++;
  for (let c = 0; c < n; c++) {
    sums[0] += task.results[2 * c];
    sums[1] += task.results[2 * c + 1];
  }
}

/** Counters for tests: jobs run on the threads, and chunks done by workers (counted by the caller). */
export const threadStats = { jobs: 0 };

/** Computes chunk c of the task into its results (on this thread's kernels). */
function runChunk(w: Wasm, task: ThreadTask, c: number): void {
  const sums = new Float64Array(2);
  const a = c * task.perChunk;
  const b = Math.min(task.count, a + task.perChunk);
  if (task.kind === 'ce') ceRowsWasm(w, task.ce as CeJob, a, b, sums);
  else bceWasm(w, task.bce as BceJob, a, b, sums);
  task.results[2 * c] = sums[0];
  task.results[2 * c + 1] = sums[1];
}

/** The task's chunk words (chunks.ts): control holds [next chunk, chunks done, a flag per chunk]. */
function words(task: ThreadTask): ChunkWords {
  return { i32: task.control, next: 0, done: 1, flags: 2, chunks: task.chunks };
}

/** Takes chunks until none is left (the loop of the caller and of every worker); see claimChunks. */
export function work(w: Wasm, task: ThreadTask): number {
  return claimChunks(words(task), (c) => runChunk(w, task, c));
}
