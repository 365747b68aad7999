/**
 * The additive partial sums every metric is computed from. Scoring two shards of a dataset and adding
 * their sums gives the sums of the whole (up to the rounding of the additions), which is what
 * `xent eval --merge` does.
 *
 * @module
 */
import type { From } from './decoder.js';
import type { Task } from './schema.js';

/** The number of equal-width confidence bins of the expected calibration error. */
export const ECE_BINS = 15;

/** The version of the `sums` format; `--merge` refuses other versions. */
export const SUMS_VERSION = 1;

/**
 * The sums, as written in `--json` output under `sums`. All weighted sums use weight 1 per row without
 * `--weight-column`. "Element" means a row (multiclass, binary) or a (row, label) pair (multi-label).
 */
export interface Sums {
  readonly version: typeof SUMS_VERSION;
  /** What was scored, and how: shards merge only when these agree. */
  readonly task: Task;
  readonly from: From;
  readonly eps: number;
  readonly weighted: boolean;
  /** Class names (multiclass), `['0', '1']` (binary) or label names (multi-label). */
  readonly classes: readonly string[];
  /** Rows scored. */
  rows: number;
  /** Σ w over rows. */
  weight: number;
  /** Σ w · cross-entropy (multi-label: Σ w · Σ over labels of the binary cross-entropy). */
  loss: number;
  /** Σ w over correctly predicted rows (multi-label: rows with every label right). */
  correct: number;
  /** Σ w · Σ_c (p_c - y_c)² (binary: Σ w · (p - y)²; multi-label: over labels). */
  brier: number;
  /** Σ w · entropy of the predicted distribution, in nats (multi-label: Σ over labels of the binary entropy). */
  entropy: number;
  /** Multi-label: Σ w · number of wrong labels; 0 otherwise. */
  hamming: number;
  /** Rows whose probabilities do not sum to 1 within 1e-6 (multiclass, `--from probs`). */
  unnormalized: number;
  /** Rows rejected with `--skip-invalid`. */
  skipped: number;
  /** Per confidence bin b, for confidences in (b/15, (b+1)/15] (bin 0 also holds 0): elements, Σ w, Σ w · confidence, Σ w · correct. */
  readonly bins: { count: number[]; weight: number[]; confidence: number[]; correct: number[] };
  /**
   * Per class: rows with that target, their Σ w, Σ w · cross-entropy, Σ w · correct. Multi-label, per
   * label: rows where the label is 1, their Σ w, and over all rows Σ w · binary cross-entropy and Σ w · correct.
   */
  readonly perClass: { count: number[]; weight: number[]; loss: number[]; correct: number[] };
}

/** Empty sums for a task. */
export function emptySums(
  task: Task,
  from: From,
  eps: number,
  weighted: boolean,
  classes: readonly string[],
): Sums {
  const zeros = (n: number) => new Array<number>(n).fill(0);
  return {
    version: SUMS_VERSION,
    task,
    from,
    eps,
    weighted,
    classes: [...classes],
    rows: 0,
    weight: 0,
    loss: 0,
    correct: 0,
    brier: 0,
    entropy: 0,
    hamming: 0,
    unnormalized: 0,
    skipped: 0,
    bins: {
      count: zeros(ECE_BINS),
      weight: zeros(ECE_BINS),
      confidence: zeros(ECE_BINS),
      correct: zeros(ECE_BINS),
    },
    perClass: {
      count: zeros(classes.length),
      weight: zeros(classes.length),
      loss: zeros(classes.length),
      correct: zeros(classes.length),
    },
  };
}

/** Why two sums cannot be added (different task, classes, eps, ...), or undefined when they can. */
export function incompatibility(a: Sums, b: Sums): string | undefined {
  if (a.task !== b.task) return `task ${a.task} vs ${b.task}`;
  if (a.from !== b.from) return `--from ${a.from} vs ${b.from}`;
  if (a.eps !== b.eps) return `eps ${a.eps} vs ${b.eps}`;
  if (a.weighted !== b.weighted) return 'weighted vs unweighted';
  if (a.classes.length !== b.classes.length || a.classes.some((c, i) => c !== b.classes[i])) {
    return `classes [${a.classes.join(', ')}] vs [${b.classes.join(', ')}]`;
  }
  return undefined;
}

