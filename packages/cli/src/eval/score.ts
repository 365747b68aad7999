/**
 * Scoring a file: open it (and the labels file), read the headers, decide the schema, then stream
 * batches through the decoder into the accumulator, pairing the two files row by row. Memory stays flat:
 * one chunk buffer and one batch per file, whatever the file's size.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import { Accumulator } from './accumulator.js';
import { Batch, batchRows } from './batch.js';
import { RowDecoder } from './decoder.js';
import { type Input, openInput } from './input.js';
import type { EvalOptions } from './options.js';
import { startProgress } from './progress.js';
import { type CsvReaderKind, readerFor } from './reader.js';
import { type EvalResult, resultOf, SKIPPED_SHOWN, type SkippedRow } from './result.js';
import { buildSchema, type FileLayout, type Schema } from './schema.js';

/** Scores `options.files[0]` (with `options.labels`) and returns the result. */
export async function scoreFile(options: EvalOptions): Promise<EvalResult> {
  const predictions = await openInput(options.files[0], options.format);
  const labels = options.labels !== undefined ? await openInput(options.labels, undefined) : undefined;
  const csvReader: CsvReaderKind = process.env.XENT_CSV_READER === 'csv-parse' ? 'csv-parse' : 'fast';
  const predictionReader = readerFor(predictions, csvReader);
  const labelReader = labels && readerFor(labels, csvReader);
  const predictionHeader = await predictionReader.header();
  if (!predictionHeader) throw emptyFile(predictions);
  const labelHeader = labelReader ? await labelReader.header() : undefined;
  if (labels && !labelHeader) throw emptyFile(labels);
  const schema = buildSchema(predictionHeader, labelHeader ?? undefined, {
    task: options.task,
    target: options.target,
    weightColumn: options.weightColumn,
  });
  const rules = {
    task: schema.task,
    from: options.from,
    classes: schema.classes,
    skipInvalid: options.skipInvalid,
  };
  const capacity = batchRows(Math.max(schema.predictions.predictions, schema.classes.length));
  const decoderFor = (layout: FileLayout, input: Input) =>
    new RowDecoder(
      layout,
      rules,
      new Batch(layout.predictions, layout.targets, layout.weighted, capacity),
      input.format === 'tsv' ? 0x09 : 0x2c,
    );
  const predictionDecoder = decoderFor(schema.predictions, predictions);
  const labelDecoder = labels && schema.labels ? decoderFor(schema.labels, labels) : undefined;
  const accumulator = new Accumulator(
    schema.task,
    options.from,
    options.eps,
    schema.weighted,
    schema.classes,
  );
  const skipped: SkippedRow[] = [];
  const memory = process.env.XENT_DEBUG_MEMORY ? new MemoryLog() : undefined;
  const progress = startProgress(predictions, options.progress);
  try {
    const left = predictionReader.batches(predictionDecoder);
    const right = labelReader && labelDecoder ? labelReader.batches(labelDecoder) : undefined;
    let leftRows = 0;
    let rightRows = 0;
    for (;;) {
      const a = await left.next();
      const b = right ? await right.next() : undefined;
      const batch = a.done ? undefined : a.value;
      const labelBatch = b && !b.done ? b.value : undefined;
      if (!batch && !labelBatch) break;
      leftRows += batch?.size ?? 0;
      rightRows += labelBatch?.size ?? 0;
      if (right && (!batch || !labelBatch || batch.size !== labelBatch.size)) {
        throw lengthMismatch(predictions, labels as Input, leftRows, rightRows, batch, labelBatch);
      }
      scoreBatch(batch as Batch, labelBatch, schema, accumulator, skipped);
      progress.update(accumulator.rows + accumulator.skipped);
      memory?.sample(accumulator.rows + accumulator.skipped);
    }
  } finally {
    progress.stop();
  }
  memory?.report();
  if (accumulator.rows === 0) {
    if (accumulator.skipped === 0) {
      throw new DataError({ file: predictions.name }, 'has a header but no data rows');
    }
    throw new DataError(
      { file: predictions.name },
      `has no valid rows: all ${accumulator.skipped} were skipped (${skipped[0]?.message ?? ''})`,
    );
  }
  return resultOf(
    accumulator.sums(),
    { file: predictions.name, ...(labels ? { labels: labels.name } : {}) },
    skipped,
  );
}

/** Scores the valid rows of a batch (paired with the labels file's batch), counting the others as skipped. */
function scoreBatch(
  batch: Batch,
  labelBatch: Batch | undefined,
  schema: Schema,
  accumulator: Accumulator,
  skipped: SkippedRow[],
): void {
  const targetBatch = labelBatch ?? batch;
  const weightBatch = schema.weighted ? (schema.predictions.weighted ? batch : labelBatch) : undefined;
  const n = batch.size;
  let kept = 0;
  const P = batch.predictions;
  const T = targetBatch.targetCount;
  for (let i = 0; i < n; i++) {
    if (batch.valid[i] && (!labelBatch || labelBatch.valid[i])) {
      if (kept !== i) {
        batch.values.copyWithin(kept * P, i * P, (i + 1) * P);
        targetBatch.targets.copyWithin(kept * T, i * T, (i + 1) * T);
        if (weightBatch) weightBatch.weights[kept] = weightBatch.weights[i];
      }
      kept++;
      continue;
    }
    accumulator.skipped++;
    if (skipped.length < SKIPPED_SHOWN) {
      const error = (batch.errors.get(i) ?? labelBatch?.errors.get(i)) as DataError;
      skipped.push({ file: error.location.file, line: error.location.line ?? 0, message: error.message });
    }
  }
  accumulator.add(batch.values, targetBatch.targets, weightBatch?.weights, kept);
}

function emptyFile(input: Input): DataError {
  return new DataError({ file: input.name }, 'is empty: expected a header row, then one row per prediction');
}

function lengthMismatch(
  predictions: Input,
  labels: Input,
  predictionRows: number,
  labelRows: number,
  batch: Batch | undefined,
  labelBatch: Batch | undefined,
): DataError {
  // A full batch may be followed by more rows: then the count is a lower bound.
  const more = (b: Batch | undefined) => (b?.full ? ' or more' : '');
  return new DataError(
    { file: labels.name },
    `has ${labelRows}${more(labelBatch)} data rows but ${predictions.name} has ${predictionRows}${more(batch)}: a labels file needs one row per prediction row`,
  );
}

/**
 * With `XENT_DEBUG_MEMORY=1`: memory sampled as rows are scored, printed to stderr at the end as
 * `xent-debug-memory {json}`, for the streaming test to check that memory stays flat. Each sample is
 * [rows, resident set size, live bytes (V8 heap in use + external memory such as Buffers)]; when node
 * runs with --expose-gc, a full collection precedes each sample so that live bytes are exact.
 */
class MemoryLog {
  readonly #samples: [number, number, number][] = [];
  #batches = 0;

  sample(rows: number): void {
    if (this.#batches++ % 8 !== 0) return;
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    this.#samples.push([rows, m.rss, m.heapUsed + m.external]);
  }

  report(): void {
    let peak: number | undefined;
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
      if (match) peak = Number(match[1]) * 1024;
    } catch {
      // not Linux: the samples alone
    }
    process.stderr.write(`xent-debug-memory ${JSON.stringify({ peak, samples: this.#samples })}\n`);
  }
}
