/**
 * What each column of the input means: from the headers and the options, which columns are predictions
 * (in class order), which are targets, which holds weights, and so which task is scored.
 *
 * @module
 */
import { DataError, quote } from '../errors.js';

/** The three kinds of scoring. */
export type Task = 'multiclass' | 'binary' | 'multilabel';

/** What a column holds. `index` is the prediction's class (or label) or the target's label position. */
export type Role =
  | { readonly kind: 'prediction'; readonly index: number }
  | { readonly kind: 'target'; readonly index: number }
  | { readonly kind: 'weight' }
  | { readonly kind: 'ignored' };

/** One input file's columns and their roles. */
export interface FileLayout {
  /** The file's name in messages. */
  readonly file: string;
  /** The header's column names, in order. */
  readonly columns: readonly string[];
  readonly roles: readonly Role[];
  /** How many prediction values one row of this file holds (0 for a labels file). */
  readonly predictions: number;
  /** How many target values one row of this file holds (0 for a predictions file with `--labels`). */
  readonly targets: number;
  /** Whether this file holds the weight column. */
  readonly weighted: boolean;
}

/** The whole input: the task, the class (or label) names, and the layout of each file. */
export interface Schema {
  readonly task: Task;
  /**
   * Multiclass: the class names (prediction headers, in column order). Binary: `['0', '1']`.
   * Multi-label: the label names (target headers, in `--target` order).
   */
  readonly classes: readonly string[];
  readonly predictions: FileLayout;
  /** The labels file's layout, with `--labels`. */
  readonly labels: FileLayout | undefined;
  readonly weighted: boolean;
}

/** The options that shape the schema. */
export interface SchemaOptions {
  readonly task: 'auto' | Task;
  readonly target: readonly string[] | undefined;
  readonly weightColumn: string | undefined;
}

/** A file's name and header. */
export interface Header {
  readonly file: string;
  readonly columns: readonly string[];
  /** The header's line number (1 unless blank lines come first). */
  readonly line: number;
}

/**
 * Decides the roles of the columns.
 *
 * Without a labels file: the targets are the `--target` columns, else the last column (other than the
 * weight column), and every other column is a prediction. With a labels file: every column of the
 * predictions file (but a weight column) is a prediction, and the targets are the labels file's
 * `--target` columns or its last column; its other columns are ignored.
 *
 * Task `auto`: several targets mean multi-label, one prediction column binary, several multiclass.
 *
 * @throws DataError naming the file and header line: duplicate column names, a named column that does
 *   not exist, no prediction columns, or prediction and target counts that do not fit the task
 */
