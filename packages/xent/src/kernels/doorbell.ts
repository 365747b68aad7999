/**
 * The doorbell: how a crossEntropy job on tensors in the kernels' shared memory (SharedCeJob: numbers
 * only) reaches the worker threads without a message. The calling thread writes the job into one shared
 * block and rings; the workers, blocked on the ring word (Atomics.wait) between jobs, start within
 * microseconds, where a posted task took 10-30 µs to send and 40-100 µs to arrive (5% of a 2 ms call).
 *
 * Messages (the other tasks, the kernels' memory) still reach a worker: the caller counts each message
 * it posts in that worker's word and rings, and a worker with messages to read goes back to its event
 * loop; its message handler calls listen() again.
 *
 * A worker reads a job only between enter() and leave() (a count in ACTIVE), and the caller writes one
 * only while ACTIVE is locked at -1, after every worker has left the previous job: a worker that wakes
 * late never mixes two jobs' fields.
 */
import { awaitChunks, type ChunkWords, claimChunks } from './chunks.js';
import { ceRowsShared, type SharedCeJob } from './crossEntropyRows.js';
import type { Wasm } from './wasm.js';

/** The most workers and chunks a doorbell serves. */
export const MAX_WORKERS = 64;
export const MAX_CHUNKS = 1024;

// Int32 words: the ring, the job's generation, the readers' lock, the next chunk to claim, chunks done.
const RING = 0;
const TASK = 1;
const ACTIVE = 2;
const CLAIM = 3;
const DONE = 4;
// The chunking and the job's integer fields (f32, x, out, target, weight, lossOut, C, ignoreIndex).
const CHUNKS = 5;
const PER_CHUNK = 6;
const COUNT = 7;
const JOB = 8;
/** Messages posted to worker i, counted at POSTED + i. */
const POSTED = 16;
/** A done flag per chunk. */
const FLAGS = POSTED + MAX_WORKERS;
// Float64 slots: the job's zLoss, ceScale, zScale, then two sums per chunk.
const F64 = (FLAGS + MAX_CHUNKS) / 2;
const RESULTS = F64 + 4;

/** The shared block, seen as int32 and float64 words. */
export interface Doorbell {
  readonly i32: Int32Array;
  readonly f64: Float64Array;
}

export function newDoorbell(): Doorbell {
  const buffer = new SharedArrayBuffer((RESULTS + 2 * MAX_CHUNKS) * 8);
  return doorbellOf(buffer);
}

/** The doorbell on a block received from the calling thread. */
export function doorbellOf(buffer: SharedArrayBuffer): Doorbell {
  return { i32: new Int32Array(buffer), f64: new Float64Array(buffer) };
}

function ring({ i32 }: Doorbell): void {
  Atomics.add(i32, RING, 1);
  Atomics.notify(i32, RING);
}

/** The caller: counts a message just posted to worker `index` and rings, so that the worker reads it. */
export function posted(bell: Doorbell, index: number): void {
  Atomics.add(bell.i32, POSTED + index, 1);
  ring(bell);
}

/** The caller, before starting worker `index`: no messages posted to it yet. */
export function resetWorker(bell: Doorbell, index: number): void {
  Atomics.store(bell.i32, POSTED + index, 0);
}

/**
 * The caller: writes the job, split into `chunks` chunks of `perChunk` rows, and rings. False when a
 * worker did not leave the previous job within `patienceMs` (then nothing is rung, and the caller works
 * alone).
 */
export function ringJob(
  bell: Doorbell,
  job: SharedCeJob,
  count: number,
  chunks: number,
  perChunk: number,
  patienceMs = 5000,
): boolean {
  const { i32, f64 } = bell;
  const start = Date.now();
  for (;;) {
    const active = Atomics.compareExchange(i32, ACTIVE, 0, -1);
    if (active === 0) break;
    if (Date.now() - start > patienceMs) return false;
    Atomics.wait(i32, ACTIVE, active, 1);
  }
  i32[CHUNKS] = chunks;
  i32[PER_CHUNK] = perChunk;
  i32[COUNT] = count;
  i32[JOB] = job.f32 ? 1 : 0;
  i32[JOB + 1] = job.x;
  i32[JOB + 2] = job.out;
  i32[JOB + 3] = job.target;
  i32[JOB + 4] = job.weight;
  i32[JOB + 5] = job.lossOut;
  i32[JOB + 6] = job.C;
  i32[JOB + 7] = job.ignoreIndex;
  f64[F64] = job.zLoss;
  f64[F64 + 1] = job.ceScale;
  f64[F64 + 2] = job.zScale;
  i32.fill(0, FLAGS, FLAGS + chunks);
  i32[CLAIM] = 0;
  i32[DONE] = 0;
  Atomics.add(i32, TASK, 1);
  Atomics.store(i32, ACTIVE, 0);
  Atomics.notify(i32, ACTIVE);
  ring(bell);
  return true;
}

