/**
 * The general CSV/TSV reader: csv-parse for every line. Slower than fastCsv.ts (see there why both exist);
 * selected with `XENT_CSV_READER=csv-parse`, and used by the tests to check that both readers agree.
 * Fields are trimmed of the spaces around them (`trim`), as by the fast reader.
 *
 * csv-parse is driven synchronously: each chunk is written to the parser, whose `on_record` and `on_skip`
 * callbacks queue records and malformed lines in file order; the queue is then decoded into the batch.
 *
 * @module
 */
import { type Parser, parse } from 'csv-parse';
import { DataError } from '../errors.js';
import type { Batch } from './batch.js';
import type { RowDecoder } from './decoder.js';
import type { Input } from './input.js';
import type { RowReader } from './reader.js';
import type { Header } from './schema.js';

/** A parsed record, or (fields null) a malformed one. */
interface Entry {
  readonly fields: string[] | null;
  readonly line: number;
  readonly raw: string;
  readonly error?: string;
}

/** The csv-parse reader; see the module comment. */
export class CsvParseReader implements RowReader {
  readonly #input: Input;
  readonly #chunks: AsyncIterator<Buffer>;
  readonly #parser: Parser;
  #queue: Entry[] = [];
  #head = 0;
  #ended = false;
  #failure: Error | undefined;

  constructor(input: Input, delimiter: string) {
    this.#input = input;
    this.#chunks = input.chunks[Symbol.asyncIterator]();
    this.#parser = parse({
      delimiter,
      bom: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      skip_records_with_error: true,
      on_record: (record: unknown, context) => {
        const { record: fields, raw } = record as { record: string[]; raw: string };
        const text = trimBreaks(raw);
        this.#queue.push({ fields, line: startLine(context.lines, text), raw: text });
        return null;
      },
      on_skip: (error, raw) => {
        const text = trimBreaks(raw ?? '');
        this.#queue.push({
          fields: null,
          line: startLine(Number((error as { lines?: number } | undefined)?.lines ?? 0), text),
          raw: text,
          error: (error?.message ?? 'malformed').replace(/ at line \d+/g, ''),
        });
        return undefined;
      },
    });
    this.#parser.on('error', (error) => {
      this.#failure = error;
    });
  }

  async header(): Promise<Header | null> {
    const entry = await this.#nextEntry();
    if (!entry) return null;
    if (!entry.fields) {
      throw new DataError(
        { file: this.#input.name, line: entry.line, value: entry.raw },
        `is not a valid header: ${entry.error}`,
      );
    }
    return { file: this.#input.name, columns: entry.fields, line: entry.line };
  }

  async *batches(decoder: RowDecoder): AsyncGenerator<Batch, void, void> {
    const batch = decoder.batch;
    for (;;) {
      const entry = await this.#nextEntry();
      if (!entry) break;
      if (entry.fields) decoder.decodeFields(entry.fields, entry.line, entry.raw);
      else decoder.rejectLine(entry.line, entry.raw, `is malformed: ${entry.error}`);
      if (batch.full) {
        yield batch;
        batch.reset();
      }
    }
    if (batch.size > 0) yield batch;
  }

  async #nextEntry(): Promise<Entry | undefined> {
    while (this.#head >= this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
      if (this.#ended) return undefined;
      const next = await this.#chunks.next();
      if (next.done) {
        await new Promise<void>((resolve) => this.#parser.end(resolve));
        this.#ended = true;
      } else {
        this.#parser.write(next.value);
      }
      if (this.#failure) {
        throw new DataError({ file: this.#input.name }, `cannot be parsed: ${this.#failure.message}`);
      }
    }
    return this.#queue[this.#head++];
  }
}

/** The record's text without the line breaks around it (csv-parse includes skipped blank lines). */
function trimBreaks(raw: string): string {
  return raw.replace(/^[\r\n]+|[\r\n]+$/g, '');
}

/** csv-parse counts a record at its last line; the line it starts on is earlier by its inner line breaks. */
function startLine(lastLine: number, text: string): number {
  let breaks = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) breaks++;
  return lastLine - breaks;
}
