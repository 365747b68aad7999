/**
 * A small dense network (linear, or one hidden layer), its backpropagation and three optimizers. The
 * loss and its gradient with respect to the logits always come from the library:
 * crossEntropyWithGrad (multiclass), binaryCrossEntropyWithLogitsWithGrad with 'mean' (binary) or
 * 'batchmean' (multi-label). Pure (no DOM): it runs in the Web Worker and in Node's tests.
 */
import {
  binaryCrossEntropyWithLogits,
  binaryCrossEntropyWithLogitsWithGrad,
  crossEntropy,
  crossEntropyWithGrad,
  sigmoid,
  softmax,
} from 'xent';
import { type Dataset, type DatasetName, makeDataset, random } from './datasets.ts';

export type ModelKind = 'linear' | 'mlp';
export type Activation = 'tanh' | 'relu';
export type OptimizerKind = 'sgd' | 'momentum' | 'adam';

/** What is fixed until a reset: the data and the model's shape. */
export interface Setup {
  readonly dataset: DatasetName;
  readonly model: ModelKind;
  readonly hidden: number;
  readonly activation: Activation;
  readonly seed: number;
}

/** What can change while training. */
export interface Hyper {
  readonly optimizer: OptimizerKind;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly labelSmoothing: number;
}

/** The half-width of the square the decision regions are drawn on. */
export const EXTENT = 1.8;

/** A dense layer: out = in · Wᵀ + b, W of shape (outDim, inDim). */
interface Layer {
  readonly inDim: number;
  readonly outDim: number;
  readonly w: Float64Array;
  readonly b: Float64Array;
  readonly gw: Float64Array;
  readonly gb: Float64Array;
}

function layer(inDim: number, outDim: number, rand: () => number, gain: number): Layer {
  // Uniform Glorot/He-style initialisation: variance gain / inDim.
  const bound = Math.sqrt((3 * gain) / inDim);
  return {
    inDim,
    outDim,
    w: Float64Array.from({ length: inDim * outDim }, () => (2 * rand() - 1) * bound),
    b: new Float64Array(outDim),
    gw: new Float64Array(inDim * outDim),
    gb: new Float64Array(outDim),
  };
}

/** A network of dense layers with `activation` between them (none after the last: it outputs logits). */
export class Network {
  readonly layers: Layer[];
  readonly activation: Activation;
  private inputs: Float64Array[] = [];
  private outputs: Float64Array[] = [];

  constructor(sizes: readonly number[], activation: Activation, seed: number) {
    const rand = random(seed);
    this.activation = activation;
    this.layers = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const last = l + 2 === sizes.length;
      this.layers.push(layer(sizes[l], sizes[l + 1], rand, last ? 1 : activation === 'relu' ? 2 : 1));
    }
  }

  /** The logits (n, outputs) of n points x (n, inDim); keeps what backward needs. */
  forward(x: Float64Array, n: number): Float64Array {
    let a = x;
    this.inputs = [];
    this.outputs = [];
    for (let l = 0; l < this.layers.length; l++) {
      const { inDim, outDim, w, b } = this.layers[l];
      const z = new Float64Array(n * outDim);
      for (let i = 0; i < n; i++) {
        for (let o = 0; o < outDim; o++) {
          let s = b[o];
          for (let k = 0; k < inDim; k++) s += a[i * inDim + k] * w[o * inDim + k];
          z[i * outDim + o] = s;
        }
      }
      this.inputs.push(a);
      if (l + 1 < this.layers.length) {
        if (this.activation === 'tanh') for (let j = 0; j < z.length; j++) z[j] = Math.tanh(z[j]);
        else for (let j = 0; j < z.length; j++) z[j] = Math.max(z[j], 0);
      }
      this.outputs.push(z);
      a = z;
    }
    return a;
  }

  /** Given d(loss)/d(logits) of the last forward pass, sets every layer's gw and gb. */
  backward(gradLogits: ArrayLike<number>, n: number): void {
    let delta = Float64Array.from(gradLogits);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const { inDim, outDim, w, gw, gb } = this.layers[l];
      const a = this.inputs[l];
      gw.fill(0);
      gb.fill(0);
      for (let i = 0; i < n; i++) {
        for (let o = 0; o < outDim; o++) {
          const d = delta[i * outDim + o];
          if (d === 0) continue;
          gb[o] += d;
          for (let k = 0; k < inDim; k++) gw[o * inDim + k] += d * a[i * inDim + k];
        }
      }
      if (l === 0) break;
      // Through the layer and the previous layer's activation (a = its output).
      const prev = new Float64Array(n * inDim);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < inDim; k++) {
          let s = 0;
          for (let o = 0; o < outDim; o++) s += delta[i * outDim + o] * w[o * inDim + k];
          const out = a[i * inDim + k];
          prev[i * inDim + k] = this.activation === 'tanh' ? s * (1 - out * out) : out > 0 ? s : 0;
        }
      }
      delta = prev;
    }
  }

  /** The parameter arrays and their gradients, in matching order. */
  params(): { values: Float64Array[]; grads: Float64Array[] } {
    return {
      values: this.layers.flatMap((l) => [l.w, l.b]),
      grads: this.layers.flatMap((l) => [l.gw, l.gb]),
    };
  }
}