/** The job as written by ringJob. */
function readJob({ i32, f64 }: Doorbell): SharedCeJob {
  return {
    f32: i32[JOB] === 1,
    x: i32[JOB + 1],
    out: i32[JOB + 2],
    target: i32[JOB + 3],
    weight: i32[JOB + 4],
    lossOut: i32[JOB + 5],
    C: i32[JOB + 6],
    ignoreIndex: i32[JOB + 7],
    zLoss: f64[F64],
    ceScale: f64[F64 + 1],
    zScale: f64[F64 + 2],
  };
}

function runChunk(w: Wasm, bell: Doorbell, job: SharedCeJob, c: number): void {
  const sums = new Float64Array(2);
  const a = c * bell.i32[PER_CHUNK];
  ceRowsShared(w, job, a, Math.min(bell.i32[COUNT], a + bell.i32[PER_CHUNK]), sums);
  bell.f64[RESULTS + 2 * c] = sums[0];
  bell.f64[RESULTS + 2 * c + 1] = sums[1];
}

/** The job's chunk words (chunks.ts). */
function words({ i32 }: Doorbell): ChunkWords {
  return { i32, next: CLAIM, done: DONE, flags: FLAGS, chunks: i32[CHUNKS] };
}

/**
 * Claims and computes chunks of the current job until none is left (the caller and every worker);
 * returns how long the caller may watch for the rest (claimChunks).
 */
export function takeChunks(w: Wasm, bell: Doorbell): number {
  const job = readJob(bell);
  return claimChunks(words(bell), (c) => runChunk(w, bell, job, c));
}

/**
 * The caller: waits until every chunk is done (watching for up to `spinMs` before it sleeps; computing
 * those a dead worker left after `patienceMs`) and adds the sums in chunk order.
 */
export function finishJob(w: Wasm, bell: Doorbell, sums: Float64Array, spinMs = 0, patienceMs = 5000): void {
  const job = readJob(bell);
  const chunks = words(bell);
  awaitChunks(chunks, (c) => runChunk(w, bell, job, c), spinMs, patienceMs);
  for (let c = 0; c < chunks.chunks; c++) {
    sums[0] += bell.f64[RESULTS + 2 * c];
    sums[1] += bell.f64[RESULTS + 2 * c + 1];
  }
}

// ---- the worker's side ----------------------------------------------------------------------------

let received = 0;
let seenTask = 0;

/** A worker: counts a message it received (call before handling it). */
export function countReceived(): void {
  received++;
}

/**
 * A worker: waits for jobs and computes its share of each, with `kernels()` (undefined: it leaves the
 * chunks to the others); returns when a message waits to be read.
 */
export function listen(bell: Doorbell, index: number, kernels: () => Wasm | undefined): void {
  const { i32 } = bell;
  for (;;) {
    const rung = Atomics.load(i32, RING);
    if (Atomics.load(i32, POSTED + index) !== received) return;
    if (Atomics.load(i32, TASK) !== seenTask) {
      enter(i32);
      seenTask = Atomics.load(i32, TASK);
      const w = kernels();
      if (w) takeChunks(w, bell);
      Atomics.sub(i32, ACTIVE, 1);
      Atomics.notify(i32, ACTIVE);
      continue;
    }
    Atomics.wait(i32, RING, rung);
  }
}

/** Takes a reader's place in ACTIVE, waiting while the caller writes a job (-1). */
function enter(i32: Int32Array): void {
  for (;;) {
    const active = Atomics.load(i32, ACTIVE);
    if (active >= 0 && Atomics.compareExchange(i32, ACTIVE, active, active + 1) === active) return;
    if (active < 0) Atomics.wait(i32, ACTIVE, active, 1);
  }
}
