/**
 * The model: dense layers (a linear model is one layer; an MLP has hidden layers with relu or tanh),
 * the forward pass to logits and the backward pass from d(loss)/d(logits) to the weights' gradients.
 * The loss and its gradient with respect to the logits come from the library; this file holds only the
 * chain rule through the dense layers.
 *
 * @module
 */
import type { Rng } from './rng.js';

export type Activation = 'relu' | 'tanh';

export interface Layer {
  readonly inputs: number;
  readonly outputs: number;
  /** outputs × inputs, row-major. */
  readonly w: Float64Array;
  readonly b: Float64Array;
}

export interface Network {
  readonly layers: readonly Layer[];
  readonly activation: Activation;
}

/**
 * A network with the given layer sizes ([inputs, hidden..., outputs]). A linear model (no hidden layer)
 * starts at zero, the convex problem's customary start; an MLP draws its weights uniformly from
 * ±sqrt(6 / (fanIn + fanOut)) (Glorot) with the seeded generator, biases 0.
 */
export function createNetwork(sizes: readonly number[], activation: Activation, rng: Rng): Network {
  const layers: Layer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inputs = sizes[l];
    const outputs = sizes[l + 1];
    const w = new Float64Array(outputs * inputs);
    if (sizes.length > 2) {
      const limit = Math.sqrt(6 / (inputs + outputs));
      for (let k = 0; k < w.length; k++) w[k] = (2 * rng.next() - 1) * limit;
    }
    layers.push({ inputs, outputs, w, b: new Float64Array(outputs) });
  }
  return { layers, activation };
}

/** The activations of one forward pass, kept for the backward pass. */
export interface Trace {
  readonly rows: number;
  /** The input of each layer (the batch, then each hidden layer's activation); the last entry is the logits. */
  readonly values: Float64Array[];
}

/** Runs rows × inputs through the network; the trace's last value is rows × outputs logits. */
export function forward(net: Network, x: Float64Array, rows: number): Trace {
  const values = [x];
  let input = x;
  net.layers.forEach((layer, l) => {
    const out = new Float64Array(rows * layer.outputs);
    dense(layer, input, rows, out);
    if (l < net.layers.length - 1) activate(net.activation, out);
    values.push(out);
    input = out;
  });
  return { rows, values };
}

/**
 * The gradients of the weights and biases (in the order of the layers) from d(loss)/d(logits),
 * by the chain rule through the dense layers and activations.
 */
export function backward(
  net: Network,
  trace: Trace,
  dLogits: Float64Array,
): { w: Float64Array; b: Float64Array }[] {
  const grads = net.layers.map((layer) => ({
    w: new Float64Array(layer.w.length),
    b: new Float64Array(layer.b.length),
  }));
  let delta = dLogits;
  for (let l = net.layers.length - 1; l >= 0; l--) {
    const layer = net.layers[l];
    const input = trace.values[l];
    const { inputs, outputs } = layer;
    const g = grads[l];
    for (let i = 0; i < trace.rows; i++) {
      for (let o = 0; o < outputs; o++) {
        const d = delta[i * outputs + o];
        if (d === 0) continue;
        g.b[o] += d;
        const wo = o * inputs;
        const xi = i * inputs;
        for (let k = 0; k < inputs; k++) g.w[wo + k] += d * input[xi + k];
      }
    }
    if (l === 0) break;
    const next = new Float64Array(trace.rows * inputs);
    for (let i = 0; i < trace.rows; i++) {
      for (let o = 0; o < outputs; o++) {
        const d = delta[i * outputs + o];
        if (d === 0) continue;
        const wo = o * inputs;
        const ni = i * inputs;
        for (let k = 0; k < inputs; k++) next[ni + k] += d * layer.w[wo + k];
      }
    }
    // Through the activation: relu' = [a > 0], tanh' = 1 - a².
    for (let k = 0; k < next.length; k++) {
      const a = input[k];
      next[k] *= net.activation === 'relu' ? (a > 0 ? 1 : 0) : 1 - a * a;
    }
    delta = next;
  }
  return grads;
}

function dense(layer: Layer, x: Float64Array, rows: number, out: Float64Array): void {
  const { inputs, outputs, w, b } = layer;
  for (let i = 0; i < rows; i++) {
    const xi = i * inputs;
    for (let o = 0; o < outputs; o++) {
      let s = b[o];
      const wo = o * inputs;
      for (let k = 0; k < inputs; k++) s += w[wo + k] * x[xi + k];
      out[i * outputs + o] = s;
    }
  }
}

function activate(activation: Activation, v: Float64Array): void {
  if (activation === 'relu') for (let k = 0; k < v.length; k++) v[k] = Math.max(v[k], 0);
  else for (let k = 0; k < v.length; k++) v[k] = Math.tanh(v[k]);
}
