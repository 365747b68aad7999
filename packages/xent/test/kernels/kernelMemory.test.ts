/**
 * The kernels' shared memory: its allocator (first fit, neighbours merged, blocks zeroed on reuse, growth
 * that keeps earlier views), allocTensor's shared tensors living there and returning there when
 * collected, and crossEntropy on such tensors agreeing with the copying paths.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { allocTensor, configureKernels, crossEntropy, crossEntropyWithGrad } from '../../src/index.ts';
import { fastStats } from '../../src/kernels/fastStats.ts';
import { allocate, inKernelMemory, kernelMemory, release, view } from '../../src/kernels/kernelMemory.ts';

test('allocate: first fit, a freed block reused zeroed, free neighbours merged', () => {
  const a = allocate(1000);
  const b = allocate(1000);
  const c = allocate(64);
  assert.ok(a >= 0 && b > a && c > b, `${a} ${b} ${c}`);
  assert.equal(a % 64, 0);
  view(Float64Array, a, 125).fill(7);
  release(a);
  const a2 = allocate(512);
  assert.equal(a2, a, 'the freed block is reused');
  assert.deepEqual([...view(Float64Array, a2, 64)], new Array(64).fill(0), 'and zeroed');
  release(a2);
  release(b);
  const ab = allocate(2000);
  assert.equal(ab, a, 'two freed neighbours make one block');
  release(ab);
  release(c);
  assert.equal(allocate(64), a, 'freeing the last block returns the area');
  release(a);
});

test('growing the memory keeps every earlier view and its values', () => {
  const a = allocate(4096);
  const before = view(Float32Array, a, 1024);
  before.fill(3.5);
  const big = allocate(64 * 1024 * 1024);
  assert.ok(big > a);
  const after = view(Float32Array, big, 16 * 1024 * 1024);
  after[after.length - 1] = 2;
  assert.equal(before[1023], 3.5);
  assert.ok(inKernelMemory(before) && inKernelMemory(after));
  assert.ok(!inKernelMemory(new Float32Array(new SharedArrayBuffer(16))));
  release(big);
  release(a);
});

test("allocTensor's shared tensors live in the kernels' memory, zeroed, of any size", () => {
  const t = allocTensor([3, 5], 'float64', { shared: true });
  assert.ok(t.data instanceof Float64Array && t.data.length === 15 && inKernelMemory(t.data));
  assert.ok(t.data.every((v) => v === 0));
  assert.equal(t.data.buffer.constructor.name, 'SharedArrayBuffer');
  assert.equal(allocTensor([0, 4], 'float32', { shared: true }).data.length, 0);
  assert.ok(kernelMemory());
});

test("a shared tensor's block returns to the allocator when the tensor is collected, and not before", async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const bytes = 3 * 1024 * 1024;
  const live = allocTensor([bytes / 4], 'float32', { shared: true }).data;
  live.fill(1);
  const offset = (() => allocTensor([bytes / 4], 'float32', { shared: true }).data.byteOffset)();
  for (let i = 0; i < 50; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const again = allocate(bytes);
    release(again);
    assert.ok(
      again >= live.byteOffset + bytes || again + bytes <= live.byteOffset,
      'a live block stays taken',
    );
    // Its area (alone or merged with a freed neighbour) is reused.
    if (again < offset + bytes) {
      assert.ok(live.every((v) => v === 1));
      return;
    }
  }
  assert.fail('the block of a collected tensor was not freed');
});

test("a subarray of a shared tensor keeps the tensor's block taken after the tensor is dropped", async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const bytes = 3 * 1024 * 1024;
  // Only a subarray of a subarray is kept; the tensor and its array are dropped at once.
  const kept = (() =>
    allocTensor([bytes / 4], 'float32', { shared: true })
      .data.subarray(8)
      .subarray(0, 1000))();
  kept.fill(2);
  assert.ok(inKernelMemory(kept));
  for (let i = 0; i < 20; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const other = allocTensor([bytes / 4], 'float32', { shared: true }).data;
    other.fill(-7);
    assert.ok(
      other.byteOffset >= kept.byteOffset + kept.byteLength ||
        other.byteOffset + bytes <= kept.byteOffset - 32,
      'the block under a live subarray is not handed out again',
    );
  }
  assert.ok(kept.every((v) => v === 2));
  // Plain Float32Arrays still (equal as such); slice copies into memory of its own.
  assert.deepStrictEqual(kept.subarray(0, 2), Float32Array.from([2, 2]));
  assert.ok(!inKernelMemory(kept.slice(0, 4)));
});

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

for (const dtype of ['float32', 'float64'] as const) {
  test(`crossEntropyWithGrad (${dtype}) in place in the kernels' memory equals the copying path, value for value`, () => {
    configureKernels({ threadThreshold: 1 << 30 });
    try {
      const [N, C] = [97, 301];
      const r = rng(3);
      const x = allocTensor([N, C], dtype, { shared: true });
      for (let i = 0; i < x.data.length; i++) x.data[i] = (r() - 0.5) * 12;
      x.data[5] = Number.NEGATIVE_INFINITY;
      x.data[3 * C + 7] = Number.NaN;
      const t = Int32Array.from({ length: N }, (_, i) => (i * 13) % C);
      t[4] = -100;
      const opts = { weight: Float64Array.from({ length: C }, (_, c) => 1 + (c % 4)), zLoss: 1e-3 };
      const g = allocTensor([N, C], dtype, { shared: true }).data;
      const inPlace = fastStats.inPlace;
      const a = crossEntropyWithGrad(x, t, { ...opts, reduction: 'none', gradOut: g });
      assert.equal(fastStats.inPlace, inPlace + 1, 'ran in place');
      // The same values in plain memory, and the shared logits with a plain gradOut: both copy.
      const plain = {
        data: dtype === 'float32' ? Float32Array.from(x.data) : Float64Array.from(x.data),
        shape: [N, C],
      };
      const b = crossEntropyWithGrad(plain, t, { ...opts, reduction: 'none' });
      const c = crossEntropyWithGrad(x, t, { ...opts, reduction: 'none' });
      assert.equal(fastStats.inPlace, inPlace + 1, 'a plain gradOut copies');
      assert.deepEqual([...a.loss.data], [...b.loss.data]);
      assert.deepEqual([...a.grad.data], [...b.grad.data]);
      assert.deepEqual([...c.grad.data], [...b.grad.data]);
      assert.equal(
        crossEntropy(x, t, { ...opts, reduction: 'sum' }),
        crossEntropyWithGrad(x, t, { ...opts, reduction: 'sum', gradOut: g }).loss,
      );
    } finally {
      configureKernels({ threadThreshold: 1 << 19 });
    }
  });
}
