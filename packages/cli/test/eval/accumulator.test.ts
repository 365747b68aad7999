/**
 * Accumulator and metricsOf: the sums of scored rows and the metrics from them, checked against the
 * formulas written out naively here, and the additivity that --merge relies on.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Accumulator, binOf } from '../../src/eval/accumulator.ts';
import { metricsOf } from '../../src/eval/metrics.ts';
import { AUTO_EPS } from '../../src/eval/options.ts';
import { addSums, readSums } from '../../src/eval/sums.ts';

const close = (a: number, e: number, what: string) =>
  assert.ok(Math.abs(a - e) <= 1e-14 * Math.max(1, Math.abs(e)), `${what}: ${a} vs ${e}`);

describe('Accumulator, multiclass', () => {
  const P = [
    [0.7, 0.2, 0.1],
    [0.1, 0.8, 0.1],
    [0.3, 0.3, 0.4],
    [0, 1, 0],
  ];
  const y = [0, 1, 0, 0];
  const w = [1, 2, 0.5, 1];
  const score = (rows: number[]) => {
    const acc = new Accumulator('multiclass', 'probs', AUTO_EPS, true, ['a', 'b', 'c']);
    acc.add(
      Float64Array.from(rows.flatMap((i) => P[i])),
      Float64Array.from(rows.map((i) => y[i])),
      Float64Array.from(rows.map((i) => w[i])),
      rows.length,
    );
    return acc.sums();
  };
  test('weighted log loss, accuracy, brier, entropy, ece and per-class results from their definitions', () => {
    const m = metricsOf(score([0, 1, 2, 3]));
    const W = 4.5;
    const ce = P.map((p, i) => -Math.log(Math.min(Math.max(p[y[i]], AUTO_EPS), 1 - AUTO_EPS)));
    close(m.logLoss, w.reduce((s, wi, i) => s + wi * ce[i], 0) / W, 'logLoss');
    close(m.accuracy, (1 + 2) / W, 'accuracy');
    close(m.perplexity, Math.exp(m.logLoss), 'perplexity');
    const brier = P.map((p, i) => p.reduce((s, pc, c) => s + (pc - (c === y[i] ? 1 : 0)) ** 2, 0));
    close(m.brier, w.reduce((s, wi, i) => s + wi * brier[i], 0) / W, 'brier');
    const entropy = P.map((p) => -p.reduce((s, pc) => s + (pc > 0 ? pc * Math.log(pc) : 0), 0));
    close(m.entropy, w.reduce((s, wi, i) => s + wi * entropy[i], 0) / W, 'entropy');
    // bins: 0.7 -> 10, 0.8 -> 11, 0.4 -> 5, 1 -> 14; correct: yes, yes, no, no
    close(m.ece, (1 * 0.3 + 2 * 0.2 + 0.5 * 0.4 + 1 * 1) / W, 'ece');
    assert.deepEqual(
      m.perClass.map((c) => [c.class, c.count]),
      [
        ['a', 3],
        ['b', 1],
        ['c', 0],
      ],
    );
    close(m.perClass[0].logLoss, (ce[0] + 0.5 * ce[2] + ce[3]) / 2.5, 'perClass a');
    close(m.perClass[0].accuracy, 1 / 2.5, 'perClass a accuracy');
    assert.ok(Number.isNaN(m.perClass[2].logLoss));
  });
  test('sums of parts add up to the sums of the whole', () => {
    const whole = metricsOf(score([0, 1, 2, 3]));
    const merged = metricsOf(addSums([score([0]), score([1, 2]), score([3])]));
    for (const key of ['logLoss', 'accuracy', 'brier', 'entropy', 'ece'] as const)
      close(merged[key], whole[key], key);
    assert.equal(merged.rows, 4);
  });
  test('sums survive JSON (--json, then --merge reads them back)', () => {
    const s = score([0, 1, 2, 3]);
    assert.deepEqual(readSums(JSON.parse(JSON.stringify(s))), s);
    assert.match(String(readSums({ ...s, version: 2 })), /version 2/);
  });
});

describe('Accumulator, binary and multi-label', () => {
  test('binary is the two classes [1 - p, p]; brier is mean (p - y)²; p = 0.5 predicts 0', () => {
    const acc = new Accumulator('binary', 'probs', AUTO_EPS, false, ['0', '1']);
    acc.add(Float64Array.from([0.9, 0.5, 0.2]), Float64Array.from([1, 1, 0]), undefined, 3);
    const m = metricsOf(acc.sums());
    close(m.logLoss, -(Math.log(0.9) + Math.log(0.5) + Math.log(1 - 0.2)) / 3, 'logLoss');
    close(m.accuracy, 2 / 3, 'accuracy');
    close(m.brier, (0.01 + 0.25 + 0.04) / 3, 'brier');
  });
  test('logits go through sigmoid and softmax', () => {
    const bin = new Accumulator('binary', 'logits', AUTO_EPS, false, ['0', '1']);
    bin.add(Float64Array.from([2]), Float64Array.from([1]), undefined, 1);
    close(metricsOf(bin.sums()).logLoss, -Math.log(1 / (1 + Math.exp(-2))), 'sigmoid');
    const multi = new Accumulator('multiclass', 'logits', AUTO_EPS, false, ['a', 'b']);
    multi.add(Float64Array.from([1, 3]), Float64Array.from([0]), undefined, 1);
    close(metricsOf(multi.sums()).logLoss, -Math.log(Math.exp(1) / (Math.exp(1) + Math.exp(3))), 'softmax');
  });
  test('multi-label: mean BCE over labels and rows, subset accuracy, Hamming loss', () => {
    const acc = new Accumulator('multilabel', 'probs', AUTO_EPS, false, ['x', 'y']);
    acc.add(Float64Array.from([0.9, 0.2, 0.6, 0.7]), Float64Array.from([1, 0, 0, 1]), undefined, 2);
    const m = metricsOf(acc.sums());
    close(m.logLoss, -(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.7)) / 4, 'logLoss');
    close(m.accuracy, 1 / 2, 'subset accuracy');
    assert.equal(m.subsetAccuracy, m.accuracy);
    close(m.hammingLoss ?? Number.NaN, 1 / 4, 'hamming');
    assert.deepEqual(
      m.perClass.map((c) => c.count),
      [1, 1],
    );
  });
  test('confidence bins are (b/15, (b+1)/15], with 0 in the first', () => {
    assert.deepEqual([0, 1 / 15, 0.07, 0.5, 14 / 15, 0.99, 1].map(binOf), [0, 0, 1, 7, 13, 14, 14]);
  });
});
