/** readClassWeight / readBroadcastWeight: per-class weights and PyTorch's trailing-dimension broadcasting. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readBroadcastWeight, readClassWeight } from '../../src/internal/weights.ts';
import { anyShape, broadcastWeight, RUNS } from '../support/arbitraries.ts';
import { broadcast } from '../support/naive.ts';
import { throwsWith } from '../support/throws.ts';

test('readClassWeight(fn, arg, weight, classes) gives a Float64Array copy of C weights, or undefined for none', () => {
  assert.equal(readClassWeight('f', 'w', undefined, 3), undefined);
  assert.equal(readClassWeight('f', 'w', null, 3), undefined);
  const w = Float32Array.from([1, 2, 3]);
  const read = readClassWeight('f', 'w', w, 3);
  assert.deepEqual(read, Float64Array.from([1, 2, 3]));
  assert.notEqual(read, w);
  throwsWith(
    () => readClassWeight('f', 'options.weight', [1, 2], 3),
    RangeError,
    /^f: options\.weight has shape \[2\], expected one weight per class: \[3\]/,
  );
  throwsWith(
    () => readClassWeight('f', 'options.weight', [[1, 2, 3]], 3),
    RangeError,
    /^f: options\.weight has shape \[1, 3\], expected one weight per class: \[3\]/,
  );
});

test('readBroadcastWeight(fn, arg, weight, shape) repeats as PyTorch broadcasts: element k has weight block[k % block.length]', () => {
  fc.assert(
    fc.property(
      anyShape.chain((shape) => broadcastWeight(shape).map((weight) => ({ shape, weight }))),
      ({ shape, weight }) => {
        const block = readBroadcastWeight('f', 'w', weight, shape) as Float64Array;
        const expected = broadcast(weight, shape);
        assert.deepEqual(
          Array.from(expected, (_, k) => block[k % block.length]),
          expected,
        );
        assert.ok(block.length <= expected.length);
      },
    ),
    RUNS,
  );
});

test("readBroadcastWeight(fn, arg, weight, shape) accepts leading 1s (up to the input's rank) and size-1 dimensions, and a 0-d weight", () => {
  assert.deepEqual(
    readBroadcastWeight('f', 'w', { data: [1, 2], shape: [1, 2] }, [3, 2]),
    Float64Array.from([1, 2]),
  );
  assert.deepEqual(
    readBroadcastWeight('f', 'w', { data: [1, 2], shape: [1, 1, 2] }, [4, 3, 2]),
    Float64Array.from([1, 2]),
  );
  assert.deepEqual(
    readBroadcastWeight('f', 'w', { data: [1, 2], shape: [2, 1] }, [2, 3]),
    Float64Array.from([1, 1, 1, 2, 2, 2]),
  );
  assert.deepEqual(readBroadcastWeight('f', 'w', 4, [2, 3]), Float64Array.from([4]));
  assert.equal(readBroadcastWeight('f', 'w', undefined, [2]), undefined);
});

test('readBroadcastWeight(fn, arg, weight, shape) throws a RangeError naming arg and both shapes when the weight does not broadcast', () => {
  throwsWith(
    () => readBroadcastWeight('f', 'options.weight', [1, 2, 3], [2, 2]),
    RangeError,
    /^f: options\.weight of shape \[3\] does not broadcast to the input's shape \[2, 2\]/,
  );
  throwsWith(
    () => readBroadcastWeight('f', 'options.weight', { data: [1, 2], shape: [2, 1] }, [3, 2]),
    RangeError,
    /^f: options\.weight of shape \[2, 1\] does not broadcast/,
  );
  // More dimensions than the input would grow the result: PyTorch rejects it even when they are 1.
  throwsWith(
    () => readBroadcastWeight('f', 'options.weight', { data: [1, 2], shape: [1, 2] }, [2]),
    RangeError,
    /^f: options\.weight of shape \[1, 2\] does not broadcast to the input's shape \[2\]/,
  );
});
