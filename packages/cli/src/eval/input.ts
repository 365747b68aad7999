/**
 * Opening an input: a file path or `-` (standard input), gzip-compressed or not (recognised by its magic
 * bytes, so `.gz` files and gzip on stdin are both read transparently), and the format it is in.
 *
 * @module
 */
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataError } from '../errors.js';
import { readError } from '../readError.js';

/** The formats a prediction or labels file can be in. */
export type Format = 'csv' | 'tsv' | 'jsonl';

/** An opened input: its chunks of (decompressed) bytes, in order, and how far reading has got. */
export interface Input {
  /** The name used in messages: the path as given, or `stdin`. */
  readonly name: string;
  readonly format: Format;
  /** The decompressed bytes, in chunks; iterate once. */
  readonly chunks: AsyncIterable<Buffer>;
  /** Bytes read so far from the file itself (compressed bytes for gzip), for progress. */
  bytesRead(): number;
  /** The file's size in bytes, or undefined for standard input and other streams. */
  readonly size: number | undefined;
}

/** The size of the chunks read from a file: large enough that per-chunk costs vanish, small enough to stay flat. */
const CHUNK_BYTES = 1 << 20;

/**
 * Opens `path` (`-` for standard input). The format is `format` when given, else the extension's
 * (`.csv`, `.tsv`/`.tab`, `.jsonl`/`.ndjson`, after removing `.gz`), else guessed from the first line:
 * `{` means JSONL, a tab without a comma TSV, anything else CSV.
 *
 * @throws DataError when the file does not exist or is not a regular file or pipe
 */
export async function openInput(path: string, format: Format | undefined): Promise<Input> {
  const name = path === '-' ? 'stdin' : path;
  let size: number | undefined;
  let source: AsyncIterable<Buffer>;
  if (path === '-') {
    source = process.stdin;
  } else {
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(path);
    } catch (error) {
      throw readError(name, error);
    }
    if (stats.isDirectory()) throw readError(name, { code: 'EISDIR' });
    if (stats.isFile()) size = stats.size;
    source = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  }
  let read = 0;
  const counted = countBytes(source, (n) => {
    read += n;
  });
  const raw = new Peekable(counted, name);
  const first = await raw.peek();
  let chunks: AsyncIterable<Buffer> = raw;
  if (first && first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
    chunks = gunzip(raw, name);
  }
  const decoded = new Peekable(chunks, name);
  const resolved = format ?? formatOfPath(path) ?? sniffFormat(await decoded.peek());
  return { name, format: resolved, chunks: decoded, bytesRead: () => read, size };
}

/** The format named by a path's extension (ignoring a trailing `.gz`), if it names one. */
export function formatOfPath(path: string): Format | undefined {
  const base = path.toLowerCase().replace(/\.gz$/, '');
  if (base.endsWith('.csv')) return 'csv';
  if (base.endsWith('.tsv') || base.endsWith('.tab')) return 'tsv';
  if (base.endsWith('.jsonl') || base.endsWith('.ndjson')) return 'jsonl';
  return undefined;
}

/** Guesses the format from the first bytes: `{` is JSONL, a tab and no comma in the first line is TSV, else CSV. */
export function sniffFormat(first: Buffer | null): Format {
  if (!first) return 'csv';
  let i = 0;
  while (
    i < first.length &&
    (first[i] === 0x20 || first[i] === 0x0a || first[i] === 0x0d || first[i] === 0x09)
  )
    i++;
  if (first[i] === 0x7b /* { */) return 'jsonl';
  let end = first.indexOf(0x0a);
  if (end < 0) end = first.length;
  const line = first.subarray(0, end);
  return line.includes(0x09) && !line.includes(0x2c) ? 'tsv' : 'csv';
}

async function* countBytes(source: AsyncIterable<Buffer>, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    add(chunk.length);
    yield chunk;
  }
}

async function* gunzip(source: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  const inflate = createGunzip({ chunkSize: 1 << 18 });
  const piped = Readable.from(source).pipe(inflate);
  try {
    for await (const chunk of piped) yield chunk as Buffer;
  } catch (error) {
    throw new DataError({ file: name }, `is not valid gzip data (${(error as Error).message})`);
  }
}

/** An async iterable of chunks that can show its first chunk before being iterated. */
class Peekable implements AsyncIterable<Buffer> {
  readonly #iterator: AsyncIterator<Buffer>;
  readonly #name: string;
  #head: Buffer | null | undefined;

  constructor(source: AsyncIterable<Buffer>, name: string) {
    this.#iterator = source[Symbol.asyncIterator]();
    this.#name = name;
  }

  /** The first non-empty chunk, or null for empty input; does not consume it. */
  async peek(): Promise<Buffer | null> {
    while (this.#head === undefined) {
      const next = await this.#next();
      if (next.done) this.#head = null;
      else if (next.value.length > 0) this.#head = next.value;
    }
    return this.#head;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    if (this.#head === null) return;
    if (this.#head !== undefined) yield this.#head;
    for (;;) {
      const next = await this.#next();
      if (next.done) return;
      yield next.value;
    }
  }

  async #next(): Promise<IteratorResult<Buffer>> {
    try {
      return await this.#iterator.next();
    } catch (error) {
      throw readError(this.#name, error);
    }
  }
}
