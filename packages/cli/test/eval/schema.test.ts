/**
 * buildSchema: which columns are predictions, targets and weights, and which task that makes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataError } from '../../src/errors.ts';
import { buildSchema, type Header, type SchemaOptions } from '../../src/eval/schema.ts';

const h = (columns: string[], file = 'p.csv'): Header => ({ file, columns, line: 1 });
const auto: SchemaOptions = { task: 'auto', target: undefined, weightColumn: undefined };
const kinds = (roles: readonly { kind: string; index?: number }[]) =>
  roles.map((r) => (r.index === undefined ? r.kind : `${r.kind}${r.index}`));

describe('buildSchema(predictions, labels, options)', () => {
  test('by default the last column is the target and the others are the classes, in order', () => {
    const s = buildSchema(h(['cat', 'dog', 'bird', 'label']), undefined, auto);
    assert.equal(s.task, 'multiclass');
    assert.deepEqual(s.classes, ['cat', 'dog', 'bird']);
    assert.deepEqual(kinds(s.predictions.roles), ['prediction0', 'prediction1', 'prediction2', 'target0']);
  });
  test('one prediction column means binary; several targets multi-label', () => {
    assert.equal(buildSchema(h(['p', 'y']), undefined, auto).task, 'binary');
    const s = buildSchema(h(['y1', 'p1', 'p2', 'y2']), undefined, { ...auto, target: ['y1', 'y2'] });
    assert.equal(s.task, 'multilabel');
    assert.deepEqual(s.classes, ['y1', 'y2']);
    assert.deepEqual(kinds(s.predictions.roles), ['target0', 'prediction0', 'prediction1', 'target1']);
  });
  test('the weight column is neither prediction nor target, wherever it is', () => {
    const s = buildSchema(h(['a', 'b', 'label', 'w']), undefined, { ...auto, weightColumn: 'w' });
    assert.deepEqual(kinds(s.predictions.roles), ['prediction0', 'prediction1', 'target0', 'weight']);
    assert.equal(s.weighted, true);
  });
  test('with a labels file: every predictions column is a prediction; multi-label pairs by name', () => {
    const s = buildSchema(h(['b', 'a']), h(['id', 'a', 'b'], 'l.csv'), { ...auto, target: ['a', 'b'] });
    assert.equal(s.task, 'multilabel');
    assert.deepEqual(kinds(s.predictions.roles), ['prediction1', 'prediction0']);
    assert.deepEqual(kinds(s.labels?.roles ?? []), ['ignored', 'target0', 'target1']);
  });
  test('errors name the file, the header line and the column', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => buildSchema(h(['a', 'a', 'y']), undefined, auto),
        /^p\.csv:1: column "a": appears twice in the header$/,
      ],
      [
        () => buildSchema(h(['a', 'y']), undefined, { ...auto, target: ['z'] }),
        /column "z": target column not found/,
      ],
      [
        () => buildSchema(h(['a', 'b', 'y']), undefined, { ...auto, task: 'binary' }),
        /binary scoring takes one/,
      ],
      [
        () => buildSchema(h(['a', 'y']), undefined, { ...auto, task: 'multiclass' }),
        /multiclass scoring needs one column per class/,
      ],
      [
        () => buildSchema(h(['a', 'b', 'c', 'y1', 'y2']), undefined, { ...auto, target: ['y1', 'y2'] }),
        /multi-label scoring needs one prediction column per label/,
      ],
      [() => buildSchema(h(['y']), undefined, auto), /only the column "y"/],
    ];
    for (const [fn, message] of cases) {
      assert.throws(fn, (error: unknown) => error instanceof DataError && message.test(error.message));
    }
  });
});
