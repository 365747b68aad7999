/**
 * `xent predict MODEL FILE [--out FILE] [--logits]`: streams a CSV through a trained model and writes
 * a CSV of class probabilities (or logits) whose header is the class names, plus the target column(s)
 * when the input has them, so that the output goes straight into `xent eval`.
 *
 * Columns: multiclass, one per class; binary, both classes (probabilities [1 - p, p], logits [0, z],
 * which softmax maps to the same probabilities); multi-label, one `LABEL_prob` column per label (the
 * label names stay with the passed-through targets: `xent eval OUT --target a,b,c`).
 *
 * @module
 */
import { Readable, type Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { sigmoid, softmax } from 'xent';
import { type AtomicStream, openAtomicStream, writeError } from '../atomicWrite.js';
import { checkOutputPath } from '../checkOutputPath.js';
import { DataError, UsageError } from '../errors.js';
import type { Io } from '../eval/command.js';
import { type Input, openInput } from '../eval/input.js';
import { startProgress } from '../eval/progress.js';
import { type Model, readModel } from '../train/modelFile.js';
import { forward } from '../train/network.js';
import { applyStandardization } from '../train/standardize.js';

export const PREDICT_HELP = `Usage: xent predict MODEL FILE [--out FILE] [--logits] [--no-progress]

Runs a model written by \`xent train --out MODEL\` on the rows of FILE (CSV with a header row that
has the model's feature columns, by name; other columns are ignored) and writes a CSV of predictions:
one column per class, named after it, holding its probability (or logit with --logits), then the
target column(s) when FILE has them. The output goes straight into xent eval:

  xent predict model.json test.csv --out preds.csv && xent eval preds.csv

Binary models write both classes' columns; multi-label models write one LABEL_prob column per label
followed by the label columns (score them with xent eval preds.csv --target LABEL,LABEL,...).
FILE may be - for standard input, and gzip-compressed; the rows are streamed, so files larger than
memory work.

Options
  --out FILE     write to FILE instead of standard output: complete or not at all, missing
                 folders created; it cannot be MODEL or FILE
  --logits       write logits instead of probabilities (xent eval --from logits reads them)
  --no-progress  no progress on stderr (default: a bar on a terminal, a line every few
                 seconds otherwise)
  -h, --help     this help

Exit status
  0 written; 1 bad data (the message names file, line, column and value); 2 usage error.
`;

/** Rows per batch through the network: large enough to amortise the calls, small enough to stay in cache. */
const BATCH = 1024;

export async function predictCommand(args: readonly string[], io: Io): Promise<number> {
  let parsed: {
    values: { out?: string; logits: boolean; 'no-progress': boolean; help: boolean };
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        out: { type: 'string' },
        logits: { type: 'boolean', default: false },
        'no-progress': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) {
    io.stdout.write(PREDICT_HELP);
    return 0;
  }
  if (parsed.positionals.length !== 2)
    throw new UsageError(`expected MODEL and FILE, got ${parsed.positionals.length} arguments`);
  const [modelFile, file] = parsed.positionals;
  const out = parsed.values.out;
  if (out !== undefined)
    checkOutputPath('--out', out, 'file', [
      { name: 'MODEL', path: modelFile },
      { name: 'FILE', path: file },
    ]);
  const model = readModel(modelFile);
  const input = await openInput(file, 'csv');
  const output = out === undefined ? undefined : await openAtomicStream(out);
  const sink = output?.stream ?? (io.stdout as Writable);
  const progress = startProgress(
    input,
    !parsed.values['no-progress'],
    'xent predict',
    io.stderr as NodeJS.WriteStream,
  );
  try {
    await predictStream(model, input, sink, parsed.values.logits, (rows) => progress.update(rows));
    progress.stop();
    await output?.commit();
  } catch (error) {
    progress.stop();
    return failed(error, output, out);
  }
  return 0;
}

/**
 * After a failure: removes the unfinished output file and reports why. A reader of standard output that
 * went away (`xent predict ... | head`) ends the command quietly, as it ends `cat`.
 */
async function failed(
  error: unknown,
  output: AtomicStream | undefined,
  out: string | undefined,
): Promise<number> {
  if (output === undefined) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') return 0;
    throw error;
  }
  await output.abort();
  if (error instanceof DataError || error instanceof UsageError || output.stream.errored !== error)
    throw error;
  throw writeError(out as string, error);
}

