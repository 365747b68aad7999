/**
 * The interface every reader implements, and the choice of reader for an input.
 *
 * @module
 */
import type { Batch } from './batch.js';
import { CsvParseReader } from './csvParseReader.js';
import type { RowDecoder } from './decoder.js';
import { FastCsvReader } from './fastCsv.js';
import type { Input } from './input.js';
import { JsonlReader } from './jsonlReader.js';
import type { Header } from './schema.js';

/** Reads one file: first its header, then its rows into batches. */
export interface RowReader {
  /** The header (the first non-empty line; for JSONL, the first object's keys), or null for an empty file. */
  header(): Promise<Header | null>;
  /**
   * Decodes the rows after the header into `decoder.batch`, yielding it each time it is full and once
   * more, partly filled, at the end. The batch is emptied when the generator resumes.
   */
  batches(decoder: RowDecoder): AsyncGenerator<Batch, void, void>;
}

/** Which CSV reader to use: the fast byte-level one, or csv-parse for everything. */
export type CsvReaderKind = 'fast' | 'csv-parse';

/** The reader for an input's format. */
export function readerFor(input: Input, csvReader: CsvReaderKind): RowReader {
  if (input.format === 'jsonl') return new JsonlReader(input);
  const delimiter = input.format === 'tsv' ? '\t' : ',';
  return csvReader === 'csv-parse'
    ? new CsvParseReader(input, delimiter)
    : new FastCsvReader(input, delimiter);
}
