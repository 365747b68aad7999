/**
 * View 1, loss vs confidence: -log(p) and (1 - p)² against the probability p given to the true class.
 * Both curves and every value come from the library: binaryCrossEntropy(p, 1) = -log p and
 * mseLoss(p, 1) = (1 - p)².
 */
import * as Plot from '@observablehq/plot';
import { binaryCrossEntropy, mseLoss } from 'xent';
import { fmt } from '../format.ts';
import { chartWidth, explain, h, onResize, readout, show, slider, type View } from '../ui.ts';

/** -log p for each p: binary cross-entropy against target 1. */
function crossEntropyOf(ps: Float64Array): Float64Array {
  return binaryCrossEntropy(ps, new Float64Array(ps.length).fill(1), { reduction: 'none' })
    .data as Float64Array;
}

/** (1 - p)² for each p: squared error against target 1. */
function mseOf(ps: Float64Array): Float64Array {
  return mseLoss(ps, new Float64Array(ps.length).fill(1), { reduction: 'none' }).data as Float64Array;
}

const CALLOUTS = [0.01, 0.99];

export const lossView: View = {
  path: '/loss',
  title: 'Loss vs confidence',
  mount(root) {
    let p = 0.3;
    const grid = Float64Array.from({ length: 999 }, (_, i) => (i + 1) / 1000);
    const ceCurve = crossEntropyOf(grid);
    const mseCurve = mseOf(grid);
    const calloutCe = crossEntropyOf(Float64Array.from(CALLOUTS));

    const ce = readout('loss-ce', 'cross-entropy −log p');
    const mse = readout('loss-mse', 'MSE (1 − p)²');
    const control = slider({
      id: 'p-slider',
      label: 'p (true class)',
      min: 0.001,
      max: 0.999,
      step: 0.001,
      value: p,
      format: (v) => v.toFixed(3),
      onInput: (v) => {
        p = v;
        update();
      },
    });
    const callouts = h('ul', { class: 'callouts' });
    CALLOUTS.forEach((q, i) => {
      const value = h('output', { id: `callout-${q}` });
      show(value, calloutCe[i], 3);
      callouts.append(
        h(
          'li',
          {},
          `p = ${q}: −log p ≈ `,
          value,
          q < 0.5 ? ' (confidently wrong: a big penalty)' : ' (confidently right: almost free)',
        ),
      );
    });
    const chart = h('div', { class: 'chart', id: 'loss-chart' });

    root.append(
      h(
        'section',
        { 'aria-labelledby': 'loss-title' },
        h('h2', { id: 'loss-title' }, 'Loss vs confidence'),
        h(
          'div',
          { class: 'view-grid' },
          h(
            'div',
            { class: 'side' },
            explain(
              [
                'A classifier gives the true class a probability p. Cross-entropy charges −log p: nothing when p = 1, and without bound as p goes to 0, so a confident mistake costs a lot.',
                'Mean squared error on the same probability charges (1 − p)², never more than 1: it barely tells a confident mistake from a hesitant one.',
              ],
              [
                'cross-entropy  L = −log p',
                'MSE            L = (1 − p)²',
                'p = 0.01 → 4.6     p = 0.99 → 0.01',
              ],
            ),
            h('div', { class: 'controls' }, control.el),
            h('div', { class: 'readouts' }, ce.el, mse.el),
            callouts,
          ),
          h('div', { class: 'charts' }, chart),
        ),
      ),
    );

    function update(): void {
      const [ceValue] = crossEntropyOf(Float64Array.of(p));
      const [mseValue] = mseOf(Float64Array.of(p));
      show(ce.value, ceValue);
      show(mse.value, mseValue);
      draw(ceValue, mseValue);
    }

    function draw(ceValue: number, mseValue: number): void {
      const curves = [
        ...Array.from(grid, (x, i) => ({ p: x, loss: ceCurve[i], name: 'cross-entropy −log p' })),
        ...Array.from(grid, (x, i) => ({ p: x, loss: mseCurve[i], name: 'MSE (1 − p)²' })),
      ];
      const points = [
        { p, loss: ceValue, name: 'cross-entropy −log p', label: `−log p = ${fmt(ceValue, 3)}` },
        { p, loss: mseValue, name: 'MSE (1 − p)²', label: `(1 − p)² = ${fmt(mseValue, 3)}` },
      ];
      const marked = CALLOUTS.map((q, i) => ({
        p: q,
        loss: calloutCe[i],
        label: `p = ${q}: ${fmt(calloutCe[i], 3)}`,
      }));
      const figure = Plot.plot({
        width: chartWidth(chart),
        height: 380,
        marginRight: 20,
        ariaLabel: 'Cross-entropy and MSE against the probability of the true class',
        x: { label: 'p, the probability given to the true class', domain: [0, 1] },
        y: { label: 'loss', domain: [0, 7], grid: true },
        color: {
          legend: true,
          domain: ['cross-entropy −log p', 'MSE (1 − p)²'],
          range: ['#3b5ba5', '#e15759'],
        },
        marks: [
          Plot.ruleY([0]),
          Plot.line(curves, { x: 'p', y: 'loss', stroke: 'name', strokeWidth: 2 }),
          Plot.ruleX([p], { stroke: '#888', strokeDasharray: '3,3' }),
          Plot.dot(marked, { x: 'p', y: 'loss', r: 4, fill: '#3b5ba5' }),
          Plot.text(marked, {
            x: 'p',
            y: 'loss',
            text: 'label',
            dy: -12,
            dx: 4,
            textAnchor: 'start',
            fontSize: 11,
            filter: (d: { p: number }) => d.p < 0.5,
          }),
          Plot.text(marked, {
            x: 'p',
            y: 'loss',
            text: 'label',
            dy: -12,
            textAnchor: 'end',
            fontSize: 11,
            filter: (d: { p: number }) => d.p >= 0.5,
          }),
          Plot.dot(points, { x: 'p', y: 'loss', fill: 'name', r: 6, stroke: 'white' }),
          Plot.text(points, {
            x: 'p',
            y: 'loss',
            text: 'label',
            dx: p > 0.6 ? -10 : 10,
            dy: -10,
            textAnchor: p > 0.6 ? 'end' : 'start',
            fontSize: 12,
            fontWeight: 600,
            fill: '#1d2330',
            stroke: 'white',
            strokeWidth: 3,
            paintOrder: 'stroke',
          }),
        ],
      });
      chart.replaceChildren(figure);
    }

    update();
    const stop = onResize(update);
    return stop;
  },
};