export function buildSchema(predictions: Header, labels: Header | undefined, options: SchemaOptions): Schema {
  checkUnique(predictions);
  if (labels) checkUnique(labels);
  const weightColumn = options.weightColumn;
  let weightIn: Header | undefined;
  if (weightColumn !== undefined) {
    if (predictions.columns.includes(weightColumn)) weightIn = predictions;
    else if (labels?.columns.includes(weightColumn)) weightIn = labels;
    else {
      const where = labels ? `${predictions.file} or ${labels.file}` : predictions.file;
      throw missingColumn(predictions, weightColumn, 'weight', where);
    }
  }
  const targetFile = labels ?? predictions;
  const isWeight = (h: Header, c: number) => h === weightIn && h.columns[c] === weightColumn;
  let targetColumns: number[];
  if (options.target) {
    targetColumns = options.target.map((name) => {
      const c = targetFile.columns.indexOf(name);
      if (c < 0) throw missingColumn(targetFile, name, 'target', targetFile.file);
      if (isWeight(targetFile, c)) {
        throw new DataError(
          { file: targetFile.file, line: targetFile.line, column: name },
          'is the weight column; it cannot also be a target',
        );
      }
      return c;
    });
  } else {
    let last = targetFile.columns.length - 1;
    while (last >= 0 && isWeight(targetFile, last)) last--;
    if (last < 0 || (!labels && last === 0)) {
      throw new DataError(
        { file: targetFile.file, line: targetFile.line },
        `has ${describeColumns(targetFile.columns)}: expected prediction columns and a target column`,
      );
    }
    targetColumns = [last];
  }
  const predictionColumns: number[] = [];
  for (let c = 0; c < predictions.columns.length; c++) {
    if (isWeight(predictions, c)) continue;
    if (!labels && targetColumns.includes(c)) continue;
    predictionColumns.push(c);
  }
  const task = resolveTask(options.task, predictions, predictionColumns, targetFile, targetColumns);
  // Multi-label predictions pair with targets by name when the names agree, else in order.
  const predictionIndex = predictionColumns.map((_, k) => k);
  if (task === 'multilabel') {
    const names = predictionColumns.map((c) => predictions.columns[c]);
    const targetNames = targetColumns.map((c) => targetFile.columns[c]);
    if (labels && targetNames.every((n) => names.includes(n))) {
      names.forEach((n, k) => {
        predictionIndex[k] = targetNames.indexOf(n);
      });
    }
  }
  const classes =
    task === 'multiclass'
      ? predictionColumns.map((c) => predictions.columns[c])
      : task === 'binary'
        ? ['0', '1']
        : targetColumns.map((c) => targetFile.columns[c]);
  const layout = (h: Header, isTargetFile: boolean): FileLayout => {
    const roles: Role[] = h.columns.map((_, c): Role => {
      if (isWeight(h, c)) return { kind: 'weight' };
      if (isTargetFile && targetColumns.includes(c))
        return { kind: 'target', index: targetColumns.indexOf(c) };
      if (h === predictions && predictionColumns.includes(c)) {
        return { kind: 'prediction', index: predictionIndex[predictionColumns.indexOf(c)] };
      }
      return { kind: 'ignored' };
    });
    return {
      file: h.file,
      columns: h.columns,
      roles,
      predictions: h === predictions ? predictionColumns.length : 0,
      targets: isTargetFile ? targetColumns.length : 0,
      weighted: h === weightIn,
    };
  };
  return {
    task,
    classes,
    predictions: layout(predictions, !labels),
    labels: labels ? layout(labels, true) : undefined,
    weighted: weightIn !== undefined,
  };
}

function resolveTask(
  requested: SchemaOptions['task'],
  predictions: Header,
  predictionColumns: readonly number[],
  targetFile: Header,
  targetColumns: readonly number[],
): Task {
  const p = predictionColumns.length;
  const t = targetColumns.length;
  const names = (h: Header, cs: readonly number[]) => cs.map((c) => quote(h.columns[c])).join(', ');
  const fail = (reason: string) => new DataError({ file: predictions.file, line: predictions.line }, reason);
  if (p === 0) throw fail('has no prediction columns');
  const task: Task =
    requested !== 'auto' ? requested : t > 1 ? 'multilabel' : p === 1 ? 'binary' : 'multiclass';
  if (task === 'multilabel') {
    if (p !== t) {
      throw fail(
        `has ${p} prediction column${p === 1 ? '' : 's'} (${names(predictions, predictionColumns)}) for ${t} label${t === 1 ? '' : 's'} (${names(targetFile, targetColumns)}): multi-label scoring needs one prediction column per label`,
      );
    }
    return task;
  }
  if (t > 1) {
    throw fail(`has ${t} target columns (${names(targetFile, targetColumns)}): ${task} scoring takes one`);
  }
  if (task === 'binary' && p !== 1) {
    throw fail(
      `has ${p} prediction columns (${names(predictions, predictionColumns)}): binary scoring takes one, the probability (or logit) of the positive class`,
    );
  }
  if (task === 'multiclass' && p < 2) {
    throw fail(
      `has 1 prediction column (${names(predictions, predictionColumns)}): multiclass scoring needs one column per class (use --task binary for one)`,
    );
  }
  return task;
}

function checkUnique(h: Header): void {
  const seen = new Set<string>();
  for (const name of h.columns) {
    if (seen.has(name)) {
      throw new DataError({ file: h.file, line: h.line, column: name }, 'appears twice in the header');
    }
    seen.add(name);
  }
}

function missingColumn(h: Header, name: string, what: string, where: string): DataError {
  return new DataError(
    { file: h.file, line: h.line, column: name },
    `${what} column not found in ${where} (columns: ${h.columns.map((c) => quote(c)).join(', ')})`,
  );
}

function describeColumns(columns: readonly string[]): string {
  return columns.length === 1 ? `only the column ${quote(columns[0])}` : `${columns.length} columns`;
}
