/**
 * Reading text in-process through a reader, the schema and a decoder, for the reader tests: the input is
 * cut into chunks of a chosen size so that lines and records fall across chunk boundaries.
 */
import { Batch } from '../../src/eval/batch.ts';
import { RowDecoder } from '../../src/eval/decoder.ts';
import type { Format, Input } from '../../src/eval/input.ts';
import { type CsvReaderKind, readerFor } from '../../src/eval/reader.ts';
import { buildSchema, type SchemaOptions } from '../../src/eval/schema.ts';

/** An input holding `text`, delivered in chunks of `chunk` bytes. */
export function inputOf(text: string | Buffer, format: Format, chunk = 1 << 20, name = 'test'): Input {
  const bytes = Buffer.from(text);
  return {
    name,
    format,
    size: bytes.length,
    bytesRead: () => 0,
    chunks: (async function* () {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    })(),
  };
}

/** One decoded row, as plain values. */
export interface Row {
  line: number;
  values: number[];
  targets: number[];
  weight?: number;
  error?: string;
}

/** Reads all rows of `text` with `--skip-invalid` semantics (bad rows come back with their error). */
export async function readRows(
  text: string | Buffer,
  format: Format,
  options: {
    reader?: CsvReaderKind;
    chunk?: number;
    schema?: Partial<SchemaOptions>;
    from?: 'probs' | 'logits';
  } = {},
): Promise<{ columns: readonly string[]; classes: readonly string[]; task: string; rows: Row[] }> {
  const input = inputOf(text, format, options.chunk);
  const reader = readerFor(input, options.reader ?? 'fast');
  const header = await reader.header();
  if (!header) throw new Error('empty');
  const schema = buildSchema(header, undefined, {
    task: 'auto',
    target: undefined,
    weightColumn: undefined,
    ...options.schema,
  });
  const layout = schema.predictions;
  const decoder = new RowDecoder(
    layout,
    { task: schema.task, from: options.from ?? 'probs', classes: schema.classes, skipInvalid: true },
    new Batch(layout.predictions, layout.targets, layout.weighted, 3),
    format === 'tsv' ? 0x09 : 0x2c,
  );
  const rows: Row[] = [];
  for await (const batch of reader.batches(decoder)) {
    for (let i = 0; i < batch.size; i++) {
      const P = batch.predictions;
      const T = batch.targetCount;
      const row: Row = { line: batch.lines[i], values: [], targets: [] };
      if (batch.valid[i]) {
        row.values = Array.from(batch.values.subarray(i * P, (i + 1) * P));
        row.targets = Array.from(batch.targets.subarray(i * T, (i + 1) * T));
        if (layout.weighted) row.weight = batch.weights[i];
      } else {
        row.error = batch.errors.get(i)?.message;
      }
      rows.push(row);
    }
  }
  return { columns: header.columns, classes: schema.classes, task: schema.task, rows };
}
