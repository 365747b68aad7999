/**
 * View 3, softmax explorer: editable logits (drag the bars or type), a temperature, a target class and
 * label smoothing. Probabilities are the library's softmax of z / T; the loss and the gradient ŷ − y
 * are the library's crossEntropyWithGrad of z / T.
 */
import * as Plot from '@observablehq/plot';
import { crossEntropyWithGrad, softmax } from 'xent';
import { fmt } from '../format.ts';
import {
  chartWidth,
  explain,
  h,
  numberInput,
  onResize,
  PALETTE,
  readout,
  select,
  show,
  slider,
  type View,
} from '../ui.ts';

export interface SoftmaxResult {
  probabilities: Float64Array;
  loss: number;
  grad: Float64Array;
}

/** softmax(z / T), and cross-entropy and its gradient with respect to z / T, for one example. */
export function explore(
  logits: readonly number[],
  temperature: number,
  target: number,
  smoothing: number,
): SoftmaxResult {
  const scaled = { data: Float64Array.from(logits, (v) => v / temperature), shape: [1, logits.length] };
  const probabilities = softmax(scaled).data as Float64Array;
  const { loss, grad } = crossEntropyWithGrad(scaled, Int32Array.of(target), {
    labelSmoothing: smoothing,
    reduction: 'sum',
  });
  return { probabilities, loss, grad: grad.data as Float64Array };
}

const DEFAULT_LOGITS = [2, 1, 0.1, -1, 0.5, -0.5, 1.5, -1.5, 0.8, -0.2];
const LOGIT_RANGE = 6;

