/**
 * View 4, pairings: the same logits through sigmoid + BCE (binary, the first logit), softmax + CE
 * (multiclass) and a sigmoid per class + BCE summed (multi-label). Every probability, loss and gradient
 * is the library's.
 */
import * as Plot from '@observablehq/plot';
import { binaryCrossEntropyWithLogitsWithGrad, crossEntropyWithGrad, sigmoid, softmax } from 'xent';
import { fmt } from '../format.ts';
import { chartWidth, explain, h, numberInput, onResize, readout, select, show, type View } from '../ui.ts';

export interface Pairing {
  probabilities: Float64Array;
  loss: number;
  grad: Float64Array;
}

/** Sigmoid + BCE on the first logit alone, against y ∈ {0, 1}. */
export function binaryPairing(logits: readonly number[], y: number): Pairing {
  const z = Float64Array.of(logits[0]);
  const { loss, grad } = binaryCrossEntropyWithLogitsWithGrad(z, Float64Array.of(y), { reduction: 'sum' });
  return { probabilities: sigmoid(z).data as Float64Array, loss, grad: grad.data as Float64Array };
}

/** Softmax + cross-entropy over all the logits, against the class index t. */
export function multiclassPairing(logits: readonly number[], t: number): Pairing {
  const z = { data: Float64Array.from(logits), shape: [1, logits.length] };
  const { loss, grad } = crossEntropyWithGrad(z, Int32Array.of(t), { reduction: 'sum' });
  return { probabilities: softmax(z).data as Float64Array, loss, grad: grad.data as Float64Array };
}

/** A sigmoid per class + BCE summed over the classes, against a 0/1 target per class. */
export function multilabelPairing(logits: readonly number[], ys: readonly number[]): Pairing {
  const z = { data: Float64Array.from(logits), shape: [1, logits.length] };
  const y = { data: Float64Array.from(ys), shape: [1, ys.length] };
  const { loss, grad } = binaryCrossEntropyWithLogitsWithGrad(z, y, { reduction: 'sum' });
  return { probabilities: sigmoid(z).data as Float64Array, loss, grad: grad.data as Float64Array };
}

interface Panel {
  key: 'binary' | 'multiclass' | 'multilabel';
  title: string;
  formula: string[];
  note: string;
}

const PANELS: readonly Panel[] = [
  {
    key: 'binary',
    title: 'Binary: sigmoid + BCE',
    formula: ['p = σ(z₀)', 'L = −[y log p + (1 − y) log(1 − p)]', 'dL/dz₀ = p − y'],
    note: 'One logit answers one yes/no question (here the first logit, z₀).',
  },
  {
    key: 'multiclass',
    title: 'Multiclass: softmax + CE',
    formula: ['p = softmax(z), Σ p = 1', 'L = −log p_t', 'dL/dz = p − onehot(t)'],
    note: 'Exactly one class is right: the probabilities compete and sum to 1.',
  },
  {
    key: 'multilabel',
    title: 'Multi-label: sigmoid per class + BCE summed',
    formula: ['pᵢ = σ(zᵢ), independent', 'L = Σᵢ BCE(pᵢ, yᵢ)', 'dL/dzᵢ = pᵢ − yᵢ'],
    note: 'Any number of labels can be on: each class is its own yes/no question.',
  },
];

