/**
 * The figures that explain cross-entropy (`xent plot seed`), every number computed by the library:
 * 1. -log(p) against the predicted probability p of the true class, beside MSE's (1 - p)²;
 * 2. for a sigmoid output and target 1, |d loss / d logit| of BCE and of MSE as the prediction becomes
 *    confidently wrong: MSE's gradient vanishes, cross-entropy's stays near 1;
 * 3. the softmax + cross-entropy gradient ŷ - y for one example.
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogitsWithGrad,
  crossEntropyWithGrad,
  mseLoss,
  mseLossWithGrad,
  sigmoid,
  softmax,
} from 'xent';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const COLORS = { scale: { range: ['#4c78a8', '#e45756', '#54a24b'] } };

/** The figures by file stem. */
export function seedFigures(): Record<string, TopLevelSpec> {
  return {
    'loss-vs-probability': lossVsProbability(),
    'gradient-bce-vs-mse': gradientBceVsMse(),
    'softmax-gradient': softmaxGradient(),
  };
}

function lossVsProbability(): TopLevelSpec {
  const p = Float64Array.from({ length: 200 }, (_, i) => 0.005 + (i * 0.99) / 199);
  const ones = new Float64Array(p.length).fill(1);
  const ce = binaryCrossEntropy(p, ones, { reduction: 'none' }).data;
  const mse = mseLoss(p, ones, { reduction: 'none' }).data;
  const values = [...p].flatMap((v, i) => [
    { p: v, loss: ce[i], kind: 'cross-entropy  -log(p)' },
    { p: v, loss: mse[i], kind: 'MSE  (1 - p)²' },
  ]);
  const marks = [0.01, 0.99].map((v) => {
    const loss = binaryCrossEntropy([v], [1]);
    return { p: v, loss, label: `p = ${v}: loss ≈ ${loss < 0.1 ? loss.toFixed(2) : loss.toFixed(1)}` };
  });
  return {
    $schema: SCHEMA,
    title: {
      text: 'Cross-entropy punishes confident mistakes',
      subtitle: 'loss against the predicted probability of the true class',
    },
    width: 560,
    height: 320,
    background: 'white',
    layer: [
      {
        data: { values },
        mark: 'line',
        encoding: {
          x: {
            field: 'p',
            type: 'quantitative',
            title: 'predicted probability of the true class, p',
            scale: { domain: [0, 1] },
          },
          y: { field: 'loss', type: 'quantitative', title: 'loss' },
          color: { field: 'kind', type: 'nominal', title: null, ...COLORS },
        },
      },
      {
        data: { values: marks },
        mark: { type: 'point', filled: true, size: 70, color: 'black' },
        encoding: { x: { field: 'p', type: 'quantitative' }, y: { field: 'loss', type: 'quantitative' } },
      },
      {
        data: { values: marks },
        mark: { type: 'text', align: 'left', dx: 8, dy: -10, fontSize: 12 },
        encoding: {
          x: { field: 'p', type: 'quantitative' },
          y: { field: 'loss', type: 'quantitative' },
          text: { field: 'label' },
        },
      },
    ],
  };
}

function gradientBceVsMse(): TopLevelSpec {
  const z = Float64Array.from({ length: 161 }, (_, i) => -10 + i / 8);
  const ones = new Float64Array(z.length).fill(1);
  const bce = binaryCrossEntropyWithLogitsWithGrad(z, ones, { reduction: 'sum' }).grad.data;
  // MSE on the probability p = σ(z): by the chain rule d/dz = d/dp · p (1 - p).
  const p = sigmoid(z).data;
  const mse = mseLossWithGrad(p, ones, { reduction: 'sum' }).grad.data;
  const values = [...z].flatMap((v, i) => [
    { z: v, gradient: Math.abs(bce[i]), kind: 'cross-entropy (BCE)' },
    { z: v, gradient: Math.abs(mse[i] * p[i] * (1 - p[i])), kind: 'MSE on σ(z)' },
  ]);
  return {
    $schema: SCHEMA,
    title: {
      text: 'When the prediction is confidently wrong, only cross-entropy still pushes',
      subtitle: 'gradient magnitude with respect to the logit z, target y = 1 (z < 0 is wrong)',
    },
    width: 560,
    height: 320,
    background: 'white',
    data: { values },
    mark: 'line',
    encoding: {
      x: { field: 'z', type: 'quantitative', title: 'logit z (σ(z) is the predicted probability of y = 1)' },
      y: { field: 'gradient', type: 'quantitative', title: '|d loss / d z|' },
      color: { field: 'kind', type: 'nominal', title: null, ...COLORS },
    },
  };
}

function softmaxGradient(): TopLevelSpec {
  const logits = [1.2, 2.4, 0.3, -0.8, 0.9];
  const target = 2;
  const probs = softmax(logits).data;
  const grad = crossEntropyWithGrad([logits], [target], { reduction: 'sum' }).grad.data;
  const values = logits.flatMap((_, c) => [
    { class: `class ${c}`, value: probs[c], kind: 'ŷ = softmax(z)' },
    { class: `class ${c}`, value: c === target ? 1 : 0, kind: 'y (one-hot, target class 2)' },
    { class: `class ${c}`, value: grad[c], kind: 'gradient ŷ - y' },
  ]);
  return {
    $schema: SCHEMA,
    title: {
      text: 'Softmax + cross-entropy: the gradient is ŷ - y',
      subtitle: `logits ${logits.join(', ')}; target class ${target}`,
    },
    width: 560,
    height: 300,
    background: 'white',
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'class', type: 'nominal', title: null },
      xOffset: { field: 'kind', sort: ['ŷ = softmax(z)', 'y (one-hot, target class 2)', 'gradient ŷ - y'] },
      y: { field: 'value', type: 'quantitative', title: 'value' },
      color: {
        field: 'kind',
        type: 'nominal',
        title: null,
        sort: ['ŷ = softmax(z)', 'y (one-hot, target class 2)', 'gradient ŷ - y'],
        ...COLORS,
      },
    },
  };
}