export const softmaxView: View = {
  path: '/softmax',
  title: 'Softmax explorer',
  mount(root) {
    let classes = 4;
    const logits = DEFAULT_LOGITS.slice();
    let temperature = 1;
    let target = 0;
    let smoothing = 0;

    const classCount = numberInput({
      id: 'classes',
      label: 'classes (2 to 10)',
      value: classes,
      min: 2,
      max: 10,
      step: 1,
      onChange: (v) => {
        const c = Math.round(v);
        if (c < 2 || c > 10 || c === classes) return;
        classes = c;
        if (target >= classes) target = 0;
        rebuild();
      },
    });
    const tempControl = slider({
      id: 'temperature',
      label: 'temperature T',
      min: 0.1,
      max: 5,
      step: 0.05,
      value: temperature,
      format: (v) => v.toFixed(2),
      onInput: (v) => {
        temperature = v;
        update();
      },
    });
    const smoothControl = slider({
      id: 'smoothing',
      label: 'label smoothing ε',
      min: 0,
      max: 1,
      step: 0.01,
      value: smoothing,
      format: (v) => v.toFixed(2),
      onInput: (v) => {
        smoothing = v;
        update();
      },
    });
    const targetHolder = h('div');
    const lossOut = readout('softmax-loss', 'cross-entropy loss');
    const tableBody = h('tbody');
    const table = h(
      'table',
      { class: 'values', id: 'softmax-table' },
      h('caption', { class: 'visually-hidden' }, 'Logits, probabilities and gradient per class'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'class'),
          h('th', { scope: 'col' }, 'logit z'),
          h('th', { scope: 'col' }, 'ŷ'),
          h('th', { scope: 'col' }, 'ŷ − y'),
        ),
      ),
      tableBody,
    );
    const logitChart = h('div', {
      class: 'chart drag-surface',
      id: 'logit-chart',
      'aria-label': 'Logits: drag a bar up or down to change it (or type in the table)',
    });
    const probChart = h('div', { class: 'chart', id: 'prob-chart' });
    const gradChart = h('div', { class: 'chart', id: 'grad-chart' });

    root.append(
      h(
        'section',
        { 'aria-labelledby': 'softmax-title' },
        h('h2', { id: 'softmax-title' }, 'Softmax explorer'),
        h(
          'div',
          { class: 'view-grid' },
          h(
            'div',
            { class: 'side' },
            explain(
              [
                'Softmax turns logits (any real numbers) into probabilities that are positive and sum to 1. Temperature divides the logits first: T < 1 sharpens, T > 1 flattens.',
                'Cross-entropy is −log of the probability of the target class. Its gradient with respect to the (scaled) logits is simply ŷ − y: push the target up, every other class down, in proportion to its probability. Label smoothing mixes the one-hot target with the uniform distribution.',
              ],
              [
                'ŷᵢ = exp(zᵢ/T) / Σⱼ exp(zⱼ/T)',
                'y = (1 − ε)·onehot(t) + ε/C',
                'L = −Σᵢ yᵢ log ŷᵢ',
                'dL/d(zᵢ/T) = ŷᵢ − yᵢ',
              ],
            ),
            h('div', { class: 'controls' }, classCount.el, targetHolder, tempControl.el, smoothControl.el),
            h('div', { class: 'readouts' }, lossOut.el),
            table,
          ),
          h(
            'div',
            { class: 'charts' },
            h('p', { class: 'chart-title' }, 'Logits z (drag a bar)'),
            logitChart,
            h('p', { class: 'chart-title' }, 'Probabilities ŷ = softmax(z / T)'),
            probChart,
            h('p', { class: 'chart-title' }, 'Gradient ŷ − y'),
            gradChart,
          ),
        ),
      ),
    );

    let logitInputs: HTMLInputElement[] = [];
    let probOuts: HTMLOutputElement[] = [];
    let gradOuts: HTMLOutputElement[] = [];

    function rebuild(): void {
      const targetSelect = select({
        id: 'target-class',
        label: 'target class t',
        options: Array.from({ length: classes }, (_, i) => [String(i), `class ${i}`] as const),
        value: String(target),
        onChange: (v) => {
          target = Number(v);
          update();
        },
      });
      targetHolder.replaceChildren(targetSelect.el);
      logitInputs = [];
      probOuts = [];
      gradOuts = [];
      tableBody.replaceChildren();
      for (let i = 0; i < classes; i++) {
        const input = numberInput({
          id: `logit-${i}`,
          label: `logit of class ${i}`,
          value: logits[i],
          step: 0.1,
          hideLabel: true,
          onChange: (v) => {
            logits[i] = v;
            update(false);
          },
        });
        const prob = h('output', { id: `prob-${i}`, 'aria-label': `probability of class ${i}` });
        const grad = h('output', { id: `grad-${i}`, 'aria-label': `gradient of class ${i}` });
        logitInputs.push(input.input);
        probOuts.push(prob);
        gradOuts.push(grad);
        tableBody.append(
          h(
            'tr',
            {},
            h(
              'th',
              { scope: 'row' },
              h('span', { class: 'swatch', style: `background:${PALETTE[i]}` }),
              String(i),
            ),
            h('td', {}, input.el),
            h('td', {}, prob),
            h('td', {}, grad),
          ),
        );
      }
      update();
    }

    let current: SoftmaxResult | undefined;
    function update(syncInputs = true): void {
      const z = logits.slice(0, classes);
      current = explore(z, temperature, target, smoothing);
      show(lossOut.value, current.loss);
      for (let i = 0; i < classes; i++) {
        show(probOuts[i], current.probabilities[i], 4);
        show(gradOuts[i], current.grad[i], 4);
        if (syncInputs && document.activeElement !== logitInputs[i]) logitInputs[i].value = String(logits[i]);
      }
      draw();
    }

    let logitPlot: ReturnType<typeof Plot.plot> | undefined;
    function draw(): void {
      if (!current) return;
      const rows = Array.from({ length: classes }, (_, i) => ({
        c: String(i),
        z: logits[i],
        p: current?.probabilities[i] ?? 0,
        g: current?.grad[i] ?? 0,
        target: i === target,
      }));
      const domain = rows.map((r) => r.c);
      const color = { domain, range: PALETTE.slice(0, classes) };
      const width = chartWidth(probChart, 640);
      const x = { domain, label: 'class', padding: 0.2 };
      logitPlot = Plot.plot({
        width,
        height: 190,
        ariaLabel: 'Logits per class',
        x,
        y: {
          domain: [-LOGIT_RANGE - 0.8, LOGIT_RANGE + 0.8],
          ticks: [-6, -4, -2, 0, 2, 4, 6],
          label: 'z',
          grid: true,
        },
        color,
        marks: [
          Plot.barY(rows, { x: 'c', y: 'z', fill: 'c' }),
          Plot.ruleY([0]),
          Plot.text(rows, {
            x: 'c',
            y: 'z',
            text: (d: { z: number }) => fmt(d.z, 3),
            dy: -8,
            fontSize: 11,
            filter: (d: { z: number }) => d.z >= 0,
          }),
          Plot.text(rows, {
            x: 'c',
            y: 'z',
            text: (d: { z: number }) => fmt(d.z, 3),
            dy: 8,
            fontSize: 11,
            filter: (d: { z: number }) => d.z < 0,
          }),
        ],
      });
      logitChart.replaceChildren(logitPlot);
      probChart.replaceChildren(
        Plot.plot({
          width,
          height: 170,
          ariaLabel: 'Softmax probabilities per class',
          x,
          y: { domain: [0, 1.12], ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], label: 'ŷ', grid: true },
          color,
          marks: [
            Plot.barY(rows, { x: 'c', y: 'p', fill: 'c' }),
            Plot.barY(rows, { x: 'c', y: 'p', stroke: 'black', strokeWidth: 2, filter: 'target' }),
            Plot.ruleY([0]),
            Plot.text(rows, {
              x: 'c',
              y: 'p',
              text: (d: { p: number }) => fmt(d.p, 3),
              dy: -8,
              fontSize: 11,
            }),
          ],
        }),
      );
      gradChart.replaceChildren(
        Plot.plot({
          width,
          height: 170,
          ariaLabel: 'Gradient ŷ − y per class',
          x,
          y: { domain: [-1.25, 1.25], ticks: [-1, -0.5, 0, 0.5, 1], label: 'ŷ − y', grid: true },
          color,
          marks: [
            Plot.barY(rows, { x: 'c', y: 'g', fill: 'c' }),
            Plot.ruleY([0]),
            Plot.text(rows, {
              x: 'c',
              y: 'g',
              text: (d: { g: number }) => fmt(d.g, 3),
              dy: -8,
              fontSize: 11,
              filter: (d: { g: number }) => d.g >= 0,
            }),
            Plot.text(rows, {
              x: 'c',
              y: 'g',
              text: (d: { g: number }) => fmt(d.g, 3),
              dy: 8,
              fontSize: 11,
              filter: (d: { g: number }) => d.g < 0,
            }),
          ],
        }),
      );
    }

    // Dragging: the listeners sit on the chart's wrapper, which survives the re-renders.
    let dragging: number | undefined;
    function dragTo(event: PointerEvent, pick: boolean): void {
      const svg = logitChart.querySelector('svg');
      if (!svg || !logitPlot) return;
      const rect = svg.getBoundingClientRect();
      const ratio = svg.viewBox.baseVal.width > 0 ? svg.viewBox.baseVal.width / rect.width : 1;
      const px = (event.clientX - rect.left) * ratio;
      const py = (event.clientY - rect.top) * ratio;
      const xs = logitPlot.scale('x');
      const ys = logitPlot.scale('y');
      if (!xs || !ys?.invert) return;
      if (pick) {
        const band = xs.bandwidth ?? 0;
        let best = -1;
        let bestDistance = Number.POSITIVE_INFINITY;
        for (let i = 0; i < classes; i++) {
          const d = Math.abs(px - (Number(xs.apply(String(i))) + band / 2));
          if (d < bestDistance) {
            bestDistance = d;
            best = i;
          }
        }
        if (best < 0 || bestDistance > (xs.step ?? band)) return;
        dragging = best;
      }
      if (dragging === undefined) return;
      const v = Math.max(-LOGIT_RANGE, Math.min(LOGIT_RANGE, Number(ys.invert(py))));
      logits[dragging] = Math.round(v * 10) / 10;
      update();
    }
    logitChart.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      dragTo(e, true);
      if (dragging !== undefined) logitChart.setPointerCapture(e.pointerId);
    });
    logitChart.addEventListener('pointermove', (e) => {
      if (dragging !== undefined) dragTo(e, false);
    });
    const endDrag = (e: PointerEvent) => {
      dragging = undefined;
      if (logitChart.hasPointerCapture(e.pointerId)) logitChart.releasePointerCapture(e.pointerId);
    };
    logitChart.addEventListener('pointerup', endDrag);
    logitChart.addEventListener('pointercancel', endDrag);

    rebuild();
    return onResize(draw);
  },
};
