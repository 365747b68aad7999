/**
 * View 5, train: a linear model or a one-hidden-layer MLP trained by gradient descent in a Web Worker,
 * with the library's fused loss and gradient; decision regions and the loss curve animate as it learns.
 */
import * as Plot from '@observablehq/plot';
import { fmt } from '../format.ts';
import { DATASETS, type DatasetName, type TaskKind } from '../train/datasets.ts';
import type { DataMessage, FromWorker, SnapshotMessage, ToWorker } from '../train/protocol.ts';
import {
  type Activation,
  EXTENT,
  type Hyper,
  type ModelKind,
  type OptimizerKind,
  type Setup,
} from '../train/trainer.ts';
import {
  chartWidth,
  explain,
  h,
  onResize,
  PALETTE,
  readout,
  select,
  show,
  slider,
  type View,
} from '../ui.ts';

/** Colours of the multi-label combinations: neither, A only, B only, both. */
const COMBOS = ['#c9ccd3', PALETTE[0], PALETTE[1], PALETTE[4]] as const;

function rgb(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** The colour of a grid cell: the class colours weighted by the probabilities, washed towards white. */
function cellColour(kind: TaskKind, outputs: number, p: Float32Array, i: number): string {
  let r = 0;
  let g = 0;
  let b = 0;
  const add = (hex: string, w: number) => {
    const [cr, cg, cb] = rgb(hex);
    r += w * cr;
    g += w * cg;
    b += w * cb;
  };
  if (kind === 'multiclass') for (let k = 0; k < outputs; k++) add(PALETTE[k], p[i * outputs + k]);
  else if (kind === 'binary') {
    add(PALETTE[1], p[i]);
    add(PALETTE[0], 1 - p[i]);
  } else {
    const a = p[i * 2];
    const c = p[i * 2 + 1];
    add(COMBOS[0], (1 - a) * (1 - c));
    add(COMBOS[1], a * (1 - c));
    add(COMBOS[2], (1 - a) * c);
    add(COMBOS[3], a * c);
  }
  const wash = 0.55;
  const mix = (v: number) => Math.round(255 * (1 - wash) + v * wash);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

/** The colour of a data point's true label. */
function pointColour(kind: TaskKind, label: number): string {
  if (kind === 'multilabel') return COMBOS[label];
  return PALETTE[label];
}

export const trainView: View = {
  path: '/train',
  title: 'Train',
  mount(root) {
    let setup: Setup = { dataset: 'moons', model: 'mlp', hidden: 16, activation: 'tanh', seed: 1 };
    let hyper: Hyper = { optimizer: 'adam', learningRate: 0.03, batchSize: 32, labelSmoothing: 0 };
    let data: DataMessage | undefined;
    let latest: SnapshotMessage | undefined;
    let running = false;

    const worker = new Worker(new URL('../train/worker.ts', import.meta.url), {
      type: 'module',
      name: 'trainer',
    });
    const send = (message: ToWorker) => worker.postMessage(message);

    const reset = () => {
      running = false;
      send({ type: 'reset', setup, hyper });
      renderButtons();
    };
    const changeSetup = (patch: Partial<Setup>) => {
      setup = { ...setup, ...patch };
      reset();
    };
    const changeHyper = (patch: Partial<Hyper>) => {
      hyper = { ...hyper, ...patch };
      send({ type: 'hyper', hyper });
    };

    const datasetSelect = select<DatasetName>({
      id: 'train-dataset',
      label: 'dataset',
      options: DATASETS,
      value: setup.dataset,
      onChange: (dataset) => changeSetup({ dataset }),
    });
    const hiddenSelect = select({
      id: 'train-hidden',
      label: 'hidden units',
      options: [
        ['4', '4'],
        ['8', '8'],
        ['16', '16'],
        ['32', '32'],
      ],
      value: String(setup.hidden),
      onChange: (v) => changeSetup({ hidden: Number(v) }),
    });
    const activationSelect = select<Activation>({
      id: 'train-activation',
      label: 'activation',
      options: [
        ['tanh', 'tanh'],
        ['relu', 'ReLU'],
      ],
      value: setup.activation,
      onChange: (activation) => changeSetup({ activation }),
    });
    const modelSelect = select<ModelKind>({
      id: 'train-model',
      label: 'model',
      options: [
        ['linear', 'linear'],
        ['mlp', 'MLP (one hidden layer)'],
      ],
      value: setup.model,
      onChange: (model) => {
        hiddenSelect.input.disabled = model === 'linear';
        activationSelect.input.disabled = model === 'linear';
        changeSetup({ model });
      },
    });
    const optimizerSelect = select<OptimizerKind>({
      id: 'train-optimizer',
      label: 'optimizer',
      options: [
        ['sgd', 'SGD'],
        ['momentum', 'SGD + momentum 0.9'],
        ['adam', 'Adam'],
      ],
      value: hyper.optimizer,
      onChange: (optimizer) => changeHyper({ optimizer }),
    });
    const rates = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];
    const rateSlider = slider({
      id: 'train-lr',
      label: 'learning rate',
      min: 0,
      max: rates.length - 1,
      step: 1,
      value: rates.indexOf(hyper.learningRate),
      format: (i) => String(rates[i]),
      onInput: (i) => changeHyper({ learningRate: rates[i] }),
    });
    rateSlider.input.setAttribute('aria-valuetext', String(hyper.learningRate));
    rateSlider.input.addEventListener('input', () =>
      rateSlider.input.setAttribute('aria-valuetext', String(rates[Number(rateSlider.input.value)])),
    );
    const batchSelect = select({
      id: 'train-batch',
      label: 'batch size',
      options: [
        ['1', '1'],
        ['8', '8'],
        ['32', '32'],
        ['64', '64'],
        ['100000', 'all (full batch)'],
      ],
      value: String(hyper.batchSize),
      onChange: (v) => changeHyper({ batchSize: Number(v) }),
    });
    const smoothingSlider = slider({
      id: 'train-smoothing',
      label: 'label smoothing ε',
      min: 0,
      max: 0.5,
      step: 0.01,
      value: hyper.labelSmoothing,
      format: (v) => v.toFixed(2),
      onInput: (labelSmoothing) => changeHyper({ labelSmoothing }),
    });

    const speeds = [
      ['1', 'slow (1 step / frame)'],
      ['4', 'normal (4 / frame)'],
      ['Infinity', 'fast'],
    ] as const;
    const speedSelect = select({
      id: 'train-speed',
      label: 'speed',
      options: speeds,
      value: '4',
      onChange: (v) => send({ type: 'speed', stepsPerSlice: Number(v) }),
    });

    const playButton = h('button', { type: 'button', class: 'primary', id: 'train-play' }, 'Train');
    const stepButton = h('button', { type: 'button', id: 'train-step' }, 'Step');
    const resetButton = h('button', { type: 'button', id: 'train-reset' }, 'Reset');
    playButton.addEventListener('click', () => {
      running = !running;
      send({ type: running ? 'play' : 'pause' });
      renderButtons();
    });
    stepButton.addEventListener('click', () => {
      running = false;
      send({ type: 'step' });
      renderButtons();
    });
    resetButton.addEventListener('click', reset);
    function renderButtons(): void {
      playButton.textContent = running ? 'Pause' : 'Train';
      playButton.setAttribute('aria-pressed', String(running));
    }

    const lossOut = readout('train-loss', 'loss (whole dataset)');
    const accOut = readout('train-accuracy', 'accuracy');
    const stepOut = readout('train-steps', 'step');
    const epochOut = readout('train-epoch', 'epoch');
    const lossName = h('p', { class: 'status', id: 'train-loss-name' });
    const status = h('p', { class: 'status', id: 'train-status', role: 'status' });
    const legend = h('div', { class: 'legend', id: 'train-legend' });
    const regionChart = h('div', { class: 'chart', id: 'train-regions' });
    const lossChart = h('div', { class: 'chart', id: 'train-loss-chart' });

    root.append(
      h(
        'section',
        { 'aria-labelledby': 'train-title' },
        h('h2', { id: 'train-title' }, 'Train a classifier'),
        h(
          'div',
          { class: 'view-grid' },
          h(
            'div',
            { class: 'side' },
            explain(
              [
                'A small network maps each point (x₁, x₂) to logits. Training repeats: take a mini-batch, compute the loss and its gradient with respect to the logits (the library does this in one fused pass), backpropagate it through the network, and move the weights a little against it.',
                'Two classes use one logit with sigmoid + BCE, three classes softmax + cross-entropy, and the two-discs set (a point can be in A, in B, in both or in neither) a sigmoid per label with BCE summed over labels and averaged over points. Training runs in a Web Worker, so the page stays responsive.',
              ],
              [
                'logits = W₂ · act(W₁ x + b₁) + b₂',
                'dL/dlogits = ŷ − y  (from the library)',
                'w ← w − lr · dL/dw  (SGD)',
              ],
            ),
            h(
              'div',
              { class: 'controls' },
              datasetSelect.el,
              modelSelect.el,
              hiddenSelect.el,
              activationSelect.el,
              optimizerSelect.el,
              rateSlider.el,
              batchSelect.el,
              smoothingSlider.el,
              speedSelect.el,
            ),
          ),
          h(
            'div',
            {},
            h('div', { class: 'buttons' }, playButton, stepButton, resetButton),
            h('div', { class: 'readouts' }, lossOut.el, accOut.el, stepOut.el, epochOut.el),
            lossName,
            status,
            h(
              'div',
              { class: 'train-charts' },
              h('div', {}, h('p', { class: 'chart-title' }, 'Decision regions'), regionChart, legend),
              h('div', {}, h('p', { class: 'chart-title' }, 'Loss on the whole dataset'), lossChart),
            ),
          ),
        ),
      ),
    );

    let frame = 0;
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(render);
    };

    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      if (message.type === 'error') {
        status.textContent = `Training stopped: ${message.message}`;
        running = false;
        renderButtons();
        return;
      }
      if (message.type === 'data') {
        data = message;
        legend.replaceChildren(
          ...(data.kind === 'multilabel' ? ['neither', 'A only', 'B only', 'A and B'] : data.classNames).map(
            (name, k) =>
              h(
                'span',
                {},
                h('span', {
                  class: 'swatch',
                  style: `background:${pointColour(data?.kind ?? 'multiclass', k)}`,
                }),
                name,
              ),
          ),
        );
        lossName.textContent =
          data.kind === 'multiclass'
            ? 'Loss: crossEntropyWithGrad (softmax + CE, mean over points).'
            : data.kind === 'binary'
              ? 'Loss: binaryCrossEntropyWithLogitsWithGrad (sigmoid + BCE, mean over points).'
              : "Loss: binaryCrossEntropyWithLogitsWithGrad, reduction 'batchmean' (BCE summed over labels, mean over points).";
        return;
      }
      latest = message;
      schedule();
    };
    worker.onerror = (event) => {
      status.textContent = `The training worker failed: ${event.message}`;
    };

    function render(): void {
      frame = 0;
      const snap = latest;
      if (!snap || !data) return;
      show(lossOut.value, snap.loss);
      accOut.value.textContent = `${(100 * snap.accuracy).toFixed(1)} %`;
      accOut.value.dataset.value = String(snap.accuracy);
      stepOut.value.textContent = String(snap.step);
      epochOut.value.textContent = String(snap.epoch);
      status.textContent = snap.running
        ? 'Training…'
        : snap.step === 0
          ? 'Ready: press Train or Step.'
          : 'Paused.';
      drawRegions(snap, data);
      drawLoss(snap);
    }

    function drawRegions(snap: SnapshotMessage, d: DataMessage): void {
      const size = snap.gridSize;
      const cells = new Array(size * size);
      const cell = (2 * EXTENT) / size;
      for (let r = 0; r < size; r++) {
        for (let c = 0; c < size; c++) {
          const i = r * size + c;
          cells[i] = {
            x: -EXTENT + (c + 0.5) * cell,
            y: EXTENT - (r + 0.5) * cell,
            fill: cellColour(d.kind, d.outputs, snap.grid, i),
          };
        }
      }
      const points = Array.from(d.labels, (label, i) => ({
        x: d.x[2 * i],
        y: d.x[2 * i + 1],
        fill: pointColour(d.kind, label),
      }));
      const side = Math.min(chartWidth(regionChart, 460), 460);
      regionChart.replaceChildren(
        Plot.plot({
          width: side,
          height: side,
          marginLeft: 36,
          marginBottom: 30,
          ariaLabel: 'Decision regions of the model and the training points',
          x: { domain: [-EXTENT, EXTENT], label: 'x₁' },
          y: { domain: [-EXTENT, EXTENT], label: 'x₂' },
          color: { type: 'identity' },
          marks: [
            Plot.raster(cells, {
              x: 'x',
              y: 'y',
              fill: 'fill',
              width: size,
              height: size,
              x1: -EXTENT,
              x2: EXTENT,
              y1: -EXTENT,
              y2: EXTENT,
              imageRendering: 'pixelated',
            }),
            Plot.dot(points, {
              x: 'x',
              y: 'y',
              fill: 'fill',
              r: 3,
              stroke: 'white',
              strokeWidth: 0.7,
              clip: true,
            }),
          ],
        }),
      );
    }

    function drawLoss(snap: SnapshotMessage): void {
      const history = snap.history.map(([step, loss]) => ({ step, loss }));
      const maxStep = Math.max(10, history[history.length - 1]?.step ?? 10);
      lossChart.replaceChildren(
        Plot.plot({
          width: chartWidth(lossChart, 460),
          height: 260,
          marginLeft: 44,
          ariaLabel: 'Loss on the whole dataset against the training step',
          x: { domain: [0, maxStep], label: 'step' },
          y: { type: 'log', label: 'loss', grid: true, tickFormat: '~g' },
          marks: [
            Plot.line(history, { x: 'step', y: 'loss', stroke: '#3b5ba5', strokeWidth: 2 }),
            Plot.dot(history.slice(-1), { x: 'step', y: 'loss', fill: '#3b5ba5', r: 4 }),
            Plot.text(history.slice(-1), {
              x: 'step',
              y: 'loss',
              text: (p: { loss: number }) => fmt(p.loss, 3),
              dy: -10,
              textAnchor: 'end',
              fontSize: 11,
            }),
          ],
        }),
      );
    }

    reset();
    const stopResize = onResize(schedule);
    return () => {
      stopResize();
      cancelAnimationFrame(frame);
      worker.terminate();
    };
  },
};
