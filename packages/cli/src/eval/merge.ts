/**
 * `xent eval --merge`: the result of the whole from the `--json` results of its shards, by adding their
 * sums (sums.ts) and computing the metrics again.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import { type EvalResult, resultOf, SKIPPED_SHOWN, type SkippedRow } from './result.js';
import { addSums, incompatibility, readSums, type Sums } from './sums.js';

/** Merges the results in `paths`. @throws DataError naming the file that cannot be read or merged */
export async function mergeResults(paths: readonly string[]): Promise<EvalResult> {
  const parts: Sums[] = [];
  const files: string[] = [];
  const skipped: SkippedRow[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path === '-' ? 0 : path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new DataError({ file: path }, code === 'ENOENT' ? 'no such file' : `cannot read (${code})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new DataError(
        { file: path },
        `is not JSON (${(error as Error).message}): expected xent eval --json output`,
      );
    }
    const record = (json ?? {}) as Record<string, unknown>;
    const sums = readSums(record.sums);
    if (typeof sums === 'string')
      throw new DataError({ file: path }, `${sums}: expected xent eval --json output`);
    if (parts.length > 0) {
      const why = incompatibility(parts[0], sums);
      if (why) throw new DataError({ file: path }, `cannot be merged with ${paths[0]}: ${why}`);
    }
    parts.push(sums);
    const file = record.file;
    if (typeof file === 'string') files.push(file);
    else if (Array.isArray(file)) files.push(...file.filter((f): f is string => typeof f === 'string'));
    if (Array.isArray(record.skipped)) {
      for (const s of record.skipped as SkippedRow[]) if (skipped.length < SKIPPED_SHOWN) skipped.push(s);
    }
  }
  return resultOf(addSums(parts), { file: files, merged: paths }, skipped);
}