/** SGD, SGD with momentum 0.9, or Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8). */
export class Optimizer {
  private m: Float64Array[];
  private v: Float64Array[];
  private t = 0;

  constructor(
    readonly kind: OptimizerKind,
    values: readonly Float64Array[],
  ) {
    this.m = values.map((p) => new Float64Array(p.length));
    this.v = values.map((p) => new Float64Array(p.length));
  }

  step(values: readonly Float64Array[], grads: readonly Float64Array[], lr: number): void {
    this.t++;
    const bias1 = 1 - 0.9 ** this.t;
    const bias2 = 1 - 0.999 ** this.t;
    values.forEach((p, j) => {
      const g = grads[j];
      const m = this.m[j];
      const v = this.v[j];
      for (let i = 0; i < p.length; i++) {
        if (this.kind === 'sgd') p[i] -= lr * g[i];
        else if (this.kind === 'momentum') {
          m[i] = 0.9 * m[i] + g[i];
          p[i] -= lr * m[i];
        } else {
          m[i] = 0.9 * m[i] + 0.1 * g[i];
          v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
          p[i] -= (lr * (m[i] / bias1)) / (Math.sqrt(v[i] / bias2) + 1e-8);
        }
      }
    });
  }
}

/** The loss options shared by the training step and the evaluation. */
function lossOptions(data: Dataset, smoothing: number) {
  return {
    labelSmoothing: smoothing,
    reduction: data.kind === 'multilabel' ? ('batchmean' as const) : ('mean' as const),
  };
}

/** The training loss of logits (n, outputs) for the rows `rows` of the dataset, from the library. */
export function datasetLoss(
  data: Dataset,
  logits: Float64Array,
  rows: Int32Array,
  smoothing: number,
  withGrad: true,
  gradOut?: Float64Array,
): { loss: number; grad: Float64Array };
export function datasetLoss(
  data: Dataset,
  logits: Float64Array,
  rows: Int32Array,
  smoothing: number,
  withGrad: false,
): { loss: number };
export function datasetLoss(
  data: Dataset,
  logits: Float64Array,
  rows: Int32Array,
  smoothing: number,
  withGrad: boolean,
  gradOut?: Float64Array,
): { loss: number; grad?: Float64Array } {
  const n = rows.length;
  const k = data.outputs;
  const input = { data: logits, shape: [n, k] };
  if (data.kind === 'multiclass') {
    const target = { data: Int32Array.from(rows, (r) => data.labels[r]), shape: [n] };
    const options = { labelSmoothing: smoothing, reduction: 'mean' as const };
    if (!withGrad) return { loss: crossEntropy(input, target, options) };
    const { loss, grad } = crossEntropyWithGrad(input, target, { ...options, gradOut });
    return { loss, grad: grad.data as Float64Array };
  }
  const targets = new Float64Array(n * k);
  rows.forEach((r, i) => {
    for (let j = 0; j < k; j++) targets[i * k + j] = data.targets[r * k + j];
  });
  const target = { data: targets, shape: [n, k] };
  const options = lossOptions(data, smoothing);
  if (!withGrad) return { loss: binaryCrossEntropyWithLogits(input, target, options) };
  const { loss, grad } = binaryCrossEntropyWithLogitsWithGrad(input, target, { ...options, gradOut });
  return { loss, grad: grad.data as Float64Array };
}

/** Probabilities (n, outputs) of logits: the library's softmax (multiclass) or sigmoid (binary, multi-label). */
export function probabilities(data: Dataset, logits: Float64Array, n: number): Float64Array {
  const input = { data: logits, shape: [n, data.outputs] };
  return (data.kind === 'multiclass' ? softmax(input) : sigmoid(input)).data as Float64Array;
}

