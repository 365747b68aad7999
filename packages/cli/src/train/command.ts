/**
 * `xent train`: check the output paths, read the data, train, print the result (a table, or JSON),
 * write the model and the loss-curve plot (each complete or not at all).
 *
 * @module
 */
import { resolve } from 'node:path';
import { writeFileAtomic } from '../atomicWrite.js';
import { checkOutputPath } from '../checkOutputPath.js';
import { quote, UsageError } from '../errors.js';
import type { Io } from '../eval/command.js';
import { lossCurvesSpec } from '../plot/lossCurves.js';
import { formatOf, writeChart } from '../plot/render.js';
import { datasetPath, readTable, toDataset } from './dataset.js';
import { modelToJson } from './modelFile.js';
import { parseTrainArgs, TRAIN_HELP } from './options.js';
import { type EpochProgress, startEpochProgress } from './progress.js';
import { type TrainResult, train } from './trainer.js';

export async function trainCommand(args: readonly string[], io: Io): Promise<number> {
  const options = parseTrainArgs(args);
  if (options.help) {
    io.stdout.write(TRAIN_HELP);
    return 0;
  }
  const plotFormat = options.plot === undefined ? undefined : formatOf(options.plot, '--plot');
  // Before any work: a run is not thrown away for a path that cannot be written.
  const inputs = options.file === undefined ? [] : [{ name: 'FILE', path: options.file }];
  if (options.out !== undefined) checkOutputPath('--out', options.out, 'file', inputs);
  if (options.plot !== undefined) checkOutputPath('--plot', options.plot, 'file', inputs);
  if (
    options.out !== undefined &&
    options.plot !== undefined &&
    resolve(options.out) === resolve(options.plot)
  )
    throw new UsageError(`--out and --plot name the same file, ${quote(options.out)}`);
  const table =
    options.file === undefined
      ? readTable(options.dataset, datasetPath(options.dataset))
      : readTable(options.file, options.file);
  const data = toDataset(table, { target: options.target, task: options.task });
  if (options.task === 'auto') {
    const what =
      data.task === 'multilabel' ? `${data.classes.length} labels` : `${data.classes.length} classes`;
    io.stderr.write(
      `xent train: task ${data.task} (${what} in ${data.targetNames.map((t) => JSON.stringify(t)).join(', ')}), ${data.rows} rows, ${data.features} features\n`,
    );
  }
  const started = performance.now();
  let progress: EpochProgress = { update() {}, stop() {} };
  let result: TrainResult;
  try {
    result = train(data, options, {
      onSplit(rows) {
        if (options.valSplit > 0 && rows.validation === 0) {
          io.stderr.write(
            `xent train: warning: --val-split ${options.valSplit} leaves no validation rows in ${data.name} (every class keeps at least one training row)${options.earlyStopping > 0 ? `; --early-stopping ${options.earlyStopping} is off` : ''}\n`,
          );
        }
        progress = startEpochProgress(options.epochs, options.progress, io.stderr as NodeJS.WriteStream);
      },
      onEpoch: (r) => progress.update(r),
    });
  } catch (error) {
    // An allocation the runtime refuses (`--hidden 1000000000`): a usage error that says which options.
    if (!(error instanceof RangeError && /allocation failed|invalid typed array length/i.test(error.message)))
      throw error;
    throw new UsageError(
      `the network (--hidden ${options.model === 'mlp' ? options.hidden.join(',') : 'none'}, --batch-size ${options.batchSize}) needs more memory than this runtime allocates (${error.message}); use smaller layers or batches`,
    );
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - started) / 1000;

  const { file, dataset, out, plot, json, progress: _, help, ...training } = options;
  if (out !== undefined) {
    const model = {
      task: data.task,
      classes: data.classes,
      featureNames: data.featureNames,
      targetNames: data.targetNames,
      network: result.network,
      standardization: result.standardization,
      training: { data: file ?? dataset, ...training },
    };
    writeFileAtomic(out, modelToJson(model));
  }
  if (plot !== undefined && plotFormat !== undefined) {
    await writeChart(
      lossCurvesSpec(result.history, `xent train on ${data.name}: loss per epoch`),
      plot,
      plotFormat,
    );
  }
  const summary = {
    task: data.task,
    classes: data.classes,
    rows: { train: result.trainRows, validation: result.valRows },
    model: {
      type: options.model,
      layers: [data.features, ...(options.model === 'mlp' ? options.hidden : []), result.outputs],
    },
    epochs: result.epochs,
    bestEpoch: result.bestEpoch,
    trainLoss: result.trainLoss,
    objective: result.objective,
    trainAccuracy: result.trainAccuracy,
    valLoss: result.valLoss,
    valAccuracy: result.valAccuracy,
    seconds,
    out: out ?? null,
    plot: plot ?? null,
    history: result.history,
  };
  io.stdout.write(json ? `${JSON.stringify(summary)}\n` : formatTable(summary));
  return 0;
}

function formatTable(s: {
  task: string;
  classes: readonly string[];
  rows: { train: number; validation: number };
  epochs: number;
  bestEpoch: number;
  trainLoss: number;
  objective: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  seconds: number;
  out: string | null;
  plot: string | null;
}): string {
  const pct = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(2)} %`);
  const num = (v: number | null) => (v === null ? '-' : v.toFixed(6));
  const lines = [
    `task        ${s.task} (${s.classes.length} ${s.task === 'multilabel' ? 'labels' : 'classes'})`,
    '',
    '              loss        accuracy   rows',
    `training      ${num(s.trainLoss).padEnd(11)} ${pct(s.trainAccuracy).padEnd(10)} ${s.rows.train}`,
    `validation    ${num(s.valLoss).padEnd(11)} ${pct(s.valAccuracy).padEnd(10)} ${s.rows.validation}`,
    '',
    `objective   ${num(s.objective)} (mean training loss + l2/2 · Σ W²)`,
    `epochs      ${s.epochs}${s.bestEpoch !== s.epochs ? ` (weights of epoch ${s.bestEpoch} kept)` : ''}`,
    `time        ${s.seconds.toFixed(2)} s`,
  ];
  if (s.out) lines.push(`model       ${s.out}`);
  if (s.plot) lines.push(`plot        ${s.plot}`);
  return `${lines.join('\n')}\n`;
}
