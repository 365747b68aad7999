/** The shared checks: each fails on NaN too, and each message names the function and the argument. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkBoolean,
  checkIndices,
  checkInteger,
  checkNumberIn,
  checkReduction,
  checkSameShape,
  readOptions,
  sameShape,
  shapeText,
} from '../../src/internal/checks.ts';
import { throwsWith } from '../support/throws.ts';

test('checkReduction(fn, value, allowed) returns an allowed value and throws a TypeError listing the allowed ones otherwise', () => {
  assert.equal(checkReduction('f', 'sum', ['none', 'sum']), 'sum');
  for (const bad of ['mean', 'SUM', undefined, Number.NaN]) {
    throwsWith(
      () => checkReduction('f', bad, ['none', 'sum']),
      TypeError,
      /^f: reduction must be one of 'none', 'sum', got /,
    );
  }
});

test('checkNumberIn(fn, arg, value, min, max) accepts the closed range and rejects NaN, non-numbers and values outside', () => {
  assert.equal(checkNumberIn('f', 'a', 0, 0, 1), 0);
  assert.equal(checkNumberIn('f', 'a', 1, 0, 1), 1);
  for (const bad of [Number.NaN, -1e-300, 1.0000001, '0.5', null]) {
    throwsWith(
      () => checkNumberIn('f', 'options.a', bad, 0, 1),
      RangeError,
      /^f: options\.a must be a number between 0 and 1, got /,
    );
  }
  throwsWith(
    () => checkNumberIn('f', 'a', -1, 0, Number.POSITIVE_INFINITY),
    RangeError,
    /^f: a must be a number >= 0, got -1/,
  );
});

test('checkInteger and checkBoolean accept their type only, naming fn and arg', () => {
  assert.equal(checkInteger('f', 'i', -100), -100);
  for (const bad of [0.5, Number.NaN, '1', Number.POSITIVE_INFINITY]) {
    throwsWith(
      () => checkInteger('f', 'options.i', bad),
      TypeError,
      /^f: options\.i must be an integer, got /,
    );
  }
  assert.equal(checkBoolean('f', 'b', false), false);
  for (const bad of [0, 'true', null]) {
    throwsWith(
      () => checkBoolean('f', 'options.b', bad),
      TypeError,
      /^f: options\.b must be true or false, got /,
    );
  }
});

test('sameShape, shapeText and checkSameShape compare and print shapes', () => {
  assert.ok(sameShape([2, 3], [2, 3]));
  assert.ok(sameShape([], []));
  assert.ok(!sameShape([2, 3], [3, 2]));
  assert.ok(!sameShape([2], [2, 1]));
  assert.equal(shapeText([2, 3]), '[2, 3]');
  assert.equal(shapeText([]), '[]');
  checkSameShape('f', [1, 2], [1, 2]);
  throwsWith(
    () => checkSameShape('f', [1, 2], [2]),
    RangeError,
    /^f: target has shape \[2\], expected the input's shape \[1, 2\]/,
  );
});

interface Options {
  reduction?: string;
  posWeight?: number[];
  axis?: number;
}

test('readOptions(fn, options, known) gives {} for undefined, the object itself otherwise, and throws a TypeError for a non-object', () => {
  const known = { reduction: true, posWeight: true, axis: true } as const;
  assert.deepEqual(readOptions('f', undefined, known), {});
  const o = { reduction: 'sum', posWeight: undefined };
  assert.equal(readOptions('f', o, known), o);
  for (const bad of [null, 1, 'sum', true]) {
    throwsWith(
      () => readOptions('f', bad as Options, known),
      TypeError,
      /^f: options must be an object, got /,
    );
  }
});

test('readOptions(fn, options, known) throws on an unknown option, naming it, the options, and the camelCase name of a PyTorch spelling', () => {
  const known = { reduction: true, posWeight: true, axis: true } as const;
  const read = (o: object) => () => readOptions('f', o as Options, known);
  throwsWith(
    read({ pos_weight: [2] }),
    TypeError,
    /^f: unknown option "pos_weight" \(did you mean "posWeight"\?\); the options are reduction, posWeight, axis$/,
  );
  throwsWith(read({ dim: 1 }), TypeError, /^f: unknown option "dim" \(did you mean "axis"\?\)/);
  throwsWith(read({ reduce: 'sum' }), TypeError, /^f: unknown option "reduce"; the options are /);
  throwsWith(read({ constructor: 1 }), TypeError, /^f: unknown option "constructor"; /);
});

test('checkIndices(fn, target, classes, ignoreIndex) counts the targets not ignored and throws on the first bad one, naming its position', () => {
  assert.equal(checkIndices('f', [0, 2, -100, 1], 3, -100), 3);
  assert.equal(checkIndices('f', [], 3, -100), 0);
  assert.equal(checkIndices('f', [1, 1], 3, 1), 0);
  throwsWith(
    () => checkIndices('f', [0, 3], 3, -100),
    RangeError,
    /^f: target value 3 at flat position 1 is out of range: expected an integer in \[0, 2\] or ignoreIndex \(-100\) \(input has 3 classes\)/,
  );
  throwsWith(
    () => checkIndices('f', [1.5], 3, -100),
    RangeError,
    /^f: target value 1\.5 at flat position 0 is not an integer class index/,
  );
  throwsWith(
    () => checkIndices('f', [-1], 3, Number.NaN),
    RangeError,
    /^f: target value -1 at flat position 0 is out of range: expected an integer in \[0, 2\] \(input has 3 classes\)/,
  );
  throwsWith(
    () => checkIndices('f', [Number.NaN], 3, Number.NaN),
    RangeError,
    /^f: target value NaN at flat position 0 is not an integer class index/,
  );
});
