/**
 * Training data: a CSV file with a header row (or a bundled dataset) read into a dense float64 feature
 * matrix and targets, with the task decided from the target column(s). Every bad value is a DataError
 * naming the file, the line, the column and the value.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DataError, quote, UsageError } from '../errors.js';
import { readError } from '../readError.js';

/** What is learnt: one of C classes (softmax), one of two (a sigmoid), or several 0/1 labels (a sigmoid each). */
export type Task = 'multiclass' | 'binary' | 'multilabel';

/** The bundled datasets (data/ in this package, with attribution). */
export const DATASETS = ['digits', 'iris'] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface Dataset {
  /** The file as the user named it, or the bundled dataset's name. */
  readonly name: string;
  readonly featureNames: readonly string[];
  /** The target column(s). */
  readonly targetNames: readonly string[];
  readonly rows: number;
  readonly features: number;
  /** rows × features, row-major. */
  readonly x: Float64Array;
  readonly task: Task;
  /** The classes in output order (multiclass, binary: [negative, positive]); the labels (multi-label). */
  readonly classes: readonly string[];
  /** Multiclass and binary: the class index of each row. Multi-label: rows × labels of 0/1. */
  readonly y: Int32Array | Float64Array;
}

/** A table as read: the header, and each record with its 1-based line number. */
export interface Table {
  readonly name: string;
  readonly header: readonly string[];
  /** The header's 1-based line number. */
  readonly headerLine: number;
  readonly records: readonly { readonly line: number; readonly values: readonly string[] }[];
}

/** The path of a bundled dataset. */
export function datasetPath(name: DatasetName): URL {
  return new URL(`../../data/${name}.csv`, import.meta.url);
}

/** Reads a CSV file (or a bundled dataset) into a table; csv-parse does the CSV. */
export function readTable(name: string, path: string | URL): Table {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw readError(name, error);
  }
  let rows: { info: { lines: number }; record: string[] }[];
  try {
    rows = parse(text, {
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      bom: true,
    }) as unknown as typeof rows;
  } catch (error) {
    const e = error as { lines?: number; message: string };
    throw new DataError({ file: name, line: e.lines }, `is not valid CSV: ${e.message}`);
  }
  if (rows.length === 0) throw new DataError({ file: name }, 'is empty: expected a header row and data rows');
  const [head, ...body] = rows;
  const header = head.record;
  if (body.length === 0)
    throw new DataError({ file: name, line: head.info.lines }, 'has a header row but no data rows');
  for (const r of body) {
    if (r.record.length !== header.length) {
      throw new DataError(
        { file: name, line: r.info.lines },
        `has ${r.record.length} columns, expected ${header.length} (as many as the header)`,
      );
    }
  }
  return {
    name,
    header,
    headerLine: head.info.lines,
    records: body.map((r) => ({ line: r.info.lines, values: r.record })),
  };
}

/** Options that decide how a table becomes a dataset. */
export interface DatasetOptions {
  /** The target column(s); default: the last column. */
  readonly target?: readonly string[];
  readonly task: 'auto' | Task;
}

/**
 * Splits a table into features and targets and decides the task.
 *
 * @throws DataError for a --target column the table lacks (as xent eval: it depends on the file)
 */
export function toDataset(table: Table, options: DatasetOptions): Dataset {
  const targetNames = options.target ?? [table.header[table.header.length - 1]];
  const targetCols = targetNames.map((t) => {
    const k = table.header.indexOf(t);
    if (k < 0)
      throw new DataError(
        { file: table.name, line: table.headerLine, column: t },
        `target column not found in ${table.name} (columns: ${table.header.map((c) => quote(c)).join(', ')})`,
      );
    return k;
  });
  const featureCols = table.header.map((_, k) => k).filter((k) => !targetCols.includes(k));
  if (featureCols.length === 0)
    throw new DataError({ file: table.name }, 'has no feature columns besides the target');
  const rows = table.records.length;
  const features = featureCols.length;
  const x = new Float64Array(rows * features);
  table.records.forEach((r, i) => {
    featureCols.forEach((k, j) => {
      x[i * features + j] = parseNumber(table, r.line, k, r.values[k]);
    });
  });
  let task = options.task;
  if (task === 'auto') task = targetCols.length > 1 ? 'multilabel' : 'multiclass';
  const base = {
    name: table.name,
    featureNames: featureCols.map((k) => table.header[k]),
    targetNames,
    rows,
    features,
    x,
  };
  if (task === 'multilabel') {
    const y = new Float64Array(rows * targetCols.length);
    table.records.forEach((r, i) => {
      targetCols.forEach((k, l) => {
        const v = r.values[k];
        if (v !== '0' && v !== '1')
          throw new DataError(
            { file: table.name, line: r.line, column: table.header[k], value: v },
            'is not a 0/1 label',
          );
        y[i * targetCols.length + l] = Number(v);
      });
    });
    return { ...base, task, classes: targetNames, y };
  }
  if (targetCols.length > 1)
    throw new UsageError(`--task ${task} takes one target column, got ${targetNames.length}`);
  const k = targetCols[0];
  const labels = table.records.map((r) => {
    const v = r.values[k];
    if (v === '')
      throw new DataError(
        { file: table.name, line: r.line, column: table.header[k], value: v },
        'is a missing target',
      );
    return v;
  });
  const classes = sortClasses([...new Set(labels)]);
  if (classes.length < 2) {
    throw new DataError(
      { file: table.name, column: table.header[k] },
      `has a single class (${JSON.stringify(classes[0])}): a classifier needs at least two`,
    );
  }
  if (options.task === 'auto' && classes.length === 2) task = 'binary';
  if (task === 'binary' && classes.length !== 2) {
    throw new DataError(
      { file: table.name, column: table.header[k] },
      `has ${classes.length} classes, --task binary needs exactly two`,
    );
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  return { ...base, task, classes, y: Int32Array.from(labels, (l) => index.get(l) as number) };
}

/** Classes in scikit-learn's order: numerically when every label is a number, else as strings. */
export function sortClasses(labels: string[]): string[] {
  const numeric = labels.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  return numeric ? labels.sort((a, b) => Number(a) - Number(b)) : labels.sort();
}

function parseNumber(table: Table, line: number, k: number, text: string): number {
  const column = table.header[k];
  if (text === '')
    throw new DataError(
      { file: table.name, line, column, value: text },
      'is a missing value: every feature needs a number',
    );
  const v = Number(text);
  if (!Number.isFinite(v))
    throw new DataError({ file: table.name, line, column, value: text }, 'is not a finite number');
  return v;
}
