/**
 * Gradient descent on cross-entropy: splits and standardises the data, builds the network, and runs
 * the epochs with the chosen optimizer, reporting the training and validation loss after each epoch.
 *
 * The objective it minimises, reported as `objective`:
 *   mean training loss (with label smoothing and class weights when asked) + (l2 / 2) · Σ W²
 * over the weight matrices; biases are not penalised (as scikit-learn's LogisticRegression).
 *
 * @module
 */
import { TrainingError } from '../errors.js';
import type { Dataset, Task } from './dataset.js';
import { type Activation, backward, createNetwork, forward, type Network } from './network.js';
import { createOptimizer, type OptimizerName } from './optimizer.js';
import { createRng } from './rng.js';
import { splitRows } from './split.js';
import {
  applyStandardization,
  fitStandardization,
  noStandardization,
  type Standardization,
} from './standardize.js';
import { type LossSettings, PLAIN, taskLoss } from './taskLoss.js';

export interface TrainOptions {
  readonly model: 'linear' | 'mlp';
  readonly hidden: readonly number[];
  readonly activation: Activation;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly l2: number;
  readonly labelSmoothing: number;
  readonly classWeight: 'none' | 'balanced';
  readonly valSplit: number;
  readonly seed: number;
  readonly standardize: boolean;
  /** Stop when the validation loss has not improved for this many epochs (0: never), keeping the best weights. */
  readonly earlyStopping: number;
}

export interface EpochReport {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly valLoss: number | null;
}

export interface TrainResult {
  readonly network: Network;
  readonly standardization: Standardization;
  readonly outputs: number;
  readonly history: readonly EpochReport[];
  /** Epochs run (fewer than asked when early stopping ended the run). */
  readonly epochs: number;
  /** The epoch whose weights were kept (the last, or the best with early stopping). */
  readonly bestEpoch: number;
  readonly trainRows: number;
  readonly valRows: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
  readonly objective: number;
}

/** What the caller hears of a run while it goes on. */
export interface TrainHooks {
  /** Called once the rows are split, before the first epoch. */
  onSplit?(rows: { readonly train: number; readonly validation: number }): void;
  /** Called after each epoch (for progress). */
  onEpoch?(report: EpochReport): void;
}

/** A set of rows gathered into contiguous arrays. */
interface Part {
  readonly rows: number;
  readonly x: Float64Array;
  readonly y: Int32Array | Float64Array;
}

/**
 * Trains on `data`, telling `hooks` of the split and of each epoch.
 *
 * @throws TrainingError when a loss becomes NaN or infinite (at the end of the epoch where it does), or the
 *   weights or the objective do: the run diverged, and its weights are worthless
 */
export function train(data: Dataset, options: TrainOptions, hooks: TrainHooks = {}): TrainResult {
  const rng = createRng(options.seed);
  const labels = data.task === 'multilabel' ? data.classes.length : 1;
  const split =
    options.valSplit > 0
      ? splitRows(
          data.rows,
          options.valSplit,
          rng,
          data.task === 'multilabel' ? undefined : (data.y as Int32Array),
        )
      : { train: Int32Array.from({ length: data.rows }, (_, i) => i), validation: new Int32Array(0) };
  const standardization = options.standardize
    ? fitStandardization(data.x, data.features, split.train)
    : noStandardization(data.features);
  const x = applyStandardization(standardization, Float64Array.from(data.x), data.features);
  const trainPart = gather(x, data, split.train, labels);
  const valPart = split.validation.length > 0 ? gather(x, data, split.validation, labels) : undefined;
  hooks.onSplit?.({ train: trainPart.rows, validation: valPart?.rows ?? 0 });

  const outputs = data.task === 'multiclass' ? data.classes.length : data.task === 'binary' ? 1 : labels;
  const sizes = [data.features, ...(options.model === 'mlp' ? options.hidden : []), outputs];
  const network = createNetwork(sizes, options.activation, rng);
  const params = network.layers.flatMap((l) => [l.w, l.b]);
  const optimizer = createOptimizer(options.optimizer, options.lr, params);
  const settings = lossSettings(data, trainPart, options.labelSmoothing, options.classWeight);

  const batchSize = options.optimizer === 'gd' ? trainPart.rows : Math.min(options.batchSize, trainPart.rows);
  const order = Int32Array.from({ length: trainPart.rows }, (_, i) => i);
  const history: EpochReport[] = [];
  let best = { loss: Number.POSITIVE_INFINITY, epoch: 0, params: params.map((p) => Float64Array.from(p)) };
  let epoch = 0;
  while (epoch < options.epochs) {
    epoch++;
    if (options.optimizer !== 'gd') rng.shuffle(order);
    for (let start = 0; start < trainPart.rows; start += batchSize) {
      const batch =
        options.optimizer === 'gd'
          ? trainPart
          : slice(trainPart, order, start, batchSize, data.features, labels);
      const trace = forward(network, batch.x, batch.rows);
      const logits = trace.values[trace.values.length - 1];
      const dLogits = new Float64Array(logits.length);
      taskLoss(data.task, logits, batch.rows, batch.y, settings, dLogits);
      const grads = backward(network, trace, dLogits);
      network.layers.forEach((layer, l) => {
        const gw = grads[l].w;
        for (let k = 0; k < gw.length; k++) gw[k] += options.l2 * layer.w[k];
      });
      optimizer.step(grads.flatMap((g) => [g.w, g.b]));
    }
    const report: EpochReport = {
      epoch,
      trainLoss: evaluate(network, data.task, trainPart).loss,
      valLoss: valPart ? evaluate(network, data.task, valPart).loss : null,
    };
    if (!Number.isFinite(report.trainLoss)) throw diverged('training loss', report.trainLoss, epoch);
    if (report.valLoss !== null && !Number.isFinite(report.valLoss))
      throw diverged('validation loss', report.valLoss, epoch);
    history.push(report);
    hooks.onEpoch?.(report);
    if (options.earlyStopping > 0 && report.valLoss !== null) {
      if (report.valLoss < best.loss)
        best = { loss: report.valLoss, epoch, params: params.map((p) => Float64Array.from(p)) };
      else if (epoch - best.epoch >= options.earlyStopping) break;
    }
  }
  let bestEpoch = epoch;
  if (options.earlyStopping > 0 && valPart && best.epoch > 0) {
    for (const [i, p] of params.entries()) p.set(best.params[i]);
    bestEpoch = best.epoch;
  }
  const trainEval = evaluate(network, data.task, trainPart);
  const valEval = valPart ? evaluate(network, data.task, valPart) : undefined;
  let penalty = 0;
  for (const layer of network.layers) for (const w of layer.w) penalty += w * w;
  const trainedLoss = evaluate(network, data.task, trainPart, settings).loss;
  // With l2 = 0 the penalty is not added: 0 · Infinity would be NaN.
  const objective = options.l2 > 0 ? trainedLoss + (options.l2 / 2) * penalty : trainedLoss;
  if (!Number.isFinite(objective)) throw diverged('the objective', objective, bestEpoch);
  if (params.some((p) => p.some((v) => !Number.isFinite(v))))
    throw diverged('weights', Number.NaN, bestEpoch);
  return {
    network,
    standardization,
    outputs,
    history,
    epochs: epoch,
    bestEpoch,
    trainRows: trainPart.rows,
    valRows: valPart?.rows ?? 0,
    trainLoss: trainEval.loss,
    trainAccuracy: trainEval.accuracy,
    valLoss: valEval?.loss ?? null,
    valAccuracy: valEval?.accuracy ?? null,
    objective,
  };
}

