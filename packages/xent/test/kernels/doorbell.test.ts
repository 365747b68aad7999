/**
 * The doorbell: a job's chunks, taken by whoever rings or listens, sum to what one sweep over all rows
 * gives; the caller waits for workers to leave a job before writing the next, and computes chunks that
 * nobody finishes; and with real workers, doorbell jobs and posted tasks interleave (every chunk done by
 * a worker) with the results of the calling thread alone (the gradient bit for bit; the loss summed by
 * chunks, the same on every call).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { allocTensor, configureKernels, crossEntropyWithGrad, init } from '../../src/index.ts';
import { config } from '../../src/kernels/config.ts';
import type { SharedCeJob } from '../../src/kernels/crossEntropyRows.ts';
import { ceRowsShared } from '../../src/kernels/crossEntropyRows.ts';
import { finishJob, newDoorbell, ringJob, takeChunks } from '../../src/kernels/doorbell.ts';
import { allocate, sharedKernels } from '../../src/kernels/kernelMemory.ts';
import { stopPool, threadStats } from '../../src/kernels/threads.ts';

before(async () => {
  await init();
});
after(async () => {
  config.callerWorks = true;
  configureKernels({ threadThreshold: 1 << 19 });
  await stopPool();
});

const [N, C] = [300, 37];

/** A job on logits and targets in the kernels' shared memory, gradient written in place. */
function sharedJob(): SharedCeJob {
  const w = sharedKernels();
  assert.ok(w, 'shared-memory kernels');
  const x = allocate(N * C * 4);
  const t = allocate(N * 4);
  for (let i = 0; i < N * C; i++) w.f32[x / 4 + i] = Math.sin(i * 0.7) * 5;
  for (let r = 0; r < N; r++) w.i32[t / 4 + r] = (r * 11) % C;
  return {
    f32: true,
    x,
    out: x,
    target: t,
    weight: 0,
    lossOut: 0,
    C,
    ignoreIndex: -100,
    zLoss: 0.01,
    ceScale: 1,
    zScale: 1,
  };
}

/** The sums of one sweep over all rows, on a copy of the job's logits. */
function expected(job: SharedCeJob): number[] {
  const w = sharedKernels();
  assert.ok(w);
  const copy = allocate(N * C * 4);
  w.f32.copyWithin(copy / 4, job.x / 4, job.x / 4 + N * C);
  const sums = new Float64Array(2);
  ceRowsShared(w, { ...job, x: copy, out: 0 }, 0, N, sums);
  return [...sums];
}

test('the chunks taken by the ringing thread add up to one sweep over all rows', () => {
  const w = sharedKernels();
  assert.ok(w);
  const job = sharedJob();
  const want = expected(job);
  const bell = newDoorbell();
  assert.ok(ringJob(bell, job, N, 7, Math.ceil(N / 7)));
  takeChunks(w, bell);
  const sums = new Float64Array(2);
  finishJob(w, bell, sums);
  assert.ok(Math.abs(sums[0] - want[0]) <= 1e-9 * Math.abs(want[0]), `${sums[0]} vs ${want[0]}`);
  assert.ok(Math.abs(sums[1] - want[1]) <= 1e-9 * Math.abs(want[1]), `${sums[1]} vs ${want[1]}`);
});

test('a job is not written while a worker still reads the last one; undone chunks are computed by the caller', () => {
  const w = sharedKernels();
  assert.ok(w);
  const job = sharedJob();
  const want = expected(job);
  const bell = newDoorbell();
  // A reader that never leaves (word 2 counts the workers reading a job): nothing is written.
  Atomics.store(bell.i32, 2, 1);
  const start = Date.now();
  assert.equal(ringJob(bell, job, N, 4, Math.ceil(N / 4), 60), false);
  assert.ok(Date.now() - start >= 60, 'waited for the reader');
  Atomics.store(bell.i32, 2, 0);
  assert.ok(ringJob(bell, job, N, 4, Math.ceil(N / 4), 60));
  // Nobody takes the chunks: after its patience, the caller computes them all.
  const sums = new Float64Array(2);
  finishJob(w, bell, sums, 1, 200);
  assert.ok(Math.abs(sums[0] - want[0]) <= 1e-9 * Math.abs(want[0]), `${sums[0]} vs ${want[0]}`);
});

test('doorbell jobs and posted tasks interleave on the workers with the calling thread results', {
  timeout: 30_000,
}, async () => {
  const rows = 512;
  const classes = 64;
  const kernel = allocTensor([rows, classes], 'float32', { shared: true });
  const plain = { data: new Float32Array(new SharedArrayBuffer(rows * classes * 4)), shape: [rows, classes] };
  for (let i = 0; i < rows * classes; i++) kernel.data[i] = plain.data[i] = Math.cos(i * 0.3) * 4;
  const labels = Int32Array.from({ length: rows }, (_, r) => (r * 5) % classes);
  const kernelGrad = allocTensor([rows, classes], 'float32', { shared: true }).data;
  const plainGrad = new Float32Array(new SharedArrayBuffer(rows * classes * 4));
  configureKernels({ threadThreshold: 1 << 30 });
  const alone = crossEntropyWithGrad(plain, labels);
  configureKernels({ threads: 1, threadThreshold: 0 });
  await init();
  config.callerWorks = false;
  const jobs = threadStats.jobs;
  try {
    let first: number | undefined;
    for (let k = 0; k < 40; k++) {
      const onKernel = k % 3 !== 1;
      const r = onKernel
        ? crossEntropyWithGrad(kernel, labels, { gradOut: kernelGrad })
        : crossEntropyWithGrad(plain, labels, { gradOut: plainGrad });
      // Chunks are summed in chunk order: the same number on every call, whichever thread did what.
      first ??= r.loss;
      assert.equal(r.loss, first, `call ${k} (${onKernel ? 'doorbell' : 'posted'})`);
      assert.ok(Math.abs(r.loss - alone.loss) <= 1e-12 * alone.loss, `${r.loss} vs ${alone.loss} alone`);
      assert.deepEqual(r.grad.data, alone.grad.data, `call ${k} gradient`);
    }
    assert.equal(threadStats.jobs - jobs, 40, 'every call ran on the worker');
  } finally {
    config.callerWorks = true;
  }
});
