/**
 * Writes a file so that it is either complete or absent: the data goes to a temporary file beside the
 * target, which is renamed over it only when fully written (a rename within one folder is atomic).
 * Missing folders on the way are created. A failure is a DataError naming the file; removing the
 * temporary file afterwards is best effort and never hides that error.
 *
 * @module
 */
import { createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { DataError } from './errors.js';

/** Writes `data` to `path`, complete or not at all. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = tempPath(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    removeQuietly(temp);
    throw writeError(path, error);
  }
}

/** A file being written as a stream: {@link AtomicStream.commit} puts it in place, {@link AtomicStream.abort} removes it. */
export interface AtomicStream {
  /** Where to write; its errors are kept and reported by commit. */
  readonly stream: Writable;
  /** Ends the stream and renames the temporary file to the target. Throws a DataError when anything failed. */
  commit(): Promise<void>;
  /** Stops writing and removes the temporary file (after a failure elsewhere); never throws. */
  abort(): Promise<void>;
}

/** Opens a temporary file beside `path` (creating missing folders) for a stream that is committed or aborted. */
export async function openAtomicStream(path: string): Promise<AtomicStream> {
  const temp = tempPath(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw writeError(path, error);
  }
  const stream = createWriteStream(temp);
  let failure: unknown;
  stream.on('error', (error) => {
    failure ??= error;
  });
  const abort = async () => {
    stream.destroy();
    await finished(stream).catch(() => {});
    removeQuietly(temp);
  };
  await new Promise<void>((resolve) => {
    stream.once('ready', resolve);
    stream.once('close', resolve);
  });
  if (failure !== undefined) {
    await abort();
    throw writeError(path, failure);
  }
  return {
    stream,
    async commit() {
      try {
        if (failure !== undefined) throw failure;
        stream.end();
        await finished(stream);
        renameSync(temp, path);
      } catch (error) {
        await abort();
        throw writeError(path, failure ?? error);
      }
    },
    abort,
  };
}

function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // The folder may be unreachable (a file on the way): then there is no temporary file to remove.
  }
}

/** The DataError for a failed write of `path`: `PATH: cannot be written: CODE`. */
export function writeError(path: string, error: unknown): DataError {
  return new DataError(
    { file: path },
    `cannot be written: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
  );
}
