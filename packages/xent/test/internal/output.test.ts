/** newLike / gradBuffer / lossResult: output buffers of the input's float type and the reduced result. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradBuffer, lossResult, newLike } from '../../src/internal/output.ts';
import { throwsWith } from '../support/throws.ts';

test("newLike(like, n) is a zeroed array of like's float type", () => {
  assert.deepEqual(newLike(new Float32Array(1), 3), new Float32Array(3));
  assert.deepEqual(newLike(new Float64Array(1), 2), new Float64Array(2));
});

test("gradBuffer(fn, gradOut, input) returns a new buffer, or gradOut when it matches the input's type and length", () => {
  const input = { data: Float64Array.from([1, 2]), shape: [2] };
  const fresh = gradBuffer('f', undefined, input);
  assert.deepEqual(fresh, new Float64Array(2));
  const out = new Float64Array(2);
  assert.equal(gradBuffer('f', out, input), out);
  const input32 = { data: Float32Array.from([1, 2]), shape: [1, 2] };
  assert.ok(gradBuffer('f', undefined, input32) instanceof Float32Array);
});

test('gradBuffer(fn, gradOut, input) throws a TypeError naming gradOut, the expected type and length, and what came', () => {
  const input = { data: Float32Array.from([1, 2]), shape: [1, 2] };
  throwsWith(
    () => gradBuffer('f', new Float64Array(2), input),
    TypeError,
    /^f: gradOut must be a Float32Array of length 2 \(the input's type and size, shape \[1, 2\]\), got a Float64Array of length 2/,
  );
  throwsWith(
    () => gradBuffer('f', new Float32Array(3), input),
    TypeError,
    /^f: gradOut must be a Float32Array of length 2 .*got a Float32Array of length 3/,
  );
  throwsWith(
    () => gradBuffer('f', [0, 0], input),
    TypeError,
    /^f: gradOut must be a Float32Array of length 2 .*got an array of length 2/,
  );
  throwsWith(
    () => gradBuffer('f', input.data, input),
    TypeError,
    /^f: gradOut must not be the input's own data/,
  );
});

test("lossResult(reduction, sum, divisor, perElement, shape) is the tensor for 'none', the sum for 'sum', sum / divisor otherwise", () => {
  const per = Float32Array.from([1, 2]);
  const shape = [2];
  const none = lossResult('none', 3, 2, per, shape);
  assert.deepEqual(none, { data: per, shape: [2] });
  assert.notEqual((none as { shape: number[] }).shape, shape);
  assert.equal(lossResult('sum', 3, 2, undefined, shape), 3);
  assert.equal(lossResult('mean', 3, 2, undefined, shape), 1.5);
  assert.equal(lossResult('batchmean', 3, 4, undefined, shape), 0.75);
  // Not rounded to float32: the reduced number is the float64 result.
  assert.equal(lossResult('mean', 1, 3, undefined, shape), 1 / 3);
});
