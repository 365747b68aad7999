/**
 * Printing a result: one JSON object (`--json`) or a table for people.
 *
 * @module
 */
import type { EvalResult } from './result.js';

/**
 * The result as JSON, one object on one line. JSON has no NaN or Infinity: NaN (an undefined mean, such
 * as a class without rows) is written as null, ±Infinity (a log of 0 with `--eps 0`) as "Infinity".
 */
export function formatJson(result: EvalResult): string {
  return `${JSON.stringify(result, (_key, value) => {
    if (typeof value !== 'number' || Number.isFinite(value)) return value;
    return Number.isNaN(value) ? null : value > 0 ? 'Infinity' : '-Infinity';
  })}\n`;
}

/** The result as a table: a header line, the metrics, then one line per class (or label). */
export function formatTable(result: EvalResult): string {
  const multilabel = result.task === 'multilabel';
  const files = typeof result.file === 'string' ? result.file : result.file.join(' + ');
  const kinds = multilabel ? 'labels' : 'classes';
  const out: string[] = [];
  out.push(
    `${files}${result.labels ? ` (labels: ${result.labels})` : ''}: ${result.task}, ${result.classes.length} ${kinds}, ${integer(result.rows)} rows${result.weighted ? ' (weighted)' : ''}`,
  );
  out.push(
    `  predictions are ${result.from === 'logits' ? 'logits' : 'probabilities'}; clipped to [eps, 1 - eps], eps = ${result.eps}`,
  );
  out.push('');
  const rows: [string, string][] = [
    ['log loss', number(result.logLoss)],
    [multilabel ? 'subset accuracy' : 'accuracy', number(result.accuracy)],
  ];
  if (multilabel) rows.push(['hamming loss', number(result.hammingLoss ?? Number.NaN)]);
  rows.push(
    ['perplexity', number(result.perplexity)],
    ['entropy', number(result.entropy)],
    ['brier', number(result.brier)],
    ['ece (15 bins)', number(result.ece)],
  );
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) out.push(`  ${k.padEnd(width)}  ${v}`);
  out.push('');
  const header = [multilabel ? 'label' : 'class', multilabel ? 'positives' : 'count', 'log loss', 'accuracy'];
  const table = result.perClass.map((c) => [
    c.class,
    integer(c.count),
    number(c.logLoss),
    number(c.accuracy),
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...table.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    `  ${cells.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  ')}`;
  out.push(line(header));
  for (const r of table) out.push(line(r));
  return `${out.join('\n')}\n`;
}

/** Six decimals for ordinary values, exponent notation for tiny ones, `-` for undefined. */
function number(x: number): string {
  if (Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return x === 0 || Math.abs(x) >= 1e-4 ? x.toFixed(6) : x.toExponential(3);
}

function integer(n: number): string {
  return n.toLocaleString('en-US');
}
