/**
 * Writes a file so that it is either complete or absent: the data goes to a temporary file beside the
 * target, which is renamed over it only when fully written (a rename within one folder is atomic).
 * Missing folders on the way are created.
 *
 * @module
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DataError } from './errors.js';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new DataError(
      { file: path },
      `cannot be written: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}
