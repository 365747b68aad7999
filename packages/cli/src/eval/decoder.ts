/**
 * Turning one row's fields into numbers in a {@link Batch}, with the checks that make each bad value
 * an error naming the file, line, column and value: the same rules for every format and reader.
 *
 * @module
 */
import { DataError, quote } from '../errors.js';
import type { Batch } from './batch.js';
import { parseNumberText, scanDecimal, scanEnd } from './number.js';
import type { FileLayout, Task } from './schema.js';

/** What predictions hold. */
export type From = 'probs' | 'logits';

/** The rules a decoder applies. */
export interface DecodeRules {
  readonly task: Task;
  readonly from: From;
  /** Class names (multiclass), for targets given by name. */
  readonly classes: readonly string[];
  /** Reject bad rows into the batch (true) or throw at the first one (false). */
  readonly skipInvalid: boolean;
}

const PREDICTION = 0;
const TARGET = 1;
const WEIGHT = 2;
const IGNORED = 3;
const QUOTE = 0x22;

/**
 * Decodes rows of one file into its batch. Two entry points: {@link RowDecoder.decodeLine} reads a CSV or
 * TSV line straight from bytes (the fast path), {@link RowDecoder.decodeFields} takes fields already split
 * (csv-parse records, JSON values). A row that fails a check is rejected: thrown, or with `skipInvalid`
 * kept in the batch as invalid with its error, so that rows of two files still pair up by position.
 */
export class RowDecoder {
  readonly batch: Batch;
  readonly #layout: FileLayout;
  readonly #rules: DecodeRules;
  readonly #kind: Uint8Array;
  readonly #index: Int32Array;
  readonly #classIndex: Map<string, number>;
  readonly #delimiter: number;
  readonly #multiclass: boolean;
  readonly #logits: boolean;

