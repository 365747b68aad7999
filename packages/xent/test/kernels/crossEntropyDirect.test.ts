/**
 * crossEntropy's direct lane gives the general path's results bit for bit (the general path is reached
 * here with the same class indices as a plain array), on the WebAssembly and the TypeScript kernels, small
 * and large; every other call and every error still takes the general path, and so does a NaN loss on
 * the WebAssembly kernel (which returns NaN on a class index out of range too).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { configureKernels, crossEntropy, crossEntropyWithGrad, init } from '../../src/index.ts';
import { counted, type Dtype, logitsWithSpecials, typed } from '../support/lanes.ts';

before(async () => {
  await init();
});

const batch = fc
  .record({
    N: fc.integer({ min: 1, max: 40 }),
    C: fc.integer({ min: 1, max: 40 }),
    dtype: fc.constantFrom<Dtype>('float32', 'float64'),
    reduction: fc.constantFrom(undefined, 'mean' as const, 'sum' as const),
    seed: fc.integer(),
  })
  .chain((b) =>
    fc.record({
      ...Object.fromEntries(Object.entries(b).map(([k, v]) => [k, fc.constant(v)])),
      x: logitsWithSpecials(b.N * b.C, 30),
      t: fc.array(fc.integer({ min: 0, max: b.C - 1 }), { minLength: b.N, maxLength: b.N }),
    }),
  ) as fc.Arbitrary<{
  N: number;
  C: number;
  dtype: Dtype;
  reduction?: 'mean' | 'sum';
  x: number[];
  t: number[];
}>;

function agree(wasm: boolean) {
  configureKernels({ wasm });
  try {
    fc.assert(
      fc.property(batch, ({ N, C, dtype, reduction, x, t }) => {
        const input = { data: typed(dtype, x), shape: [N, C] };
        const options = reduction ? { reduction } : undefined;
        const lane = counted(() => crossEntropy(input, Int32Array.from(t), options));
        const general = counted(() => crossEntropy(input, t, options));
        // (a NaN loss on the WebAssembly kernel goes on to the general path)
        const nan = wasm && Number.isNaN(general.result);
        assert.equal(lane.direct, nan ? 0 : 1, 'Int32Array targets take the direct lane');
        assert.equal(general.direct, 0, 'a plain array of targets takes the general path');
        assert.ok(Object.is(lane.result, general.result), `loss ${lane.result} vs ${general.result}`);

        const gradOut = typed(
          dtype,
          x.map(() => 7),
        );
        const laneG = counted(() => crossEntropyWithGrad(input, Int32Array.from(t), { reduction, gradOut }));
        const generalG = crossEntropyWithGrad(input, t, { reduction });
        assert.equal(laneG.direct, nan ? 0 : 1);
        assert.equal(laneG.result.grad.data, gradOut, 'the gradient is written to gradOut');
        assert.deepEqual(laneG.result.grad.shape, [N, C]);
        assert.ok(Object.is(laneG.result.loss, general.result));
        assert.deepEqual(laneG.result.grad.data, generalG.grad.data);
      }),
      { numRuns: 150 },
    );
  } finally {
    configureKernels({ wasm: true });
  }
}

test('the direct lane equals the general path bit for bit on the WebAssembly kernel', () => agree(true));
test('the direct lane equals the general path bit for bit on the TypeScript kernels', () => agree(false));

test('large batches take the lane to the row kernels: same bits as the general path', () => {
  const [N, C] = [3000, 17];
  const x = Float32Array.from({ length: N * C }, (_, i) => Math.sin(i * 0.37) * 9);
  const t = Array.from({ length: N }, (_, i) => (i * 7) % C);
  const lane = counted(() =>
    crossEntropyWithGrad({ data: x, shape: [N, C] }, { data: Int32Array.from(t), shape: [N] }),
  );
  const general = crossEntropyWithGrad({ data: x, shape: [N, C] }, t);
  assert.equal(lane.direct, 1, 'an Int32Array tensor of shape [N] takes the lane too');
  assert.equal(lane.result.loss, general.loss);
  assert.deepEqual(lane.result.grad.data, general.grad.data);
});

test('a class index out of range anywhere in the batch leaves the lane for the general path and its error', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 1, max: 12 }),
      fc.nat(),
      fc.oneof(fc.integer({ min: -(2 ** 31), max: -1 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
      (N, C, at, bad) => {
        // (-100 is ignoreIndex's default: an ignored row, not an error.)
        const value = bad >= 0 ? C + (bad % 1000) : bad === -100 ? -101 : bad;
        const t = Int32Array.from({ length: N }, (_, i) => i % C);
        t[at % N] = value;
        const x = new Float32Array(N * C);
        const { direct } = counted(() =>
          assert.throws(
            () => crossEntropy({ data: x, shape: [N, C] }, t),
            new RegExp(`crossEntropy: target value ${value} at flat position ${at % N} is out of range`),
          ),
        );
        assert.equal(direct, 0);
      },
    ),
    { numRuns: 200 },
  );
});

test('every other call takes the general path, with its results and its errors', () => {
  const x = Float32Array.from([2, 0, -1, 0.5, 1.5, 0]);
  const input = { data: x, shape: [2, 3] };
  const none = (call: () => unknown) => {
    const { result, direct } = counted(call);
    assert.equal(direct, 0);
    return result;
  };
  // ignoreIndex's default (-100) and out-of-range classes: the general path ignores / throws.
  assert.equal(
    none(() => crossEntropy(input, Int32Array.from([0, -100]))),
    crossEntropy(input, [0, -100]),
  );
  assert.throws(
    () => crossEntropy(input, Int32Array.from([0, 3])),
    /crossEntropy: target value 3 at flat position 1 is out of range: expected an integer in \[0, 2\]/,
  );
  // Options other than reduction and gradOut, and the 'none' reduction.
  assert.equal(
    none(() => crossEntropy(input, Int32Array.from([0, 1]), { weight: [1, 2, 3] })),
    crossEntropy(input, [0, 1], { weight: [1, 2, 3] }),
  );
  assert.deepEqual(
    none(() => crossEntropy(input, Int32Array.from([0, 1]), { reduction: 'none' })),
    crossEntropy(input, [0, 1], { reduction: 'none' }),
  );
  assert.throws(
    () => crossEntropy(input, Int32Array.from([0, 1]), { reduction: 'avg' as 'mean' }),
    /crossEntropy: reduction must be one of 'none', 'mean', 'sum', got "avg"/,
  );
  // An unknown option (PyTorch's spelling) is not ignored by the lane: the general path names it.
  assert.throws(
    () => crossEntropy(input, Int32Array.from([0, 1]), { ignore_index: 1 } as never),
    /crossEntropy: unknown option "ignore_index" \(did you mean "ignoreIndex"\?\)/,
  );
  // Other shapes and forms: 1-D and 3-D inputs, a target tensor of the wrong shape, nested arrays.
  none(() => crossEntropy({ data: x, shape: [6] }, 2));
  none(() => crossEntropy({ data: x, shape: [1, 3, 2] }, { data: Int32Array.from([0, 1]), shape: [1, 2] }));
  none(() => crossEntropy([[2, 0, -1]], Int32Array.from([0])));
  assert.throws(
    () => crossEntropy(input, { data: Int32Array.from([0, 1]), shape: [1, 2] }),
    /crossEntropy: target has shape \[1, 2\], expected \[2\] \(class indices\)/,
  );
  assert.throws(() => crossEntropy({ data: x, shape: [2, 2] }, Int32Array.from([0, 1])), /holds 4 values/);
  // A gradOut of the wrong type or length, or the input's own data.
  for (const gradOut of [new Float64Array(6), new Float32Array(5), x]) {
    assert.throws(() => crossEntropyWithGrad(input, Int32Array.from([0, 1]), { gradOut }), TypeError);
  }
  assert.throws(
    () => crossEntropy(input, Int32Array.from([0, 1]), null as never),
    /options must be an object/,
  );
});
