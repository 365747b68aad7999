/**
 * Every PyTorch reference case of crossEntropy and binaryCrossEntropyWithLogits through every kernel
 * path: WebAssembly (the default), WebAssembly with a scratch buffer smaller than a row (rows in pieces,
 * blocks of one row), the worker threads (shared memory, threshold 0, every chunk taken by a worker),
 * the TypeScript fast path (WebAssembly off), and tensors in the kernels' shared memory (read and written
 * in place), on one thread and on the workers; calls of the direct lanes' form (crossEntropyDirect.ts,
 * bceDirect.ts) take them. float32 input is held to float32 rounding, float64 to 1e-10, as in
 * ../reference.test.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import * as xent from '../../src/index.ts';
import { config, DEFAULT_IN_PLACE_MIN, DEFAULT_SCRATCH_BYTES } from '../../src/kernels/config.ts';
import { fastStats } from '../../src/kernels/fastStats.ts';
import { inKernelMemory } from '../../src/kernels/kernelMemory.ts';
import { stopPool, threadStats } from '../../src/kernels/threads.ts';
import { allClose, closeTo, maxAbs, REL32, REL64 } from '../support/close.ts';

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
interface Json {
  shape: number[];
  data: Num[];
}
interface Case {
  fn: string;
  dtype: 'float32' | 'float64';
  input: Json;
  target: Json;
  options: Record<string, unknown>;
  loss: number | Json;
  grad: Json | null;
  error?: boolean;
}

const root = new URL('../../../../reference/', import.meta.url);
const FNS = ['crossEntropy', 'binaryCrossEntropyWithLogits'];
const cases: { file: string; c: Case }[] = ['', 'generated/', 'beyond/'].flatMap((sub) =>
  FNS.flatMap((fn) =>
    (JSON.parse(readFileSync(new URL(`${sub}${fn}.json`, root), 'utf8')) as Case[])
      .filter((c) => !c.error)
      .map((c) => ({ file: `${sub}${fn}.json`, c })),
  ),
);
assert.ok(readdirSync(root).length > 0);

const num = (v: Num): number => (typeof v === 'number' ? v : Number(v));
/**
 * Where the test puts its float arrays: plain memory, a SharedArrayBuffer (the threaded path reads only
 * shared memory), or the kernels' shared memory (allocTensor's shared option: used in place).
 */
type Memory = 'plain' | 'shared' | 'kernel';
function floats(dtype: string, data: Num[], memory: Memory) {
  let out: Float32Array | Float64Array;
  if (memory === 'kernel') {
    out = xent.allocTensor([data.length], dtype as 'float32' | 'float64', { shared: true }).data;
    assert.ok(data.length === 0 || inKernelMemory(out), 'allocTensor shared: in the kernels memory');
  } else {
    const size = dtype === 'float32' ? 4 : 8;
    const buffer =
      memory === 'shared' ? new SharedArrayBuffer(data.length * size) : new ArrayBuffer(data.length * size);
    out = dtype === 'float32' ? new Float32Array(buffer) : new Float64Array(buffer);
  }
  for (let i = 0; i < data.length; i++) out[i] = num(data[i]);
  return out;
}

function run(c: Case, shared: Memory) {
  const input = { data: floats(c.dtype, c.input.data, shared), shape: c.input.shape };
  const values = c.target.data.map(num);
  const probabilities = c.target.shape.join() === c.input.shape.join();
  const target =
    probabilities || !values.every(Number.isInteger)
      ? { data: floats(c.dtype, c.target.data, shared), shape: c.target.shape }
      : { data: Int32Array.from(values), shape: c.target.shape };
  const options: Record<string, unknown> = { ...c.options };
  for (const k of ['weight', 'posWeight'])
    if (Array.isArray(options[k])) options[k] = floats(c.dtype, options[k] as Num[], 'plain');
  const api = xent as unknown as Record<string, (...args: unknown[]) => unknown>;
  const loss = api[c.fn](input, target, options);
  let grad: { data: ArrayLike<number>; shape: number[] } | undefined;
  if (c.grad) {
    const gradOut = floats(
      c.dtype,
      c.grad.data.map(() => 0),
      shared,
    );
    const r = api[`${c.fn}WithGrad`](input, target, { ...options, gradOut }) as {
      loss: unknown;
      grad: { data: ArrayLike<number>; shape: number[] };
    };
    assert.deepEqual(r.loss, loss, 'WithGrad loss equals the plain loss');
    grad = r.grad;
  }
  return { input, loss, grad };
}

