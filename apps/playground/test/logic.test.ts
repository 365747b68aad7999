/**
 * The playground's non-visual parts in Node: the reference-case runner of the Accuracy view, and the
 * Train view's network, backpropagation and trainer (whose loss gradients come from the library).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { type FunctionReport, type ReferenceCase, runCases } from '../src/accuracy/reference.ts';
import { DATASETS, makeDataset } from '../src/train/datasets.ts';
import { datasetLoss, Network, Trainer } from '../src/train/trainer.ts';

const referenceDir = new URL('../../../reference/', import.meta.url);

test('the Accuracy view’s runner passes every PyTorch reference case in Node, as the library’s own tests do', () => {
  const reports = new Map<string, FunctionReport>();
  const files = readdirSync(referenceDir).filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 13);
  for (const file of files)
    runCases(file, JSON.parse(readFileSync(new URL(file, referenceDir), 'utf8')) as ReferenceCase[], reports);
  const failures = [...reports.values()].flatMap((r) => r.failures);
  assert.deepEqual(failures, []);
  assert.equal(
    [...reports.values()].reduce((s, r) => s + r.passed, 0),
    2974,
  );
  for (const r of reports.values()) assert.ok(r.maxUlps64 < 1e-10 / 2 ** -52, `${r.fn}: ${r.maxUlps64} ε`);
});

test('the Accuracy view’s runner reports a wrong result as a failure with its error in ε', () => {
  const reports = new Map<string, FunctionReport>();
  const good: ReferenceCase = {
    fn: 'sigmoid',
    dtype: 'float64',
    input: { shape: [1], data: [0] },
    target: null,
    options: {},
    loss: { shape: [1], data: [0.5] },
    grad: null,
  };
  runCases('made-up', [good, { ...good, loss: { shape: [1], data: [0.5 + 1e-9] } }], reports);
  const r = reports.get('sigmoid');
  assert.ok(r);
  assert.equal(r.cases, 2);
  assert.equal(r.passed, 1);
  assert.match(r.failures[0], /made-up case 1/);
  assert.ok(r.maxUlps64 > 1e6, `error ${r.maxUlps64} ε`);
});

test('Network.backward matches central finite differences of the library’s loss, for every task kind', () => {
  for (const [name] of DATASETS) {
    const data = makeDataset(name);
    const rows = Int32Array.from({ length: 12 }, (_, i) => i * 7);
    const x = Float64Array.from({ length: rows.length * 2 }, (_, j) => data.x[2 * rows[j >> 1] + (j & 1)]);
    for (const activation of ['tanh', 'relu'] as const) {
      const net = new Network([2, 5, data.outputs], activation, 3);
      const lossOf = () => datasetLoss(data, net.forward(x, rows.length), rows, 0.1, false).loss;
      const { grad } = datasetLoss(data, net.forward(x, rows.length), rows, 0.1, true);
      net.backward(grad, rows.length);
      const { values, grads } = net.params();
      values.forEach((p, j) => {
        for (let i = 0; i < p.length; i++) {
          const keep = p[i];
          const h = 1e-6;
          p[i] = keep + h;
          const up = lossOf();
          p[i] = keep - h;
          const down = lossOf();
          p[i] = keep;
          const numeric = (up - down) / (2 * h);
          assert.ok(
            Math.abs(numeric - grads[j][i]) <= 1e-6 * (1 + Math.abs(numeric)),
            `${name} ${activation} param ${j}[${i}]: backprop ${grads[j][i]}, finite differences ${numeric}`,
          );
        }
      });
    }
  }
});

test('Trainer: Adam on moons with an MLP brings the whole-dataset loss below 0.1', () => {
  const trainer = new Trainer(
    { dataset: 'moons', model: 'mlp', hidden: 16, activation: 'tanh', seed: 1 },
    { optimizer: 'adam', learningRate: 0.03, batchSize: 32, labelSmoothing: 0 },
  );
  const initial = trainer.evaluate().loss;
  for (let i = 0; i < 1500; i++) trainer.train();
  const { loss, accuracy } = trainer.evaluate();
  assert.ok(loss < 0.1 && loss < initial, `loss ${initial} → ${loss}`);
  assert.ok(accuracy > 0.95, `accuracy ${accuracy}`);
  assert.equal(trainer.grid(8).length, 64);
});

test('Trainer: every dataset, model and optimizer lowers the loss', () => {
  for (const [dataset] of DATASETS) {
    for (const [model, optimizer, learningRate] of [
      ['linear', 'sgd', 0.3],
      ['mlp', 'momentum', 0.03],
      ['mlp', 'adam', 0.03],
    ] as const) {
      const trainer = new Trainer(
        { dataset, model, hidden: 8, activation: 'relu', seed: 2 },
        { optimizer, learningRate, batchSize: 16, labelSmoothing: 0.05 },
      );
      const initial = trainer.evaluate().loss;
      for (let i = 0; i < 150; i++) trainer.train();
      const { loss } = trainer.evaluate();
      assert.ok(loss < initial, `${dataset} ${model} ${optimizer}: loss ${initial} → ${loss}`);
      const outputs = trainer.data.outputs;
      const grid = trainer.grid(4);
      assert.equal(grid.length, 16 * outputs);
    }
  }
});
