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
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { sigmoid, softmax } from 'xent';
import { DataError, UsageError } from '../errors.js';
import type { Io } from '../eval/command.js';
import { type Model, readModel } from '../train/modelFile.js';
import { forward } from '../train/network.js';
import { applyStandardization } from '../train/standardize.js';

export const PREDICT_HELP = `Usage: xent predict MODEL FILE [--out FILE] [--logits]

Runs a model written by \`xent train --out MODEL\` on the rows of FILE (CSV with a header row that
has the model's feature columns, by name; other columns are ignored) and writes a CSV of predictions:
one column per class, named after it, holding its probability (or logit with --logits), then the
target column(s) when FILE has them. The output goes straight into xent eval:

  xent predict model.json test.csv --out preds.csv && xent eval preds.csv

Binary models write both classes' columns; multi-label models write one LABEL_prob column per label
followed by the label columns (score them with xent eval preds.csv --target LABEL,LABEL,...).
FILE may be - for standard input; the rows are streamed, so files larger than memory work.

Options
  --out FILE     write to FILE (complete or not at all) instead of standard output
  --logits       write logits instead of probabilities (xent eval --from logits reads them)
  -h, --help     this help
`;

/** Rows per batch through the network: large enough to amortise the calls, small enough to stay in cache. */
const BATCH = 1024;

export async function predictCommand(args: readonly string[], io: Io): Promise<number> {
  let parsed: { values: { out?: string; logits: boolean; help: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        out: { type: 'string' },
        logits: { type: 'boolean', default: false },
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
  const model = readModel(modelFile);
  const out = parsed.values.out;
  const temp = out === undefined ? undefined : join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  const fileSink = temp === undefined ? undefined : createWriteStream(temp);
  const sink = fileSink ?? io.stdout;
  try {
    await predictStream(
      model,
      file,
      file === '-' ? process.stdin : createReadStream(file),
      sink,
      parsed.values.logits,
    );
    if (temp !== undefined && out !== undefined) {
      sink.end();
      await finished(sink);
      renameSync(temp, out);
    }
  } catch (error) {
    if (temp !== undefined) {
      fileSink?.destroy();
      rmSync(temp, { force: true });
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DataError({ file }, 'does not exist');
    throw error;
  }
  return 0;
}

async function predictStream(
  model: Model,
  name: string,
  input: NodeJS.ReadableStream,
  sink: NodeJS.WritableStream,
  logits: boolean,
): Promise<void> {
  const parser = input.pipe(
    parse({ info: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }),
  );
  const features = model.featureNames.length;
  let header: string[] | undefined;
  let featureCols: number[] = [];
  let targetCols: number[] = [];
  let targets: string[][] = [];
  let x = new Float64Array(BATCH * features);
  let rows = 0;
  const flush = async () => {
    if (rows === 0) return;
    const text = formatRows(model, x.subarray(0, rows * features), rows, targets, logits);
    if (!sink.write(text)) await new Promise((resolve) => sink.once('drain', resolve));
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
        sink.write(`${headerRow(model, present ? model.targetNames : [], logits)}\n`);
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
  }
  if (header === undefined)
    throw new DataError({ file: name }, 'is empty: expected a header row and data rows');
  await flush();
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
