/**
 * How threads share the chunks of one job (threads.ts for posted tasks, doorbell.ts for jobs on the
 * kernels' shared memory): in one shared Int32Array, a counter of the next chunk to take, a count of
 * chunks done, and a done flag per chunk. Whoever is free takes the next chunk; the caller waits on
 * the count, and computes again the chunks whose flags are still unset after `patienceMs` without
 * progress (claimed by a worker that died; chunks are idempotent).
 */

/** The high-resolution clock of Node and of browsers (outside the library's declared globals). */
const clock = (globalThis as unknown as { performance: { now(): number } }).performance;

/** Where a job's words are: `next`, `done` and the first of its `chunks` flags are indices into i32. */
export interface ChunkWords {
  readonly i32: Int32Array;
  readonly next: number;
  readonly done: number;
  readonly flags: number;
  readonly chunks: number;
}

/**
 * Takes chunks and runs them until none is left. Returns how long the caller may watch for the chunks
 * still out before it sleeps (see awaitChunks): the longest chunk it ran, in ms, when another thread
 * has finished a chunk meanwhile; 0 when none has (that thread is not running beside this one, and
 * often waits for this very core: watching would only keep it waiting).
 */
export function claimChunks(
  { i32, next, done, flags, chunks }: ChunkWords,
  run: (c: number) => void,
): number {
  let longest = 0;
  let ran = 0;
  for (;;) {
    const c = Atomics.add(i32, next, 1);
    if (c >= chunks) return Atomics.load(i32, done) > ran ? longest : 0;
    const start = clock.now();
    run(c);
    ran++;
    longest = Math.max(longest, clock.now() - start);
    Atomics.store(i32, flags + c, 1);
    Atomics.add(i32, done, 1);
    Atomics.notify(i32, done);
  }
}

/**
 * Waits until every chunk is done; runs those left undone after `patienceMs` without progress. The
 * chunks still out are being computed and end within about a chunk's time, so it first watches for them
 * for up to `spinMs` (from claimChunks; at most 1 ms) before it sleeps: a thread put to sleep and woken
 * again starts 30-60 µs late on a VM.
 */
export function awaitChunks(
  { i32, done, flags, chunks }: ChunkWords,
  run: (c: number) => void,
  spinMs = 0,
  patienceMs = 5000,
): void {
  const until = clock.now() + Math.min(spinMs, 1);
  while (Atomics.load(i32, done) < chunks && clock.now() < until);
  let seen = Atomics.load(i32, done);
  let idle = 0;
  while (seen < chunks) {
    const r = Atomics.wait(i32, done, seen, 100);
    const now = Atomics.load(i32, done);
    if (now !== seen || r !== 'timed-out') {
      seen = now;
      idle = 0;
      continue;
    }
    idle += 100;
    if (idle < patienceMs) continue;
    for (let c = 0; c < chunks; c++) {
      if (Atomics.load(i32, flags + c) === 0) {
        run(c);
        Atomics.store(i32, flags + c, 1);
      }
    }
    return;
  }
}