export const pairingsView: View = {
  path: '/pairings',
  title: 'Pairings',
  mount(root) {
    let classes = 3;
    const logits = [1.5, 0.3, -0.8, 0.9, -1.2, 2.0];
    const labels = [1, 0, 1, 0, 0, 1];
    let binaryTarget = 1;
    let target = 0;

    const logitFields = h('div', { class: 'controls', id: 'pair-logits' });
    const classCount = numberInput({
      id: 'pair-classes',
      label: 'classes (2 to 6)',
      value: classes,
      min: 2,
      max: 6,
      step: 1,
      onChange: (v) => {
        const c = Math.round(v);
        if (c < 2 || c > 6 || c === classes) return;
        classes = c;
        if (target >= classes) target = 0;
        rebuild();
      },
    });
    const binary = select({
      id: 'pair-binary-target',
      label: 'binary target y (for z₀)',
      options: [
        ['1', '1 (positive)'],
        ['0', '0 (negative)'],
      ],
      value: String(binaryTarget),
      onChange: (v) => {
        binaryTarget = Number(v);
        update();
      },
    });
    const targetHolder = h('div');
    const labelField = h('fieldset', { id: 'pair-labels' });

    const outputs = new Map<
      Panel['key'],
      { loss: HTMLOutputElement; body: HTMLElement; chart: HTMLElement }
    >();
    const panels = h('div', { class: 'pairings' });
    for (const panel of PANELS) {
      const loss = readout(`pair-${panel.key}-loss`, 'loss');
      const body = h('tbody');
      const chart = h('div', { class: 'chart', id: `pair-${panel.key}-chart` });
      outputs.set(panel.key, { loss: loss.value, body, chart });
      panels.append(
        h(
          'section',
          { class: 'panel', id: `pair-${panel.key}`, 'aria-labelledby': `pair-${panel.key}-title` },
          h('h3', { id: `pair-${panel.key}-title` }, panel.title),
          h('p', { class: 'status' }, panel.note),
          h('pre', { class: 'formula' }, panel.formula.join('\n')),
          chart,
          loss.el,
          h(
            'table',
            { class: 'values' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'class'),
                h('th', { scope: 'col' }, 'p'),
                h('th', { scope: 'col' }, 'dL/dz'),
              ),
            ),
            body,
          ),
        ),
      );
    }

    root.append(
      h(
        'section',
        { 'aria-labelledby': 'pairings-title' },
        h('h2', { id: 'pairings-title' }, 'Pairings: output layer and loss go together'),
        h(
          'div',
          { class: 'view-grid' },
          h(
            'div',
            { class: 'side' },
            explain(
              [
                'The same logits mean different things depending on the output layer. Pair each output with its loss: then the gradient with respect to the logits is always the same simple form, prediction minus target.',
                'Edit the logits and the targets; the three columns recompute.',
              ],
              [
                'binary       σ + binary cross-entropy',
                'multiclass   softmax + cross-entropy',
                'multi-label  σ per class + BCE summed',
                'gradient     p − y in all three',
              ],
            ),
            h('div', { class: 'controls' }, classCount.el, logitFields, binary.el, targetHolder, labelField),
          ),
          panels,
        ),
      ),
    );

    function rebuild(): void {
      logitFields.replaceChildren(
        ...Array.from(
          { length: classes },
          (_, i) =>
            numberInput({
              id: `pair-logit-${i}`,
              label: `logit z${i}`,
              value: logits[i],
              step: 0.1,
              onChange: (v) => {
                logits[i] = v;
                update();
              },
            }).el,
        ),
      );
      targetHolder.replaceChildren(
        select({
          id: 'pair-target',
          label: 'multiclass target t',
          options: Array.from({ length: classes }, (_, i) => [String(i), `class ${i}`] as const),
          value: String(target),
          onChange: (v) => {
            target = Number(v);
            update();
          },
        }).el,
      );
      const boxes = h('div', { class: 'radio-row' });
      for (let i = 0; i < classes; i++) {
        const box = h('input', { type: 'checkbox', id: `pair-label-${i}`, checked: labels[i] === 1 });
        box.addEventListener('change', () => {
          labels[i] = box.checked ? 1 : 0;
          update();
        });
        boxes.append(h('label', { for: `pair-label-${i}` }, box, ` class ${i}`));
      }
      labelField.replaceChildren(h('legend', {}, 'multi-label targets (on = 1)'), boxes);
      update();
    }

    function update(): void {
      const z = logits.slice(0, classes);
      const results: Record<Panel['key'], Pairing> = {
        binary: binaryPairing(z, binaryTarget),
        multiclass: multiclassPairing(z, target),
        multilabel: multilabelPairing(z, labels.slice(0, classes)),
      };
      for (const panel of PANELS) {
        const out = outputs.get(panel.key);
        if (!out) continue;
        const r = results[panel.key];
        show(out.loss, r.loss);
        out.body.replaceChildren(
          ...Array.from(r.probabilities, (p, i) => {
            const pOut = h('output', { id: `pair-${panel.key}-p-${i}` });
            const gOut = h('output', { id: `pair-${panel.key}-g-${i}` });
            show(pOut, p, 4);
            show(gOut, r.grad[i], 4);
            return h('tr', {}, h('th', { scope: 'row' }, `z${i}`), h('td', {}, pOut), h('td', {}, gOut));
          }),
        );
        draw(out.chart, r, panel.key);
      }
    }

    function draw(container: HTMLElement, r: Pairing, key: Panel['key']): void {
      const rows = Array.from(r.probabilities, (p, i) => [
        { c: `z${i}`, kind: 'p', v: p },
        { c: `z${i}`, kind: 'dL/dz', v: r.grad[i] },
      ]).flat();
      container.replaceChildren(
        Plot.plot({
          width: chartWidth(container, 360, 200),
          height: 180,
          marginLeft: 36,
          marginRight: 8,
          marginBottom: 24,
          ariaLabel: `${key}: probability and gradient per logit`,
          fx: { label: null, padding: 0.15 },
          x: { domain: ['p', 'dL/dz'], axis: null, padding: 0.1 },
          y: { domain: [-1.25, 1.25], ticks: [-1, -0.5, 0, 0.5, 1], label: null, grid: true },
          color: { domain: ['p', 'dL/dz'], range: ['#3b5ba5', '#e8a33d'], legend: true },
          marks: [
            Plot.barY(rows, { fx: 'c', x: 'kind', y: 'v', fill: 'kind' }),
            Plot.ruleY([0]),
            ...[-7, 7].map((dy) =>
              Plot.text(rows, {
                fx: 'c',
                x: 'kind',
                y: 'v',
                text: (d: { v: number }) => fmt(d.v, 2),
                filter: (d: { v: number }) => d.v >= 0 === dy < 0,
                dy,
                fontSize: 10,
              }),
            ),
          ],
        }),
      );
    }

    rebuild();
    return onResize(update);
  },
};
