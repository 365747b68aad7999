/**
 * The model file: versioned JSON holding the architecture, the weights, the standardisation, the
 * classes, the task and the training options. Reading it checks everything a tampered or broken file
 * could get wrong (the format and version, every shape, finite numbers, keys such as "__proto__"),
 * so that predict never runs on a model it cannot trust.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import { readError } from '../readError.js';
import type { Task } from './dataset.js';
import type { Activation, Layer, Network } from './network.js';
import type { Standardization } from './standardize.js';

export const MODEL_FORMAT = 'xent-model';
export const MODEL_VERSION = 1;

/** A trained model, ready for prediction. */
export interface Model {
  readonly task: Task;
  readonly classes: readonly string[];
  readonly featureNames: readonly string[];
  readonly targetNames: readonly string[];
  readonly network: Network;
  readonly standardization: Standardization;
  /** The options it was trained with (recorded, not used by predict). */
  readonly training: Record<string, unknown>;
}

/** The model as JSON text (one layer's weights per line is not needed: plain JSON, 2-space indented). */
export function modelToJson(model: Model): string {
  const doc = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    task: model.task,
    classes: model.classes,
    features: model.featureNames,
    targets: model.targetNames,
    architecture: {
      type: model.network.layers.length > 1 ? 'mlp' : 'linear',
      layers: [model.network.layers[0].inputs, ...model.network.layers.map((l) => l.outputs)],
      activation: model.network.activation,
    },
    standardize: { mean: [...model.standardization.mean], std: [...model.standardization.std] },
    weights: model.network.layers.map((l) => ({ w: [...l.w], b: [...l.b] })),
    training: model.training,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Reads and checks a model file; every problem is a DataError naming the file and the key. */
export function readModel(file: string): Model {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw readError(file, error);
  }
  const bad = (reason: string): never => {
    throw new DataError({ file }, `is not a valid xent model: ${reason}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text, (key, value) => {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype')
        bad(`it has a forbidden key ${JSON.stringify(key)}`);
      return value;
    });
  } catch (error) {
    if (error instanceof DataError) throw error;
    bad(`it is not JSON (${(error as Error).message})`);
  }
  const m = object(doc, 'the file', bad);
  if (m.format !== MODEL_FORMAT) bad(`"format" is ${JSON.stringify(m.format)}, expected "${MODEL_FORMAT}"`);
  if (m.version !== MODEL_VERSION)
    bad(`"version" is ${JSON.stringify(m.version)}; this xent reads version ${MODEL_VERSION}`);
  const task = m.task;
  if (task !== 'multiclass' && task !== 'binary' && task !== 'multilabel')
    bad(`"task" is ${JSON.stringify(task)}`);
  const classes = strings(m.classes, 'classes', bad);
  const featureNames = strings(m.features, 'features', bad);
  const targetNames = strings(m.targets, 'targets', bad);
  const arch = object(m.architecture, 'architecture', bad);
  const sizes = numbers(arch.layers, 'architecture.layers', bad);
  if (sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0))
    bad('"architecture.layers" must be two or more positive integers');
  const activation = arch.activation;
  if (activation !== 'relu' && activation !== 'tanh')
    bad(`"architecture.activation" is ${JSON.stringify(activation)}`);
  if (sizes[0] !== featureNames.length)
    bad(`the first layer takes ${sizes[0]} inputs but "features" names ${featureNames.length}`);
  const outputs = task === 'binary' ? 1 : classes.length;
  if (sizes[sizes.length - 1] !== outputs)
    bad(
      `the last layer has ${sizes[sizes.length - 1]} outputs, the ${task} task with ${classes.length} classes needs ${outputs}`,
    );
  if (task === 'binary' && classes.length !== 2) bad('a binary model needs exactly two classes');
  const std = object(m.standardize, 'standardize', bad);
  const mean = numbers(std.mean, 'standardize.mean', bad);
  const sd = numbers(std.std, 'standardize.std', bad);
  if (mean.length !== sizes[0] || sd.length !== sizes[0])
    bad(`"standardize" must hold ${sizes[0]} means and standard deviations`);
  if (!Array.isArray(m.weights) || m.weights.length !== sizes.length - 1)
    bad(`"weights" must hold ${sizes.length - 1} layers`);
  const layers: Layer[] = (m.weights as unknown[]).map((entry, l) => {
    const layer = object(entry, `weights[${l}]`, bad);
    const w = numbers(layer.w, `weights[${l}].w`, bad);
    const b = numbers(layer.b, `weights[${l}].b`, bad);
    if (w.length !== sizes[l] * sizes[l + 1])
      bad(`"weights[${l}].w" has ${w.length} numbers, expected ${sizes[l + 1]} × ${sizes[l]}`);
    if (b.length !== sizes[l + 1]) bad(`"weights[${l}].b" has ${b.length} numbers, expected ${sizes[l + 1]}`);
    return { inputs: sizes[l], outputs: sizes[l + 1], w: Float64Array.from(w), b: Float64Array.from(b) };
  });
  return {
    task: task as Task,
    classes,
    featureNames,
    targetNames,
    network: { layers, activation: activation as Activation },
    standardization: { mean: Float64Array.from(mean), std: Float64Array.from(sd) },
    training:
      m.training !== null && typeof m.training === 'object' ? (m.training as Record<string, unknown>) : {},
  };
}

function object(value: unknown, what: string, bad: (reason: string) => never): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) bad(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function strings(value: unknown, key: string, bad: (reason: string) => never): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    bad(`"${key}" must be a list of strings`);
  return value as string[];
}

function numbers(value: unknown, key: string, bad: (reason: string) => never): number[] {
  if (!Array.isArray(value)) bad(`"${key}" must be a list of numbers`);
  (value as unknown[]).forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      bad(`"${key}"[${i}] is ${JSON.stringify(v)}, not a finite number`);
  });
  return value as number[];
}
