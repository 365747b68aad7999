/** readTensor / readRaw / toFloat: every accepted input form, what is copied and what is not, and the errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readRaw, readTensor, toFloat } from '../../src/internal/read.ts';
import { anyShape, floats, RUNS } from '../support/arbitraries.ts';
import { nest, size } from '../support/naive.ts';
import { throwsWith } from '../support/throws.ts';

test('readTensor(fn, arg, x) reads a number as a 0-d tensor, a flat array as 1-d, nested arrays by their nesting', () => {
  assert.deepEqual(readTensor('f', 'x', 2.5), { data: Float64Array.from([2.5]), shape: [] });
  assert.deepEqual(readTensor('f', 'x', [1, 2, 3]), { data: Float64Array.from([1, 2, 3]), shape: [3] });
  assert.deepEqual(readTensor('f', 'x', [[1], [2]]), { data: Float64Array.from([1, 2]), shape: [2, 1] });
  assert.deepEqual(readTensor('f', 'x', []), { data: new Float64Array(0), shape: [0] });
  assert.deepEqual(readTensor('f', 'x', [[], []]), { data: new Float64Array(0), shape: [2, 0] });
});

test('readTensor(fn, arg, nest(data, shape)) gives back data and shape for any shape', () => {
  fc.assert(
    fc.property(
      anyShape.chain((shape) => floats(size(shape), -1e6, 1e6).map((data) => ({ shape, data }))),
      ({ shape, data }) => {
        assert.deepEqual(readTensor('f', 'x', nest(data, shape)), { data, shape });
        assert.deepEqual(readTensor('f', 'x', { data: Array.from(data), shape }), { data, shape });
      },
    ),
    RUNS,
  );
});

test('readTensor(fn, arg, x) uses Float32Array and Float64Array data as they are and copies anything else to Float64Array', () => {
  const f32 = Float32Array.from([1, 2]);
  const f64 = Float64Array.from([1, 2]);
  assert.equal(readTensor('f', 'x', f32).data, f32);
  assert.equal(readTensor('f', 'x', f64).data, f64);
  assert.equal(readTensor('f', 'x', { data: f32, shape: [2, 1] }).data, f32);
  const fromInts = readTensor('f', 'x', Int32Array.from([1, 2]));
  assert.ok(fromInts.data instanceof Float64Array);
  assert.deepEqual(fromInts, { data: f64, shape: [2] });
  assert.deepEqual(readTensor('f', 'x', Uint8Array.from([3])), { data: Float64Array.from([3]), shape: [1] });
  assert.equal(toFloat(f32), f32);
  assert.deepEqual(toFloat([1, 2]), f64);
});

test('readRaw(fn, arg, target) keeps integer typed arrays unconverted, and turns BigInt64Array into numbers', () => {
  const ints = Int32Array.from([0, 2]);
  assert.equal(readRaw('f', 't', ints).data, ints);
  assert.equal(readRaw('f', 't', { data: ints, shape: [1, 2] }).data, ints);
  assert.deepEqual(readRaw('f', 't', BigInt64Array.from([3n, -100n])), {
    data: Float64Array.from([3, -100]),
    shape: [2],
  });
  assert.deepEqual(readRaw('f', 't', { data: BigInt64Array.from([1n, 2n]), shape: [2, 1] }), {
    data: Float64Array.from([1, 2]),
    shape: [2, 1],
  });
  assert.deepEqual(readRaw('f', 't', 4), { data: [4], shape: [] });
});

test('readRaw(fn, arg, x) copies the shape of a tensor: later edits of the caller do not reach it', () => {
  const shape = [2];
  const raw = readRaw('f', 'x', { data: [1, 2], shape });
  shape[0] = 5;
  assert.deepEqual(raw.shape, [2]);
});

test('readTensor(fn, arg, x) throws a RangeError naming fn and the path for ragged nested arrays', () => {
  throwsWith(
    () => readTensor('f', 'x', [[1, 2], [3]]),
    RangeError,
    /^f: x is ragged: x\[1\] has length 1, expected an array of length 2/,
  );
  throwsWith(
    () => readTensor('f', 'x', [[1, 2], 3] as never),
    RangeError,
    /^f: x is ragged: x\[1\] has 3, expected an array of length 2/,
  );
  throwsWith(
    () =>
      readTensor('f', 'x', [
        [[1], [2]],
        [[3], []],
      ]),
    RangeError,
    /^f: x is ragged: x\[1\]\[1\] has length 0, expected an array of length 1/,
  );
});

test('readTensor(fn, arg, x) throws a TypeError naming fn and the path for an entry that is not a number', () => {
  throwsWith(
    () => readTensor('f', 'x', [1, [2]] as never),
    TypeError,
    /^f: x\[1\] must be a number, got an array of length 1/,
  );
  throwsWith(
    () => readTensor('f', 'x', [[1, '2']] as never),
    TypeError,
    /^f: x\[0\]\[1\] must be a number, got "2"/,
  );
  throwsWith(
    () => readTensor('f', 'x', [[1, null]] as never),
    TypeError,
    /^f: x\[0\]\[1\] must be a number, got null/,
  );
  throwsWith(
    () => readTensor('f', 'x', { data: [1, 2n], shape: [2] } as never),
    TypeError,
    /^f: x\.data\[1\] must be a number, got 2/,
  );
});

test('readTensor(fn, arg, x) throws naming x.shape or x.data for a tensor whose shape and data disagree', () => {
  throwsWith(
    () => readTensor('f', 'x', { data: [1, 2, 3], shape: [2, 2] }),
    RangeError,
    /^f: x\.shape \[2, 2\] holds 4 values, but x\.data has 3/,
  );
  throwsWith(
    () => readTensor('f', 'x', { data: [1], shape: [-1] }),
    RangeError,
    /^f: x\.shape \[-1\] must hold non-negative integers, got -1/,
  );
  throwsWith(
    () => readTensor('f', 'x', { data: [1], shape: 1 } as never),
    TypeError,
    /^f: x\.shape must be an array of dimensions, got 1/,
  );
  throwsWith(
    () => readTensor('f', 'x', { data: 'ab', shape: [2] } as never),
    TypeError,
    /^f: x\.data must be a typed array or an array of numbers, got "ab"/,
  );
  throwsWith(
    () => readTensor('f', 'x', { data: new DataView(new ArrayBuffer(8)), shape: [1] } as never),
    TypeError,
    /^f: x\.data must be a typed array or an array of numbers, got a DataView/,
  );
});

test('readTensor(fn, arg, x) throws a TypeError naming fn and arg for anything else', () => {
  for (const bad of [null, undefined, 'abc', {}, { data: [1] }, true]) {
    throwsWith(
      () => readTensor('f', 'x', bad as never),
      TypeError,
      /^f: x must be a tensor \{ data, shape \}, a typed array or \(nested\) arrays of numbers, got /,
    );
  }
  throwsWith(
    () => readTensor('f', 'x', new DataView(new ArrayBuffer(8)) as never),
    TypeError,
    /^f: x must be numbers, got a DataView/,
  );
});