/** One run: data, network, optimizer, and the loss history. */
export class Trainer {
  readonly data: Dataset;
  readonly network: Network;
  hyper: Hyper;
  step = 0;
  epoch = 0;
  /** (step, loss on the whole dataset) pairs, thinned to at most ~2000. */
  history: [number, number][] = [];
  private optimizer: Optimizer;
  private order: Int32Array;
  private cursor = 0;
  private readonly rand: () => number;
  private readonly gradBuffers = new Map<number, Float64Array>();
  private readonly all: Int32Array;

  constructor(setup: Setup, hyper: Hyper) {
    this.data = makeDataset(setup.dataset);
    const n = this.data.labels.length;
    const sizes = setup.model === 'linear' ? [2, this.data.outputs] : [2, setup.hidden, this.data.outputs];
    this.network = new Network(sizes, setup.activation, setup.seed);
    this.hyper = hyper;
    this.optimizer = new Optimizer(hyper.optimizer, this.network.params().values);
    this.rand = random(setup.seed + 1000);
    this.all = Int32Array.from({ length: n }, (_, i) => i);
    this.order = this.all.slice();
    this.shuffle();
    this.history.push([0, this.evaluate().loss]);
  }

  /** Changes the hyperparameters; a new optimizer kind starts with fresh optimizer state. */
  setHyper(hyper: Hyper): void {
    if (hyper.optimizer !== this.hyper.optimizer)
      this.optimizer = new Optimizer(hyper.optimizer, this.network.params().values);
    this.hyper = hyper;
  }

  private shuffle(): void {
    const o = this.order;
    for (let i = o.length - 1; i > 0; i--) {
      const j = Math.floor(this.rand() * (i + 1));
      const t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
  }

  private inputs(rows: Int32Array): Float64Array {
    const x = new Float64Array(rows.length * 2);
    rows.forEach((r, i) => {
      x[2 * i] = this.data.x[2 * r];
      x[2 * i + 1] = this.data.x[2 * r + 1];
    });
    return x;
  }

  /** One gradient step on the next mini-batch; returns the batch loss. */
  train(): number {
    const n = this.order.length;
    const size = Math.max(1, Math.min(this.hyper.batchSize, n));
    if (this.cursor + size > n) {
      this.cursor = 0;
      this.epoch++;
      this.shuffle();
    }
    const rows = this.order.subarray(this.cursor, this.cursor + size);
    this.cursor += size;
    const logits = this.network.forward(this.inputs(rows), size);
    const length = size * this.data.outputs;
    let buffer = this.gradBuffers.get(length);
    if (!buffer) {
      buffer = new Float64Array(length);
      this.gradBuffers.set(length, buffer);
    }
    const { loss, grad } = datasetLoss(this.data, logits, rows, this.hyper.labelSmoothing, true, buffer);
    this.network.backward(grad, size);
    const { values, grads } = this.network.params();
    this.optimizer.step(values, grads, this.hyper.learningRate);
    this.step++;
    return loss;
  }

  /** The training objective on the whole dataset, and the share of correct predictions (per label for multi-label). */
  evaluate(): { loss: number; accuracy: number } {
    const n = this.all.length;
    const logits = this.network.forward(this.inputs(this.all), n);
    const { loss } = datasetLoss(this.data, logits, this.all, this.hyper.labelSmoothing, false);
    const p = probabilities(this.data, logits, n);
    const k = this.data.outputs;
    let correct = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (this.data.kind === 'multiclass') {
        let best = 0;
        for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
        correct += best === this.data.labels[i] ? 1 : 0;
        total++;
      } else {
        for (let j = 0; j < k; j++) {
          correct += (p[i * k + j] > 0.5 ? 1 : 0) === this.data.targets[i * k + j] ? 1 : 0;
          total++;
        }
      }
    }
    return { loss, accuracy: correct / total };
  }

  /** Records the whole-dataset loss at the current step (thinning the history when it grows long). */
  record(loss: number): void {
    const last = this.history[this.history.length - 1];
    if (last && last[0] === this.step) last[1] = loss;
    else this.history.push([this.step, loss]);
    if (this.history.length > 2000) this.history = this.history.filter((_, i) => i % 2 === 0);
  }

  /** Probabilities on a size × size grid over [-EXTENT, EXTENT]², row-major from the top (y = +EXTENT). */
  grid(size: number): Float32Array {
    const n = size * size;
    const x = new Float64Array(2 * n);
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const i = r * size + c;
        x[2 * i] = -EXTENT + ((c + 0.5) * 2 * EXTENT) / size;
        x[2 * i + 1] = EXTENT - ((r + 0.5) * 2 * EXTENT) / size;
      }
    }
    return Float32Array.from(probabilities(this.data, this.network.forward(x, n), n));
  }
}
