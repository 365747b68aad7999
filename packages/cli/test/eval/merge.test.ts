/**
 * `xent eval --merge`: shards scored apart and merged give the result of the whole file.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertClose, evalJson, FIXTURES, tempDir, xent } from '../support/xent.ts';

/** Splits a fixture into shards of the given row counts (each with the header) in `dir`. */
function shard(fixture: string, sizes: number[], dir: string): string[] {
  const [header, ...rows] = readFileSync(join(FIXTURES, fixture), 'utf8').trimEnd().split('\n');
  const ext = fixture.slice(fixture.lastIndexOf('.'));
  const names: string[] = [];
  let at = 0;
  sizes.forEach((size, k) => {
    const name = join(dir, `shard${k}${ext}`);
    const part = rows.slice(at, at + size);
    at += size;
    writeFileSync(name, `${header}\n${part.join('\n')}\n`);
    names.push(name);
  });
  assert.equal(at, rows.length);
  return names;
}

const METRICS = ['logLoss', 'accuracy', 'ece', 'brier', 'perplexity', 'entropy'];

function assertSameResult(merged: Record<string, unknown>, whole: Record<string, unknown>): void {
  assert.equal(merged.rows, whole.rows);
  assert.equal(merged.unnormalizedRows, whole.unnormalizedRows);
  for (const key of METRICS) assertClose(merged[key], whole[key], 1e-13, key);
  const a = merged.perClass as Record<string, number>[];
  const b = whole.perClass as Record<string, number>[];
  a.forEach((entry, k) => {
    assert.equal(entry.count, b[k].count);
    assertClose(entry.logLoss, b[k].logLoss, 1e-13, `perClass[${k}].logLoss`);
    assertClose(entry.accuracy, b[k].accuracy, 1e-13, `perClass[${k}].accuracy`);
  });
}

describe('xent eval --merge equals scoring the whole file', () => {
  for (const [fixture, extra, sizes] of [
    ['multiclass_names.csv', [], [100, 1, 199]],
    ['weighted.csv', ['--weight-column', 'w'], [150, 150]],
    ['multiclass_int.tsv', [], [25, 25, 200]],
  ] as [string, string[], number[]][]) {
    test(`${fixture} in ${sizes.length} shards`, () => {
      const dir = tempDir();
      const whole = evalJson([fixture, ...extra]);
      const results = shard(fixture, sizes, dir).map((file, k) => {
        const path = join(dir, `r${k}.json`);
        writeFileSync(path, JSON.stringify(evalJson([file, ...extra])));
        return path;
      });
      const merged = evalJson(['--merge', ...results]);
      assertSameResult(merged, whole);
      assert.deepEqual(merged.merged, results);
      // Merged results merge again: ((r0 + r1) + r2).
      const firstTwo = join(dir, 'first-two.json');
      writeFileSync(firstTwo, JSON.stringify(evalJson(['--merge', results[0], results[1]])));
      assertSameResult(evalJson(['--merge', firstTwo, ...results.slice(2)]), whole);
    });
  }

  test('multi-label JSON Lines in two shards', () => {
    const dir = tempDir();
    const lines = readFileSync(join(FIXTURES, 'multilabel.jsonl'), 'utf8').trimEnd().split('\n');
    writeFileSync(join(dir, 'a.jsonl'), `${lines.slice(0, 70).join('\n')}\n`);
    writeFileSync(join(dir, 'b.jsonl'), `${lines.slice(70).join('\n')}\n`);
    const args = ['--target', 'a,b,c,d'];
    writeFileSync(join(dir, 'a.json'), JSON.stringify(evalJson(['a.jsonl', ...args], { cwd: dir })));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(evalJson(['b.jsonl', ...args], { cwd: dir })));
    const merged = evalJson(['--merge', 'a.json', 'b.json'], { cwd: dir });
    const whole = evalJson(['multilabel.jsonl', ...args]);
    assertSameResult(merged, whole);
    assertClose(merged.hammingLoss, whole.hammingLoss, 1e-13, 'hammingLoss');
  });

  test('the table is printed for merged results too', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'r.json'), JSON.stringify(evalJson(['binary.csv'])));
    const run = xent(['eval', '--merge', join(dir, 'r.json'), join(dir, 'r.json'), '--no-progress']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /binary, 2 classes, 800 rows/);
  });

  test('results of different tasks, classes or options do not merge: exit status 1 naming the file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bin.json'), JSON.stringify(evalJson(['binary.csv'])));
    writeFileSync(join(dir, 'names.json'), JSON.stringify(evalJson(['multiclass_names.csv'])));
    writeFileSync(join(dir, 'eps.json'), JSON.stringify(evalJson(['multiclass_names.csv', '--eps', '1e-7'])));
    writeFileSync(join(dir, 'bad.json'), '{"rows": 3}');
    writeFileSync(join(dir, 'text.json'), 'rows: 3');
    for (const [files, message] of [
      [
        ['names.json', 'bin.json'],
        /^xent eval: bin\.json: cannot be merged with names\.json: task multiclass vs binary$/m,
      ],
      [
        ['names.json', 'eps.json'],
        /^xent eval: eps\.json: cannot be merged with names\.json: eps 2\.220446049250313e-16 vs 1e-7$/m,
      ],
      [
        ['names.json', 'bad.json'],
        /^xent eval: bad\.json: has no "sums" object: expected xent eval --json output$/m,
      ],
      [['text.json'], /^xent eval: text\.json: is not JSON/],
      [['missing.json'], /^xent eval: missing\.json: no such file$/m],
    ] as [string[], RegExp][]) {
      const run = xent(['eval', '--merge', ...files], { cwd: dir });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, message);
    }
  });
});
