/**
 * binaryCrossEntropyWithLogits' direct lane gives the results of the general path's fast kernels
 * (bceFast) bit for bit, on the WebAssembly and the TypeScript kernels, small and large, and the general
 * path's within rounding; every other call and every error still takes the general path.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import {
  binaryCrossEntropyWithLogits as bce,
  binaryCrossEntropyWithLogitsWithGrad as bceWithGrad,
  configureKernels,
  init,
} from '../../src/index.ts';
import { bceFast } from '../../src/kernels/bceFast.ts';
import { allClose, closeTo, maxAbs, REL32, REL64 } from '../support/close.ts';
import { counted, type Dtype, logitsWithSpecials, typed } from '../support/lanes.ts';

before(async () => {
  await init();
});

const batch = fc
  .record({
    shape: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
    dtype: fc.constantFrom<Dtype>('float32', 'float64'),
    reduction: fc.constantFrom(undefined, 'mean' as const, 'sum' as const, 'batchmean' as const),
  })
  .chain((b) => {
    const n = b.shape.reduce((a, d) => a * d, 1);
    return fc.record({
      ...Object.fromEntries(Object.entries(b).map(([k, v]) => [k, fc.constant(v)])),
      x: logitsWithSpecials(n, 40),
      y: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
    });
  }) as fc.Arbitrary<{
  shape: number[];
  dtype: Dtype;
  reduction?: 'mean' | 'sum' | 'batchmean';
  x: number[];
  y: number[];
}>;

function agree(wasm: boolean) {
  configureKernels({ wasm });
  try {
    fc.assert(
      fc.property(batch, ({ shape, dtype, reduction, x, y }) => {
        const input = { data: typed(dtype, x), shape };
        const target = { data: typed(dtype, y), shape };
        const options = reduction ? { reduction } : undefined;
        const lane = counted(() => bce(input, target, options));
        const plain = { data: Array.from(target.data), shape };
        const general = counted(() => bce(input, plain, options));
        assert.equal(lane.direct, 1, "targets of the input's array type take the direct lane");
        assert.equal(general.direct, 0, 'a plain array of targets takes the general path');
        // The general path's fast kernels on the same arrays, for the bits.
        const n = x.length;
        const divisor = reduction === 'sum' ? 1 : reduction === 'batchmean' ? shape[0] : n;
        const grad = typed(
          dtype,
          x.map(() => 0),
        );
        const sum = bceFast({ x: input.data, y: target.data, grad, scale: 1 / divisor });
        const fast = reduction === 'sum' ? sum : sum / divisor;
        assert.ok(Object.is(lane.result, fast), `loss ${lane.result} vs ${fast}`);
        // Against the general path, whose targets are float64 (the lane's are rounded to the input's
        // type): held to the rounding of the terms, x · y for the loss and (sigmoid(x) - y) / divisor
        // for the gradient.
        const rel = dtype === 'float32' ? REL32 : REL64;
        closeTo(
          lane.result,
          general.result as number,
          rel,
          maxAbs(x) + 1,
          'the general path (float64 targets)',
        );

        const gradOut = typed(
          dtype,
          x.map(() => 7),
        );
        const laneG = counted(() => bceWithGrad(input, target, { reduction, gradOut }));
        assert.equal(laneG.direct, 1);
        assert.equal(laneG.result.grad.data, gradOut, 'the gradient is written to gradOut');
        assert.deepEqual(laneG.result.grad.shape, shape);
        assert.ok(Object.is(laneG.result.loss, fast));
        assert.deepEqual(laneG.result.grad.data, grad);
        allClose(gradOut, bceWithGrad(input, plain, { reduction }).grad.data, rel, 1 / divisor, 'gradient');
      }),
      { numRuns: 150 },
    );
  } finally {
    configureKernels({ wasm: true });
  }
}

test('the direct lane equals the general path bit for bit on the WebAssembly kernel', () => agree(true));
test('the direct lane equals the general path bit for bit on the TypeScript kernels', () => agree(false));

test('a 1-D input takes the lane with a bare target array; large inputs go on to the row kernels', () => {
  const n = 40000;
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 9);
  const y = Float64Array.from({ length: n }, (_, i) => (i % 3) / 2);
  const lane = counted(() => bceWithGrad({ data: x, shape: [n] }, y));
  const general = bceWithGrad({ data: x, shape: [n] }, Array.from(y));
  assert.equal(lane.direct, 1);
  assert.equal(lane.result.loss, general.loss);
  assert.deepEqual(lane.result.grad.data, general.grad.data);
});

test('every other call takes the general path, with its results and its errors', () => {
  const x = Float32Array.from([2.2, -1.4, 0.4, 1]);
  const y = Float32Array.from([1, 0, 0, 0.5]);
  const input = { data: x, shape: [2, 2] };
  const target = { data: y, shape: [2, 2] };
  const none = (call: () => unknown) => {
    const { result, direct } = counted(call);
    assert.equal(direct, 0);
    return result;
  };
  // Options other than reduction and gradOut, and the 'none' reduction.
  assert.equal(
    none(() => bce(input, target, { posWeight: [2, 1] })),
    bce(input, { data: [...y], shape: [2, 2] }, { posWeight: [2, 1] }),
  );
  assert.deepEqual(
    none(() => bce(input, target, { reduction: 'none' })),
    bce(input, { data: [...y], shape: [2, 2] }, { reduction: 'none' }),
  );
  assert.throws(() => bce(input, target, { reduction: 'avg' as 'mean' }), /reduction must be one of/);
  // An unknown option (PyTorch's spelling) is not ignored by the lane: the general path names it.
  assert.throws(
    () => bce(input, target, { pos_weight: [2, 1] } as never),
    /binaryCrossEntropyWithLogits: unknown option "pos_weight" \(did you mean "posWeight"\?\)/,
  );
  // Targets of another array type, another shape, or bare for a 2-D input.
  none(() => bce(input, { data: Float64Array.from(y), shape: [2, 2] }));
  assert.throws(
    () => bce(input, { data: y, shape: [4] }),
    /binaryCrossEntropyWithLogits: target has shape \[4\], expected the input's shape \[2, 2\]/,
  );
  assert.throws(() => bce(input, y), /target has shape \[4\], expected the input's shape \[2, 2\]/);
  assert.throws(() => bce({ data: x, shape: [3] }, y), /holds 3 values/);
  assert.throws(() => bce(input, null as never), /binaryCrossEntropyWithLogits: target must be a tensor/);
  assert.throws(() => bce(input, 0.5), /target has shape \[\], expected the input's shape \[2, 2\]/);
  // A gradOut of the wrong type or length, or the input's own data.
  for (const gradOut of [new Float64Array(4), new Float32Array(3), x]) {
    assert.throws(() => bceWithGrad(input, target, { gradOut }), TypeError);
  }
});