/** The sums of several compatible shards, added with Neumaier's compensated summation. */
export function addSums(parts: readonly Sums[]): Sums {
  const first = parts[0];
  const out = emptySums(first.task, first.from, first.eps, first.weighted, first.classes);
  const scalar = [
    'rows',
    'weight',
    'loss',
    'correct',
    'brier',
    'entropy',
    'hamming',
    'unnormalized',
    'skipped',
  ] as const;
  for (const key of scalar) out[key] = compensatedSum(parts.map((p) => p[key]));
  for (const group of ['bins', 'perClass'] as const) {
    for (const key of Object.keys(out[group]) as (keyof Sums['bins'] & keyof Sums['perClass'])[]) {
      const target = out[group][key];
      for (let i = 0; i < target.length; i++) target[i] = compensatedSum(parts.map((p) => p[group][key][i]));
    }
  }
  return out;
}

/** Σ xs with Neumaier's compensation (exact to one rounding for a few terms). */
export function compensatedSum(xs: readonly number[]): number {
  let s = 0;
  let c = 0;
  for (const x of xs) {
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return Number.isFinite(s) ? s + c : s;
}

/**
 * Checks that a parsed JSON value is a `sums` object of this version, and returns it typed; otherwise
 * returns why not.
 */
export function readSums(value: unknown): Sums | string {
  if (value === null || typeof value !== 'object') return 'has no "sums" object';
  const s = value as Record<string, unknown>;
  if (s.version !== SUMS_VERSION)
    return `has sums of version ${JSON.stringify(s.version)}, expected ${SUMS_VERSION}`;
  if (s.task !== 'multiclass' && s.task !== 'binary' && s.task !== 'multilabel') return 'has an unknown task';
  if (s.from !== 'probs' && s.from !== 'logits') return 'has an unknown "from"';
  if (!Array.isArray(s.classes) || !s.classes.every((c) => typeof c === 'string'))
    return 'has no class names';
  const n = s.classes.length;
  const isNumber = (x: unknown) =>
    typeof x === 'number' || x === null || x === 'Infinity' || x === '-Infinity';
  for (const key of [
    'eps',
    'rows',
    'weight',
    'loss',
    'correct',
    'brier',
    'entropy',
    'hamming',
    'unnormalized',
    'skipped',
  ]) {
    if (!isNumber(s[key])) return `has no number "sums.${key}"`;
  }
  const arrays = (group: string, keys: string[], length: number): string | undefined => {
    const g = s[group] as Record<string, unknown> | undefined;
    for (const key of keys) {
      const a = g?.[key];
      if (!Array.isArray(a) || a.length !== length || !a.every(isNumber)) {
        return `has no array "sums.${group}.${key}" of ${length} numbers`;
      }
    }
    return undefined;
  };
  const bad =
    arrays('bins', ['count', 'weight', 'confidence', 'correct'], ECE_BINS) ??
    arrays('perClass', ['count', 'weight', 'loss', 'correct'], n);
  if (bad) return bad;
  if (typeof s.weighted !== 'boolean') return 'has no boolean "sums.weighted"';
  const bins = s.bins as Record<string, unknown[]>;
  const perClass = s.perClass as Record<string, unknown[]>;
  return {
    version: SUMS_VERSION,
    task: s.task,
    from: s.from,
    eps: fromJson(s.eps),
    weighted: s.weighted,
    classes: s.classes as string[],
    rows: fromJson(s.rows),
    weight: fromJson(s.weight),
    loss: fromJson(s.loss),
    correct: fromJson(s.correct),
    brier: fromJson(s.brier),
    entropy: fromJson(s.entropy),
    hamming: fromJson(s.hamming),
    unnormalized: fromJson(s.unnormalized),
    skipped: fromJson(s.skipped),
    bins: {
      count: bins.count.map(fromJson),
      weight: bins.weight.map(fromJson),
      confidence: bins.confidence.map(fromJson),
      correct: bins.correct.map(fromJson),
    },
    perClass: {
      count: perClass.count.map(fromJson),
      weight: perClass.weight.map(fromJson),
      loss: perClass.loss.map(fromJson),
      correct: perClass.correct.map(fromJson),
    },
  };
}

/** JSON has no NaN or Infinity: `--json` writes NaN as null and ±Infinity as strings (format.ts); this reads them back. */
function fromJson(value: unknown): number {
  if (value === null) return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return value as number;
}
