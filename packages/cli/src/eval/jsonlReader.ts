/**
 * JSON Lines: one object per line, its keys the columns (the first object's keys, in order, are the
 * header), each parsed with `JSON.parse`.
 *
 * @module
 */
import { DataError } from '../errors.js';
import type { Batch } from './batch.js';
import type { RowDecoder } from './decoder.js';
import type { Input } from './input.js';
import { LineReader } from './lines.js';
import type { RowReader } from './reader.js';
import type { Header } from './schema.js';

/** The JSONL reader; see the module comment. */
export class JsonlReader implements RowReader {
  readonly #input: Input;
  readonly #lines: LineReader;
  /** The first object, read for the header and decoded as the first row. */
  #first: { object: Record<string, unknown>; line: number; raw: string } | undefined;
  #columns: string[] = [];

  constructor(input: Input) {
    this.#input = input;
    this.#lines = new LineReader(input.chunks);
  }

  async header(): Promise<Header | null> {
    const lines = this.#lines;
    for (;;) {
      while (lines.next()) {
        let start = lines.start;
        const buf = lines.buf;
        if (lines.line === 1 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) {
          start += 3;
        }
        const raw = buf.toString('utf8', start, lines.end);
        if (raw.trim() === '') continue;
        const parsed = parseObject(raw);
        if (typeof parsed === 'string') {
          throw new DataError({ file: this.#input.name, line: lines.line, value: raw }, parsed);
        }
        this.#first = { object: parsed, line: lines.line, raw };
        this.#columns = Object.keys(parsed);
        return { file: this.#input.name, columns: this.#columns, line: lines.line };
      }
      if (!(await lines.fill())) return null;
    }
  }

  async *batches(decoder: RowDecoder): AsyncGenerator<Batch, void, void> {
    const lines = this.#lines;
    const batch = decoder.batch;
    if (this.#first) {
      this.#decode(decoder, this.#first.object, this.#first.line, this.#first.raw);
      this.#first = undefined;
    }
    for (;;) {
      while (lines.next()) {
        if (lines.start === lines.end) continue;
        const raw = lines.buf.toString('utf8', lines.start, lines.end);
        if (raw.trim() === '') continue;
        const parsed = parseObject(raw);
        if (typeof parsed === 'string') decoder.rejectLine(lines.line, raw, parsed);
        else this.#decode(decoder, parsed, lines.line, raw);
        if (batch.full) {
          yield batch;
          batch.reset();
        }
      }
      if (!(await lines.fill())) {
        if (lines.next()) {
          lines.rewind();
          continue;
        }
        break;
      }
    }
    if (batch.size > 0) yield batch;
  }

  #decode(decoder: RowDecoder, object: Record<string, unknown>, line: number, raw: string): void {
    const columns = this.#columns;
    const values = new Array<unknown>(columns.length);
    for (let j = 0; j < columns.length; j++) {
      if (!Object.hasOwn(object, columns[j])) {
        decoder.rejectLine(
          line,
          raw,
          `has no key ${JSON.stringify(columns[j])} (the first line's keys are the columns)`,
        );
        return;
      }
      values[j] = object[columns[j]];
    }
    const extra = Object.keys(object).length - columns.length;
    if (extra > 0) {
      const unknown = Object.keys(object).filter((k) => !columns.includes(k));
      decoder.rejectLine(
        line,
        raw,
        `has the key ${JSON.stringify(unknown[0])}, not among the first line's keys`,
      );
      return;
    }
    decoder.decodeFields(values, line, raw);
  }
}

/** The line's JSON object, or why it is not one. */
function parseObject(raw: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return `is malformed JSON (${(error as Error).message})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'is not a JSON object';
  }
  return value as Record<string, unknown>;
}