async function predictStream(
  model: Model,
  input: Input,
  sink: Writable,
  logits: boolean,
  onRows: (rows: number) => void,
): Promise<void> {
  const name = input.name;
  const source = Readable.from(input.chunks);
  const parser = parse({
    info: true,
    skip_empty_lines: true,
    trim: true,
    bom: true,
    relax_column_count: true,
  });
  // A read error (a DataError from the input) ends the parser's iteration with that error.
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  const features = model.featureNames.length;
  let header: string[] | undefined;
  let featureCols: number[] = [];
  let targetCols: number[] = [];
  let targets: string[][] = [];
  let x = new Float64Array(BATCH * features);
  let rows = 0;
  let done = 0;
  const flush = async () => {
    if (rows === 0) return;
    const text = formatRows(model, x.subarray(0, rows * features), rows, targets, logits);
    await write(sink, text);
    done += rows;
    onRows(done);
    rows = 0;
    targets = [];
    x = new Float64Array(BATCH * features);
  };
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (header === undefined) {
        header = record;
        const h = header;
        featureCols = model.featureNames.map((f) => {
          const k = h.indexOf(f);
          if (k < 0)
            throw new DataError(
              { file: name, line: info.lines, column: f },
              "is missing: the model's features must all be columns of FILE",
            );
          return k;
        });
        const present = model.targetNames.every((t) => h.includes(t));
        targetCols = present ? model.targetNames.map((t) => h.indexOf(t)) : [];
        await write(sink, `${headerRow(model, present ? model.targetNames : [], logits)}\n`);
        continue;
      }
      if (record.length !== header.length) {
        throw new DataError(
          { file: name, line: info.lines },
          `has ${record.length} columns, expected ${header.length} (as many as the header)`,
        );
      }
      featureCols.forEach((k, j) => {
        const text = record[k];
        const v = text === '' ? Number.NaN : Number(text);
        if (!Number.isFinite(v))
          throw new DataError(
            { file: name, line: info.lines, column: model.featureNames[j], value: text },
            'is not a finite number',
          );
        x[rows * features + j] = v;
      });
      targets.push(targetCols.map((k) => record[k]));
      rows++;
      if (rows === BATCH) await flush();
    }
  } catch (error) {
    const e = error as { code?: string; lines?: number; message: string };
    if (e.code?.startsWith('CSV_'))
      throw new DataError({ file: name, line: e.lines }, `is not valid CSV: ${e.message}`);
    throw error;
  } finally {
    source.destroy();
  }
  if (header === undefined)
    throw new DataError({ file: name }, 'is empty: expected a header row and data rows');
  await flush();
}

/**
 * Writes `text`, waiting while the sink's buffer is full; rejects with the sink's error (or
 * ERR_STREAM_DESTROYED) when the sink has failed or been closed, rather than waiting for ever.
 */
async function write(sink: Writable, text: string): Promise<void> {
  if (sink.destroyed) throw sink.errored ?? closed();
  if (sink.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const settle = () => {
      sink.off('drain', settle);
      sink.off('close', settle);
      sink.off('error', settle);
      if (sink.destroyed) reject(sink.errored ?? closed());
      else resolve();
    };
    sink.on('drain', settle);
    sink.on('close', settle);
    sink.on('error', settle);
  });
}

function closed(): Error {
  return Object.assign(new Error('the output was closed'), { code: 'ERR_STREAM_DESTROYED' });
}

function headerRow(model: Model, targets: readonly string[], logits: boolean): string {
  const columns =
    model.task === 'multilabel'
      ? model.classes.map((c) => `${c}_${logits ? 'logit' : 'prob'}`)
      : [...model.classes];
  return [...columns, ...targets].map(csvField).join(',');
}

/** The rows of one batch as CSV lines: the model's outputs through the library's softmax / sigmoid. */
function formatRows(
  model: Model,
  x: Float64Array,
  rows: number,
  targets: string[][],
  logits: boolean,
): string {
  const z = applyStandardization(model.standardization, x, model.featureNames.length);
  const trace = forward(model.network, z, rows);
  let out = trace.values[trace.values.length - 1];
  let width = out.length / rows;
  if (model.task === 'binary') {
    // Two columns: logits [0, z], whose softmax is [1 - σ(z), σ(z)].
    const pair = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) pair[2 * i + 1] = out[i];
    out = pair;
    width = 2;
  }
  if (!logits)
    out = (model.task === 'multilabel' ? sigmoid(out) : softmax({ data: out, shape: [rows, width] }))
      .data as Float64Array;
  let text = '';
  for (let i = 0; i < rows; i++) {
    const cells: string[] = [];
    for (let c = 0; c < width; c++) cells.push(String(out[i * width + c]));
    for (const t of targets[i]) cells.push(csvField(t));
    text += `${cells.join(',')}\n`;
  }
  return text;
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