function diverged(what: string, value: number, epoch: number): TrainingError {
  const became = what === 'weights' ? 'the weights became non-finite' : `${what} became ${value}`;
  return new TrainingError(
    `${became} at epoch ${epoch} (training diverged; nothing is written); try a smaller --lr`,
  );
}

/** Mean loss (plain, or with the training settings) and accuracy (subset accuracy for multi-label) of a part. */
export function evaluate(
  net: Network,
  task: Task,
  part: Part,
  settings: LossSettings = PLAIN,
): { loss: number; accuracy: number } {
  const trace = forward(net, part.x, part.rows);
  const logits = trace.values[trace.values.length - 1];
  const loss = taskLoss(task, logits, part.rows, part.y, settings);
  return { loss, accuracy: accuracy(task, logits, part) };
}

function accuracy(task: Task, logits: Float64Array, part: Part): number {
  const outputs = logits.length / part.rows;
  let right = 0;
  for (let i = 0; i < part.rows; i++) {
    if (task === 'multiclass') {
      let arg = 0;
      for (let c = 1; c < outputs; c++) if (logits[i * outputs + c] > logits[i * outputs + arg]) arg = c;
      if (arg === part.y[i]) right++;
    } else if (task === 'binary') {
      if ((logits[i] > 0 ? 1 : 0) === part.y[i]) right++;
    } else {
      let all = true;
      for (let l = 0; l < outputs; l++)
        if ((logits[i * outputs + l] > 0 ? 1 : 0) !== part.y[i * outputs + l]) all = false;
      if (all) right++;
    }
  }
  return right / part.rows;
}

function gather(x: Float64Array, data: Dataset, rows: Int32Array, labels: number): Part {
  const d = data.features;
  const px = new Float64Array(rows.length * d);
  const multilabel = data.task === 'multilabel';
  const py = multilabel ? new Float64Array(rows.length * labels) : new Int32Array(rows.length);
  rows.forEach((r, i) => {
    px.set(x.subarray(r * d, r * d + d), i * d);
    if (multilabel) py.set(data.y.subarray(r * labels, r * labels + labels), i * labels);
    else py[i] = data.y[r];
  });
  return { rows: rows.length, x: px, y: py };
}

function slice(part: Part, order: Int32Array, start: number, size: number, d: number, labels: number): Part {
  const rows = Math.min(size, part.rows - start);
  const x = new Float64Array(rows * d);
  const multilabel = part.y instanceof Float64Array;
  const y = multilabel ? new Float64Array(rows * labels) : new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const r = order[start + i];
    x.set(part.x.subarray(r * d, r * d + d), i * d);
    if (multilabel) y.set(part.y.subarray(r * labels, r * labels + labels), i * labels);
    else y[i] = part.y[r];
  }
  return { rows, x, y };
}

/**
 * Balanced weights as scikit-learn's class_weight='balanced': n / (classes · count) per class; for
 * multi-label, each label's positive term is weighted by negatives / positives (PyTorch's advice for
 * posWeight).
 */
function lossSettings(
  data: Dataset,
  part: Part,
  labelSmoothing: number,
  classWeight: 'none' | 'balanced',
): LossSettings {
  if (classWeight === 'none') return { labelSmoothing };
  if (data.task === 'multilabel') {
    const labels = data.classes.length;
    const positives = new Float64Array(labels);
    for (let k = 0; k < part.y.length; k++) positives[k % labels] += part.y[k];
    const posWeight = Float64Array.from(positives, (p) => (p > 0 ? (part.rows - p) / p : 1));
    return { labelSmoothing, posWeight };
  }
  const counts = new Float64Array(data.classes.length);
  for (const c of part.y) counts[c]++;
  const weight = Float64Array.from(counts, (n) => (n > 0 ? part.rows / (data.classes.length * n) : 0));
  return { labelSmoothing, classWeight: weight };
}
