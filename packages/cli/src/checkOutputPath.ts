/**
 * Checks an output path named on the command line (`--out`, `--plot`) before any work starts, so that a
 * long training run is not thrown away for a path that could never be written, and so that a command
 * never writes over its own input. Missing folders on the way are fine: the writer creates them.
 *
 * @module
 */
import { rmSync, type Stats, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { quote, UsageError } from './errors.js';

/** What the path names: a file to write, or a folder to write files into (`xent plot seed --out DIR`). */
export type OutputKind = 'file' | 'folder';

/** An input of the command: how the help calls it (`FILE`, `MODEL`) and its path as given (`-` is standard input). */
export interface NamedInput {
  readonly name: string;
  readonly path: string;
}

/**
 * Throws a UsageError naming `option` and `path` when the path cannot be written: a file path that is
 * a folder, a folder path that is a file, a parent on the way that is a file, the nearest existing
 * folder where no file can be created, or (for a file) the very file of one of `inputs` (compared after symbolic links,
 * by device and inode, so hard links count too).
 */
export function checkOutputPath(
  option: string,
  path: string,
  kind: OutputKind = 'file',
  inputs: readonly NamedInput[] = [],
): void {
  const where = `${option} ${quote(path)}`;
  const target = stat(path);
  if (target?.isDirectory() && kind === 'file')
    throw new UsageError(`${where}: is a folder, expected a file name`);
  if (target && !target.isDirectory() && kind === 'folder')
    throw new UsageError(`${where}: is a file, expected a folder`);
  if (target && kind === 'file') {
    for (const input of inputs) {
      const other = input.path === '-' ? undefined : stat(input.path);
      if (other && other.dev === target.dev && other.ino === target.ino)
        throw new UsageError(
          `${where}: is the same file as ${input.name} (${quote(input.path)}); writing there would destroy the input, choose another file`,
        );
    }
  }
  // The nearest folder that exists: the target itself (an existing folder), else its parent, or further up.
  let folder = target && kind === 'folder' ? path : dirname(path);
  let stats = stat(folder);
  while (stats === undefined && dirname(folder) !== folder) {
    folder = dirname(folder);
    stats = stat(folder);
  }
  if (stats && !stats.isDirectory())
    throw new UsageError(`${where}: ${quote(folder)} is a file, expected a folder on the way`);
  // Creating (and removing) a file there is the one test that holds for every cause: permissions, a
  // read-only file system, a virtual one such as /proc.
  const probe = join(folder, `.xent-check.${process.pid}.tmp`);
  try {
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`${where}: cannot create files in the folder ${quote(folder)} (${code})`);
  }
}

/** The path's stats (after symbolic links), or undefined when it cannot be reached (missing, a file on the way, ...). */
function stat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
