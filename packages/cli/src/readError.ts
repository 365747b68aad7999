/**
 * The data error for an input file that cannot be opened, in the same words for every command:
 * `FILE: does not exist`, `FILE: is a directory, expected a file`, `FILE: cannot be read (CODE)`.
 *
 * @module
 */
import { DataError } from './errors.js';

/** The DataError for `error`, thrown while opening or reading the input `file` (named as the user named it). */
export function readError(file: string, error: unknown): DataError {
  if (error instanceof DataError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new DataError({ file }, 'does not exist');
  if (code === 'EISDIR') return new DataError({ file }, 'is a directory, expected a file');
  if (code === 'EACCES' || code === 'EPERM')
    return new DataError({ file }, 'cannot be read: permission denied');
  return new DataError({ file }, `cannot be read (${code ?? (error as Error).message})`);
}
