/** tensor(), sizeOf() and the shape helpers of src/tensor.ts: construction, validation, descriptions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sizeOf, tensor } from '../src/index.ts';
import { checkShape, describe } from '../src/tensor.ts';
import { RUNS } from './support/arbitraries.ts';
import { throwsWith } from './support/throws.ts';

test('tensor(data, shape) keeps a Float32Array or Float64Array as it is and copies the shape', () => {
  const f32 = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const shape = [2, 3];
  const t = tensor(f32, shape);
  assert.equal(t.data, f32, 'float data is not copied');
  assert.deepEqual(t.shape, [2, 3]);
  assert.notEqual(t.shape, shape, 'the shape is a copy');
  shape[0] = 6;
  assert.deepEqual(t.shape, [2, 3]);
  const f64 = new Float64Array(4);
  assert.equal(tensor(f64, [2, 2]).data, f64);
});

test('tensor(data) converts plain and integer typed arrays to Float64Array, with shape [data.length] by default', () => {
  const fromPlain = tensor([1, 2.5, -3]);
  assert.ok(fromPlain.data instanceof Float64Array);
  assert.deepEqual(fromPlain, { data: Float64Array.from([1, 2.5, -3]), shape: [3] });
  assert.deepEqual(tensor(Int32Array.from([4, 5])), { data: Float64Array.from([4, 5]), shape: [2] });
  assert.deepEqual(tensor([]), { data: new Float64Array(0), shape: [0] });
  assert.deepEqual(tensor([7], []), { data: Float64Array.from([7]), shape: [] });
});

test('tensor(data, shape) accepts every shape whose size is data.length', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }), (shape) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const t = tensor(new Float64Array(n), shape);
      assert.deepEqual(t.shape, shape);
      assert.equal(sizeOf(t.shape), n);
    }),
    RUNS,
  );
});

test('tensor(data, shape) throws a RangeError naming the shape when its size is not data.length', () => {
  throwsWith(
    () => tensor([1, 2, 3], [2, 2]),
    RangeError,
    /^tensor: shape \[2, 2\] holds 4 values, but data has 3/,
  );
  throwsWith(() => tensor([1, 2, 3], []), RangeError, /^tensor: shape \[\] holds 1 values, but data has 3/);
});

test('tensor(data, shape) throws naming the shape for a dimension that is not a non-negative integer, or a shape that is not an array', () => {
  for (const d of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    throwsWith(
      () => tensor([1], [d]),
      RangeError,
      new RegExp(`^tensor: shape \\[${d}\\] must hold non-negative integers, got ${d}`),
    );
  }
  throwsWith(
    () => tensor([1], ['1'] as never),
    RangeError,
    /^tensor: shape \["1"\] must hold non-negative integers, got "1"/,
  );
  throwsWith(
    () => tensor([1], 1 as never),
    TypeError,
    /^tensor: shape must be an array of dimensions, got 1/,
  );
});

test('tensor(data) throws a TypeError naming data for a string, an object or a non-number element', () => {
  throwsWith(
    () => tensor('abc' as never),
    TypeError,
    /^tensor: data must be an array of numbers or a typed array, got "abc"/,
  );
  throwsWith(() => tensor({ length: 2 } as never), TypeError, /^tensor: data must be .*, got an object/);
  throwsWith(() => tensor(['1', 2] as never), TypeError, /^tensor: data\[0\] must be a number, got "1"/);
  throwsWith(() => tensor(BigInt64Array.of(1n) as never), TypeError, /^tensor: data must be/);
});

test('sizeOf(shape) throws naming the dimension that is not a non-negative integer', () => {
  throwsWith(
    () => sizeOf([-1, 2]),
    RangeError,
    /^sizeOf: shape \[-1, 2\] must hold non-negative integers, got -1/,
  );
  throwsWith(() => sizeOf(3 as never), TypeError, /^sizeOf: shape must be an array of dimensions, got 3/);
});

test('sizeOf(shape) is the product of the dimensions: 1 for [], 0 with any 0', () => {
  assert.equal(sizeOf([]), 1);
  assert.equal(sizeOf([4, 3, 2]), 24);
  assert.equal(sizeOf([3, 0, 2]), 0);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 5 }), (shape) => {
      assert.equal(
        sizeOf(shape),
        shape.reduce((a, b) => a * b, 1),
      );
    }),
    RUNS,
  );
});

test('checkShape(fn, arg, shape) returns the size and names fn and arg in its errors', () => {
  assert.equal(checkShape('f', 'x.shape', [2, 3]), 6);
  assert.equal(checkShape('f', 'x.shape', []), 1);
  throwsWith(
    () => checkShape('f', 'x.shape', [2, -3]),
    RangeError,
    /^f: x\.shape \[2, -3\] must hold non-negative integers, got -3/,
  );
  throwsWith(
    () => checkShape('f', 'x.shape', '2,3'),
    TypeError,
    /^f: x\.shape must be an array of dimensions, got "2,3"/,
  );
  throwsWith(
    () => checkShape('f', 'x.shape', undefined),
    TypeError,
    /^f: x\.shape must be an array of dimensions, got undefined/,
  );
});

test('describe(value) names a value briefly for error messages', () => {
  assert.equal(describe(3.5), '3.5');
  assert.equal(describe(Number.NaN), 'NaN');
  assert.equal(describe(-0), '0');
  assert.equal(describe(5n), '5');
  assert.equal(describe(true), 'true');
  assert.equal(describe('abc'), '"abc"');
  assert.equal(describe('x'.repeat(50)), `"${'x'.repeat(40)}..."`);
  assert.equal(describe(null), 'null');
  assert.equal(describe(undefined), 'undefined');
  assert.equal(describe([1, 2, 3]), 'an array of length 3');
  assert.equal(describe(new Float32Array(2)), 'a Float32Array');
  assert.equal(
    describe(() => 1),
    'a function',
  );
});

test("describe({}) is 'an object', as its doc lists it", () => {
  assert.equal(describe({}), 'an object');
});