  constructor(layout: FileLayout, rules: DecodeRules, batch: Batch, delimiter = 0x2c) {
    this.batch = batch;
    this.#layout = layout;
    this.#rules = rules;
    this.#delimiter = delimiter;
    this.#kind = Uint8Array.from(layout.roles, (r) =>
      r.kind === 'prediction'
        ? PREDICTION
        : r.kind === 'target'
          ? TARGET
          : r.kind === 'weight'
            ? WEIGHT
            : IGNORED,
    );
    this.#index = Int32Array.from(layout.roles, (r) => ('index' in r ? r.index : -1));
    this.#classIndex = new Map(rules.classes.map((name, c) => [name, c]));
    this.#multiclass = rules.task === 'multiclass';
    this.#logits = rules.from === 'logits';
  }

  /** The file's column names. */
  get columns(): readonly string[] {
    return this.#layout.columns;
  }

  /**
   * Decodes the line `buf[start, end)` (without its line break) into the next slot of the batch.
   * Returns false, writing nothing, when the line holds a double quote: quoted fields are csv-parse's
   * job (see fastCsv.ts). Allocates nothing for plain numeric fields.
   */
  decodeLine(buf: Buffer, start: number, end: number, line: number): boolean {
    const batch = this.batch;
    const slot = batch.size;
    const kinds = this.#kind;
    const n = kinds.length;
    const delimiter = this.#delimiter;
    let pos = start;
    for (let j = 0; j < n; j++) {
      const kind = kinds[j];
      let fieldEnd: number;
      if (kind === PREDICTION || kind === WEIGHT) {
        let v = scanDecimal(buf, pos, end);
        fieldEnd = scanEnd;
        if (Number.isNaN(v) || (fieldEnd < end && buf[fieldEnd] !== delimiter)) {
          fieldEnd = fieldEndOf(buf, pos, end, delimiter);
          if (fieldEnd < 0) return false;
          v = parseNumberText(buf.toString('utf8', pos, fieldEnd));
        }
        if (kind === PREDICTION) {
          const reason = this.#predictionProblem(v);
          if (reason) return this.#rejectField(buf, start, end, line, j, pos, fieldEnd, reason);
          batch.values[slot * batch.predictions + this.#index[j]] = v;
        } else {
          if (!(v >= 0 && v < Number.POSITIVE_INFINITY)) {
            return this.#rejectField(buf, start, end, line, j, pos, fieldEnd, weightProblem(v));
          }
          batch.weights[slot] = v;
        }
      } else {
        fieldEnd = fieldEndOf(buf, pos, end, delimiter);
        if (fieldEnd < 0) return false;
        if (kind === TARGET) {
          const text = buf.toString('utf8', pos, fieldEnd);
          const t = this.#target(text);
          if (typeof t === 'string') return this.#rejectField(buf, start, end, line, j, pos, fieldEnd, t);
          batch.targets[slot * batch.targetCount + this.#index[j]] = t;
        }
      }
      if (fieldEnd === end) {
        if (j < n - 1) {
          return this.#rejectCount(line, j + 1, buf.toString('utf8', start, end));
        }
      } else if (j === n - 1) {
        let found = n;
        for (let k = fieldEnd; k < end; k++) {
          if (buf[k] === delimiter) found++;
          else if (buf[k] === QUOTE) return false; // csv-parse counts quoted fields
        }
        return this.#rejectCount(line, found, buf.toString('utf8', start, end));
      }
      pos = fieldEnd + 1;
    }
    batch.valid[slot] = 1;
    batch.lines[slot] = line;
    batch.size = slot + 1;
    return true;
  }

  /**
   * Decodes a row whose fields are already split: strings (CSV), or JSON values (numbers, strings,
   * booleans for 0/1 targets). `raw` is the row's text, shown when the column count is wrong.
   */
  decodeFields(fields: readonly unknown[], line: number, raw: string): void {
    const batch = this.batch;
    const slot = batch.size;
    const kinds = this.#kind;
    if (fields.length !== kinds.length) {
      this.#rejectCount(line, fields.length, raw);
      return;
    }
    for (let j = 0; j < kinds.length; j++) {
      const kind = kinds[j];
      const value = fields[j];
      if (kind === IGNORED) continue;
      if (kind === TARGET) {
        const text = typeof value === 'string' ? value : targetText(value);
        const t =
          text === undefined ? `is not a ${this.#multiclass ? 'class' : '0/1 target'}` : this.#target(text);
        if (typeof t === 'string') {
          this.#reject(line, j, showValue(value), t);
          return;
        }
        batch.targets[slot * batch.targetCount + this.#index[j]] = t;
        continue;
      }
      const v =
        typeof value === 'number' ? value : typeof value === 'string' ? parseNumberText(value) : Number.NaN;
      if (kind === PREDICTION) {
        const reason = this.#predictionProblem(v);
        if (reason) {
          this.#reject(line, j, showValue(value), reason);
          return;
        }
        batch.values[slot * batch.predictions + this.#index[j]] = v;
      } else {
        if (!(v >= 0 && v < Number.POSITIVE_INFINITY)) {
          this.#reject(line, j, showValue(value), weightProblem(v));
          return;
        }
        batch.weights[slot] = v;
      }
    }
    batch.valid[slot] = 1;
    batch.lines[slot] = line;
    batch.size = slot + 1;
  }

  /**
   * Rejects the next row as a whole (a malformed line): throws, or keeps it as invalid with `skipInvalid`.
   */
  rejectLine(line: number, raw: string, reason: string): void {
    this.#store(new DataError({ file: this.#layout.file, line, value: raw }, reason), line);
  }

  /** Why v is not an acceptable prediction, or undefined when it is. */
  #predictionProblem(v: number): string | undefined {
    if (this.#logits) {
      if (v > Number.NEGATIVE_INFINITY && v < Number.POSITIVE_INFINITY) return undefined;
      return Number.isNaN(v) ? 'is not a number' : 'is not a finite logit';
    }
    if (v >= 0 && v <= 1) return undefined;
    return Number.isNaN(v)
      ? 'is not a number'
      : 'is not a probability in [0, 1] (for logits, use --from logits)';
  }

  /**
   * The target's number (class index, or 0/1), or why the text is not a valid target. Spaces around
   * the text do not count (`0.7, 0.2, 0.1, cat`), as in train and predict.
   */
  #target(text: string): number | string {
    if (this.#multiclass) {
      const c = this.#classIndex.get(text.trim());
      if (c !== undefined) return c;
      const classes = this.#rules.classes;
      if (INTEGER_TEXT.test(text)) {
        const k = Number(text);
        if (k >= 0 && k < classes.length) return k;
        return `is out of range: class indices go from 0 to ${classes.length - 1}`;
      }
      const shown =
        classes.length > 8
          ? `${classes.slice(0, 8).map(quote).join(', ')}, ...`
          : classes.map(quote).join(', ');
      return `is not a class: expected a prediction column's name (${shown}) or a class index from 0 to ${classes.length - 1}`;
    }
    const v = FLAG_TEXT.test(text) ? (/^\s*t/i.test(text) ? 1 : 0) : parseNumberText(text);
    if (v === 0 || v === 1) return v;
    return 'is not a binary target: expected 0 or 1';
  }

  /**
   * Rejects a line for a bad field, unless its column count is wrong, which then is the error reported
   * (a missing column shifts the others); false when the line holds a quote (csv-parse decides then).
   */
  #rejectField(
    buf: Buffer,
    start: number,
    end: number,
    line: number,
    column: number,
    fieldStart: number,
    fieldEnd: number,
    reason: string,
  ): boolean {
    let found = 1;
    for (let k = start; k < end; k++) {
      if (buf[k] === this.#delimiter) found++;
      else if (buf[k] === QUOTE) return false;
    }
    if (found !== this.#kind.length) return this.#rejectCount(line, found, buf.toString('utf8', start, end));
    return this.#reject(line, column, buf.toString('utf8', fieldStart, fieldEnd), reason);
  }

  #reject(line: number, column: number, value: string, reason: string): true {
    this.#store(
      new DataError({ file: this.#layout.file, line, column: this.#layout.columns[column], value }, reason),
      line,
    );
    return true;
  }

  #rejectCount(line: number, found: number, raw: string): true {
    const expected = this.#kind.length;
    this.#store(
      new DataError(
        { file: this.#layout.file, line, value: raw },
        `has ${found} column${found === 1 ? '' : 's'}, expected ${expected} as in the header`,
      ),
      line,
    );
    return true;
  }

  #store(error: DataError, line: number): void {
    if (!this.#rules.skipInvalid) throw error;
    const batch = this.batch;
    const slot = batch.size;
    batch.valid[slot] = 0;
    batch.lines[slot] = line;
    batch.errors.set(slot, error);
    batch.size = slot + 1;
  }
}

/** An integer written in decimal, possibly as `3.0` (floats written by pandas when a column had NaN). */
const INTEGER_TEXT = /^\s*\+?\d+(?:\.0*)?\s*$/;
/** `true`/`false` in any case, as pandas writes booleans. */
const FLAG_TEXT = /^\s*(?:true|false)\s*$/i;

/** The end of the field starting at `pos`: the next delimiter or `end`; -1 when a double quote comes first. */
function fieldEndOf(buf: Buffer, pos: number, end: number, delimiter: number): number {
  for (let k = pos; k < end; k++) {
    const c = buf[k];
    if (c === delimiter) return k;
    if (c === QUOTE) return -1;
  }
  return end;
}

function weightProblem(v: number): string {
  return Number.isNaN(v) ? 'is not a number' : 'is not a valid weight: expected a finite number >= 0';
}

/** A JSON target as text: numbers as JavaScript prints them, booleans as 1/0; undefined for anything else. */
function targetText(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  return undefined;
}

/** A field's value as shown in messages: strings as they are, other JSON values as JSON. */
function showValue(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
}