function check(actual: unknown, expected: number | Json, rel: number, scale: number, where: string) {
  if (typeof expected !== 'object') {
    if (typeof actual === 'object' && actual !== null) {
      check(actual, { shape: [], data: [expected] }, rel, scale, where);
      return;
    }
    closeTo(actual as number, num(expected), rel, scale, where);
    return;
  }
  const t = actual as { data: ArrayLike<number>; shape: number[] };
  assert.deepEqual([...t.shape], expected.shape, `${where}: shape`);
  const round = t.data instanceof Float32Array ? Math.fround : (v: number) => v;
  allClose(
    t.data,
    expected.data.map((v) => round(num(v))),
    rel,
    scale,
    where,
  );
}

function checkAll(path: string, shared: Memory) {
  let n = 0;
  for (const { file, c } of cases) {
    const where = `${path}: ${file} (${c.dtype}, ${JSON.stringify(c.input.shape)}, ${JSON.stringify(c.options).slice(0, 80)})`;
    const rel = c.dtype === 'float32' ? REL32 : REL64;
    const { input, loss, grad } = run(c, shared);
    const expectedLoss = typeof c.loss === 'object' ? c.loss.data.map(num) : [num(c.loss)];
    check(loss, c.loss, rel, maxAbs(input.data, expectedLoss) * 1e-2, `${where} loss`);
    if (c.grad && grad) {
      const scale = maxAbs(c.grad.data.map(num)) * 1e-2 + 1 / Math.max(1, input.data.length);
      check(grad, c.grad, rel, scale, `${where} grad`);
    }
    n++;
  }
  assert.ok(n > 2000, `ran ${n} cases`);
}

before(async () => {
  await xent.init();
});
after(async () => {
  config.scratchBytes = DEFAULT_SCRATCH_BYTES;
  xent.configureKernels({ wasm: true, threadThreshold: 1 << 19 });
  config.callerWorks = true;
  await stopPool();
});

test('WebAssembly kernels: every crossEntropy and binaryCrossEntropyWithLogits reference case passes', () => {
  assert.equal(xent.kernelInfo().wasm, true);
  const direct = fastStats.direct;
  checkAll('wasm', 'plain');
  // (a crossEntropy call whose loss is NaN goes on from its lane to the general path)
  assert.ok(fastStats.direct - direct >= 350, `${fastStats.direct - direct} calls took a direct lane`);
});

test('WebAssembly kernels with rows longer than the scratch buffer (pieces) pass every reference case', () => {
  config.scratchBytes = 16;
  try {
    checkAll('wasm, 4-float scratch', 'plain');
  } finally {
    config.scratchBytes = DEFAULT_SCRATCH_BYTES;
  }
});

test('worker threads (shared memory, every chunk done by a worker) pass every reference case', () => {
  xent.configureKernels({ threads: 1, threadThreshold: 0 });
  assert.ok(xent.kernelInfo().readyThreads >= 1);
  config.callerWorks = false;
  const jobs = threadStats.jobs;
  try {
    checkAll('threads', 'shared');
    assert.ok(threadStats.jobs - jobs > 1000, `${threadStats.jobs - jobs} calls ran on the threads`);
  } finally {
    config.callerWorks = true;
    xent.configureKernels({ threadThreshold: 1 << 19 });
  }
});

test('the TypeScript fast path (WebAssembly off) passes every reference case', () => {
  xent.configureKernels({ wasm: false });
  try {
    assert.equal(xent.kernelInfo().wasm, false);
    const direct = fastStats.direct;
    checkAll('typescript', 'plain');
    assert.ok(fastStats.direct - direct > 400, `${fastStats.direct - direct} calls took a direct lane`);
  } finally {
    xent.configureKernels({ wasm: true });
  }
});

test("tensors in the kernels' shared memory (logits and gradient used in place) pass every reference case", () => {
  xent.configureKernels({ threadThreshold: 1 << 30 });
  config.inPlaceMin = 0;
  const inPlace = fastStats.inPlace;
  try {
    checkAll('kernel memory', 'kernel');
    assert.ok(fastStats.inPlace - inPlace > 1000, `${fastStats.inPlace - inPlace} calls ran in place`);
  } finally {
    config.inPlaceMin = DEFAULT_IN_PLACE_MIN;
    xent.configureKernels({ threadThreshold: 1 << 19 });
  }
});

test("tensors in the kernels' shared memory on the worker threads (every chunk done by a worker) pass every reference case", () => {
  xent.configureKernels({ threads: 1, threadThreshold: 0 });
  config.callerWorks = false;
  config.inPlaceMin = 0;
  const jobs = threadStats.jobs;
  const inPlace = fastStats.inPlace;
  try {
    checkAll('kernel memory, threads', 'kernel');
    assert.ok(threadStats.jobs - jobs > 1000, `${threadStats.jobs - jobs} calls ran on the threads`);
    assert.ok(fastStats.inPlace - inPlace > 1000, `${fastStats.inPlace - inPlace} calls ran in place`);
  } finally {
    config.inPlaceMin = DEFAULT_IN_PLACE_MIN;
    config.callerWorks = true;
    xent.configureKernels({ threadThreshold: 1 << 19 });
  }
});
