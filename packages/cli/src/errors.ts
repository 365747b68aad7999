/**
 * The kinds of failure the command reports without a stack trace: a usage error (exit status 2), a data
 * error and a training run that diverged (exit status 1). Anything else is a bug and is reported as an
 * internal error.
 *
 * @module
 */

/** The command line itself is wrong: an unknown option, a missing FILE, a bad option value. Exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Training on valid data failed: the loss became NaN or infinite (the optimisation diverged, usually a
 * learning rate too large). Exit status 1.
 */
export class TrainingError extends Error {
  override readonly name = 'TrainingError';
}

/** Where in which file a data error is, for the message `FILE:LINE: column "c": value "v" reason`. */
export interface DataLocation {
  /** The file as the user named it (`stdin` for `-`). */
  readonly file: string;
  /** 1-based line number; 0 when the error concerns the whole file. */
  readonly line?: number;
  /** The column's name (its header), when the error is in one field. */
  readonly column?: string;
  /** The offending text, shown quoted and shortened. */
  readonly value?: string;
}

/** The input is wrong: a bad value, a malformed line, a missing column, an empty file. Exit status 1. */
export class DataError extends Error {
  override readonly name = 'DataError';
  readonly location: DataLocation;
  /** What is wrong, without the location: `is not a number`. */
  readonly reason: string;

  constructor(location: DataLocation, reason: string) {
    super(formatLocated(location, reason));
    this.location = location;
    this.reason = reason;
  }
}

/** `file:line: column "c": value "v" reason`, leaving out the parts that are not known. */
export function formatLocated(location: DataLocation, reason: string): string {
  let out = location.file;
  if (location.line) out += `:${location.line}`;
  out += ':';
  if (location.column !== undefined) out += ` column ${quote(location.column)}:`;
  if (location.value !== undefined) out += ` value ${quote(location.value)}`;
  return `${out} ${reason}`;
}

/** A value in double quotes, JSON-escaped, cut to 60 characters. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}
