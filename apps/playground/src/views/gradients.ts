/**
 * View 2, gradients: |dL/dz| against the logit z of a sigmoid output, for binary cross-entropy and for
 * MSE on the probability. BCE's gradient is the library's binaryCrossEntropyWithLogitsWithGrad; MSE's
 * is the library's mseLossWithGrad at p = sigmoid(z), times dp/dz = σ(z)·σ(−z) (the chain rule, with
 * both sigmoids from the library).
 */
import * as Plot from '@observablehq/plot';
import { binaryCrossEntropyWithLogitsWithGrad, mseLossWithGrad, sigmoid } from 'xent';
import { fmt } from '../format.ts';
import { chartWidth, explain, h, onResize, readout, show, slider, type View } from '../ui.ts';

interface Gradients {
  p: Float64Array;
  bce: Float64Array;
  mse: Float64Array;
}

/** p = σ(z), dBCE/dz and dMSE/dz for each z, against target y. */
export function gradientsAt(z: Float64Array, y: number): Gradients {
  const target = new Float64Array(z.length).fill(y);
  const p = sigmoid(z).data as Float64Array;
  const q = sigmoid(z.map((v) => -v)).data as Float64Array; // 1 - σ(z), without the cancellation
  const bce = binaryCrossEntropyWithLogitsWithGrad(z, target, { reduction: 'none' }).grad
    .data as Float64Array;
  const dLdp = mseLossWithGrad(p, target, { reduction: 'none' }).grad.data as Float64Array;
  const mse = dLdp.map((g, i) => g * p[i] * q[i]);
  return { p, bce, mse };
}

export const gradientsView: View = {
  path: '/gradients',
  title: 'Gradients',
  mount(root) {
    let y = 1;
    let z = -4;
    const zs = Float64Array.from({ length: 401 }, (_, i) => -10 + i * 0.05);

    const pOut = readout('grad-p', 'p = σ(z)');
    const bceOut = readout('grad-bce', '|dL/dz| cross-entropy');
    const mseOut = readout('grad-mse', '|dL/dz| MSE');
    const zControl = slider({
      id: 'z-slider',
      label: 'logit z',
      min: -10,
      max: 10,
      step: 0.1,
      value: z,
      format: (v) => v.toFixed(1),
      onInput: (v) => {
        z = v;
        update();
      },
    });
    const radios = h('div', { class: 'radio-row' });
    for (const value of [1, 0]) {
      const input = h('input', {
        type: 'radio',
        name: 'grad-target',
        id: `grad-target-${value}`,
        value,
        checked: value === y,
      });
      input.addEventListener('change', () => {
        if (input.checked) {
          y = value;
          update();
        }
      });
      radios.append(h('label', { for: `grad-target-${value}` }, input, ` y = ${value}`));
    }
    const targetField = h('fieldset', {}, h('legend', {}, 'Target y'), radios);
    const chart = h('div', { class: 'chart', id: 'gradients-chart' });
    const note = h('p', { class: 'status', id: 'grad-note' });

    root.append(
      h(
        'section',
        { 'aria-labelledby': 'gradients-title' },
        h('h2', { id: 'gradients-title' }, 'Gradients: why classifiers use cross-entropy'),
        h(
          'div',
          { class: 'view-grid' },
          h(
            'div',
            { class: 'side' },
            explain(
              [
                'A sigmoid turns the logit z into a probability p = σ(z). Learning moves z by the gradient dL/dz, so a loss whose gradient vanishes stops learning.',
                "With MSE the sigmoid's slope p(1 − p) multiplies the gradient: when the prediction is confidently wrong (p near 0 while y = 1) the slope is near 0 and learning stalls. Cross-entropy's gradient is p − y: near 1 in size exactly when the model is most wrong.",
              ],
              ['p = σ(z) = 1 / (1 + e^(−z))', 'BCE  dL/dz = p − y', 'MSE  dL/dz = 2 (p − y) · p (1 − p)'],
            ),
            h('div', { class: 'controls' }, targetField, zControl.el),
            h('div', { class: 'readouts' }, pOut.el, bceOut.el, mseOut.el),
            note,
          ),
          h('div', { class: 'charts' }, chart),
        ),
      ),
    );

    function update(): void {
      const at = gradientsAt(Float64Array.of(z), y);
      show(pOut.value, at.p[0]);
      show(bceOut.value, Math.abs(at.bce[0]));
      show(mseOut.value, Math.abs(at.mse[0]));
      const wrong = (y === 1 && at.p[0] < 0.1) || (y === 0 && at.p[0] > 0.9);
      note.textContent = wrong
        ? `Confidently wrong: MSE's gradient is ${fmt(Math.abs(at.mse[0]), 2)}, cross-entropy's ${fmt(Math.abs(at.bce[0]), 2)}.`
        : '';
      draw(at);
    }

    function draw(at: Gradients): void {
      const curves = computeCurves();
      const current = [
        { z, g: Math.abs(at.bce[0]), name: 'cross-entropy' },
        { z, g: Math.abs(at.mse[0]), name: 'MSE' },
      ];
      const wrongSide = y === 1 ? [{ x1: -10, x2: -2.2 }] : [{ x1: 2.2, x2: 10 }];
      chart.replaceChildren(
        Plot.plot({
          width: chartWidth(chart),
          height: 380,
          ariaLabel: `Size of the gradient dL/dz against the logit z for target y = ${y}`,
          x: { label: 'logit z', domain: [-10, 10] },
          y: { label: '|dL/dz|', domain: [0, 1.05], grid: true },
          color: { legend: true, domain: ['cross-entropy', 'MSE'], range: ['#3b5ba5', '#e15759'] },
          marks: [
            Plot.rectX(wrongSide, { x1: 'x1', x2: 'x2', y1: 0, y2: 1.05, fill: '#f6e3e3' }),
            Plot.text(wrongSide, {
              x: (d: { x1: number; x2: number }) => (d.x1 + d.x2) / 2,
              y: 0.62,
              text: () => 'confidently wrong',
              fontSize: 11,
              fill: '#a33',
            }),
            Plot.ruleY([0]),
            Plot.line(curves, { x: 'z', y: 'g', stroke: 'name', strokeWidth: 2 }),
            Plot.ruleX([z], { stroke: '#888', strokeDasharray: '3,3' }),
            Plot.dot(current, { x: 'z', y: 'g', fill: 'name', r: 6, stroke: 'white' }),
            Plot.text(current, {
              x: 'z',
              y: 'g',
              text: (d: { g: number }) => fmt(d.g, 3),
              dx: z > 4 ? -10 : 10,
              dy: -10,
              textAnchor: z > 4 ? 'end' : 'start',
              fontSize: 12,
              fontWeight: 600,
              fill: '#1d2330',
              stroke: 'white',
              strokeWidth: 3,
              paintOrder: 'stroke',
            }),
          ],
        }),
      );
    }

    let cached: { y: number; rows: { z: number; g: number; name: string }[] } | undefined;
    function computeCurves() {
      if (cached?.y !== y) {
        const all = gradientsAt(zs, y);
        cached = {
          y,
          rows: [
            ...Array.from(zs, (v, i) => ({ z: v, g: Math.abs(all.bce[i]), name: 'cross-entropy' })),
            ...Array.from(zs, (v, i) => ({ z: v, g: Math.abs(all.mse[i]), name: 'MSE' })),
          ],
        };
      }
      return cached.rows;
    }

    update();
    return onResize(update);
  },
};
