/**
 * The result of `xent eval`: metrics, the sums they come from, and what went wrong on the way
 * (skipped rows, warnings). One shape for a scored file and for merged shards.
 *
 * @module
 */
import { type Metrics, metricsOf } from './metrics.js';
import type { Sums } from './sums.js';

/** How many skipped rows are listed by line. */
export const SKIPPED_SHOWN = 5;

/** A row rejected with `--skip-invalid`. */
export interface SkippedRow {
  readonly file: string;
  readonly line: number;
  /** The full message: `file:line: column "c": value "v" reason`. */
  readonly message: string;
}

/** What `xent eval` reports: the `--json` object, key for key. */
export interface EvalResult extends Metrics {
  /** The predictions file (for merged results: the files the shards came from). */
  readonly file: string | readonly string[];
  /** The labels file, with `--labels`. */
  readonly labels?: string;
  /** With `--merge`: the result files merged. */
  readonly merged?: readonly string[];
  readonly task: Sums['task'];
  readonly from: Sums['from'];
  readonly eps: number;
  readonly classes: readonly string[];
  readonly weighted: boolean;
  /** Rows whose probabilities do not sum to 1 within 1e-6 (scored as given, not renormalised). */
  readonly unnormalizedRows: number;
  /** Rows skipped with `--skip-invalid`. */
  readonly skippedRows: number;
  /** The first few skipped rows. */
  readonly skipped: readonly SkippedRow[];
  readonly warnings: readonly string[];
  readonly sums: Sums;
}

/** Assembles the result of some sums. */
export function resultOf(
  sums: Sums,
  source: { file: string | readonly string[]; labels?: string; merged?: readonly string[] },
  skipped: readonly SkippedRow[],
): EvalResult {
  const metrics = metricsOf(sums);
  const warnings: string[] = [];
  if (sums.unnormalized > 0) {
    warnings.push(
      `${count(sums.unnormalized, 'row')} of ${sums.rows} (${percent(sums.unnormalized / sums.rows)}) ha${sums.unnormalized === 1 ? 's' : 've'} probabilities that do not sum to 1 within 1e-6; scored as given, not renormalised`,
    );
  }
  if (sums.skipped > 0) {
    const lines = skipped.map((s) => `${s.file}:${s.line}`).join(', ');
    warnings.push(
      `${count(sums.skipped, 'invalid row')} skipped (first: ${lines}); scored the other ${sums.rows}`,
    );
  }
  if (sums.weighted && !(sums.weight > 0)) warnings.push('the weights sum to 0: the means are undefined');
  const { file, labels, merged } = source;
  return {
    file,
    ...(labels !== undefined ? { labels } : {}),
    ...(merged !== undefined ? { merged } : {}),
    task: sums.task,
    from: sums.from,
    eps: sums.eps,
    classes: sums.classes,
    ...metrics,
    weighted: sums.weighted,
    unnormalizedRows: sums.unnormalized,
    skippedRows: sums.skipped,
    skipped,
    warnings,
    sums,
  };
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

function percent(x: number): string {
  return x >= 0.001 ? `${(100 * x).toFixed(1)}%` : '<0.1%';
}
