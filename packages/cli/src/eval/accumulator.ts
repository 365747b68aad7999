/**
 * Scoring batches of rows into {@link Sums}. The math is the library's, called once per batch: softmax or
 * sigmoid for `--from logits`, the clipped cross-entropy per row, the terms p log p of the predictive
 * entropy (klDiv against log 1 = 0 for classes, binaryCrossEntropy of p against itself for labels); this
 * file only gathers, counts and adds.
 *
 * Cross-entropy, exactly as scikit-learn's `log_loss`: each row's loss is -log(clip(q, eps, 1 - eps)) where
 * q is the probability given to what happened: p[target] (multiclass), p or 1 - p (binary and each
 * multi-label label, 1 - p computed first and then clipped, as scikit-learn builds its [1 - p, p] columns).
 * It is the library's `binaryCrossEntropy` of q against a target of 1 with `epsilon: eps`, which is
 * -(1 · log(clip(q)) + 0 · log1p(-clip(q))) = -log(clip(q)). Rows are not renormalised.
 *
 * Sums are accumulated with Neumaier's compensated summation, so the mean over millions of rows is as
 * accurate as the per-row losses (numpy's pairwise sum, which scikit-learn uses, is within log2(n) ulps).
 *
 * @module
 */
import { binaryCrossEntropy, klDiv, sigmoid, softmax } from 'xent';
import type { From } from './decoder.js';
import type { Task } from './schema.js';
import { ECE_BINS, emptySums, type Sums } from './sums.js';

/** A row counts as unnormalised when its probabilities sum to 1 ± more than this. */
export const SUM_TOLERANCE = 1e-6;

// Slots of the compensated sums.
const WEIGHT = 0;
const LOSS = 1;
const CORRECT = 2;
const BRIER = 3;
const ENTROPY = 4;
const HAMMING = 5;
const BIN0 = 6; // + 3 · bin + (0 weight, 1 confidence, 2 correct)
const CLASS0 = BIN0 + 3 * ECE_BINS; // + 3 · class + (0 weight, 1 loss, 2 correct)

/** Adds scored batches into sums. */
export class Accumulator {
  readonly #task: Task;
  readonly #from: From;
  readonly #eps: number;
  readonly #weighted: boolean;
  readonly #classes: readonly string[];
  readonly #sum: Float64Array;
  readonly #comp: Float64Array;
  readonly #binCount = new Float64Array(ECE_BINS);
  readonly #classCount: Float64Array;
  #rows = 0;
  #unnormalized = 0;
  /** Rows rejected by `--skip-invalid`, counted by the caller. */
  skipped = 0;
  #ones = new Float64Array(0);
  #gathered = new Float64Array(0);
  #zeros = new Float64Array(0);
  #pairs = new Float64Array(0);

  constructor(task: Task, from: From, eps: number, weighted: boolean, classes: readonly string[]) {
    this.#task = task;
    this.#from = from;
    this.#eps = eps;
    this.#weighted = weighted;
    this.#classes = classes;
    this.#sum = new Float64Array(CLASS0 + 3 * classes.length);
    this.#comp = new Float64Array(this.#sum.length);
    this.#classCount = new Float64Array(classes.length);
  }

  /** Rows scored so far. */
  get rows(): number {
    return this.#rows;
  }

  /**
   * Scores n rows: `values` holds n × (number of prediction columns) probabilities or logits, `targets`
   * n class indices (multiclass, binary) or n × labels 0/1 values (multi-label), `weights` n weights or
   * undefined for weight 1.
   */
  add(values: Float64Array, targets: Float64Array, weights: Float64Array | undefined, n: number): void {
    if (n === 0) return;
    if (this.#task === 'multilabel') this.#addMultilabel(values, targets, weights, n);
    else this.#addClasses(values, targets, weights, n);
    this.#rows += n;
  }

  /** The sums so far. */
  sums(): Sums {
    const out = emptySums(this.#task, this.#from, this.#eps, this.#weighted, this.#classes);
    const total = (k: number) => {
      const s = this.#sum[k];
      return Number.isFinite(s) ? s + this.#comp[k] : s;
    };
    out.rows = this.#rows;
    out.weight = total(WEIGHT);
    out.loss = total(LOSS);
    out.correct = total(CORRECT);
    out.brier = total(BRIER);
    out.entropy = total(ENTROPY);
    out.hamming = total(HAMMING);
    out.unnormalized = this.#unnormalized;
    out.skipped = this.skipped;
    for (let b = 0; b < ECE_BINS; b++) {
      out.bins.count[b] = this.#binCount[b];
      out.bins.weight[b] = total(BIN0 + 3 * b);
      out.bins.confidence[b] = total(BIN0 + 3 * b + 1);
      out.bins.correct[b] = total(BIN0 + 3 * b + 2);
    }
    for (let c = 0; c < this.#classes.length; c++) {
      out.perClass.count[c] = this.#classCount[c];
      out.perClass.weight[c] = total(CLASS0 + 3 * c);
      out.perClass.loss[c] = total(CLASS0 + 3 * c + 1);
      out.perClass.correct[c] = total(CLASS0 + 3 * c + 2);
    }
    return out;
  }

  /** Multiclass, and binary as the two classes [1 - p, p]. */
  #addClasses(
    values: Float64Array,
    targets: Float64Array,
    weights: Float64Array | undefined,
    n: number,
  ): void {
    const binary = this.#task === 'binary';
    const C = this.#classes.length;
    const logits = this.#from === 'logits';
    let probs: Float64Array;
    if (binary) {
      let p = values.subarray(0, n);
      if (logits) p = sigmoid({ data: p, shape: [n] }).data as Float64Array;
      probs = this.#scratchPairs(2 * n);
      for (let i = 0; i < n; i++) {
        probs[2 * i] = 1 - p[i];
        probs[2 * i + 1] = p[i];
      }
    } else {
      probs = values.subarray(0, n * C);
      if (logits) probs = softmax({ data: probs, shape: [n, C] }).data as Float64Array;
    }
    const gathered = this.#scratchGathered(n);
    for (let i = 0; i < n; i++) gathered[i] = probs[i * C + targets[i]];
    const ce = binaryCrossEntropy(
      { data: gathered, shape: [n] },
      { data: this.#scratchOnes(n), shape: [n] },
      { epsilon: this.#eps, reduction: 'none' },
    ).data;
    // Entropy -Σ p log p of each row as given: klDiv(0, p) = Σ p · (log p - 0) per element, 0 log 0 = 0.
    const plogp = klDiv(
      { data: this.#scratchZeros(n * C), shape: [n, C] },
      { data: probs, shape: [n, C] },
      {
        reduction: 'none',
      },
    ).data;
    const checkSum = !binary && !logits;
    const sum = this.#sum;
    const comp = this.#comp;
    for (let i = 0; i < n; i++) {
      const w = weights ? weights[i] : 1;
      const t = targets[i];
      const base = i * C;
      let best = 0;
      let top = probs[base];
      let total = 0;
      let brier = 0;
      let h = 0;
      for (let c = 0; c < C; c++) {
        const p = probs[base + c];
        total += p;
        if (p > top) {
          top = p;
          best = c;
        }
        const d = c === t ? p - 1 : p;
        brier += d * d;
        h -= plogp[base + c];
      }
      if (binary) {
        const d = probs[base + 1] - t;
        brier = d * d;
      }
      if (checkSum && !(Math.abs(total - 1) <= SUM_TOLERANCE)) this.#unnormalized++;
      const correct = best === t ? w : 0;
      const loss = w * ce[i];
      add(sum, comp, WEIGHT, w);
      add(sum, comp, LOSS, loss);
      add(sum, comp, CORRECT, correct);
      add(sum, comp, BRIER, w * brier);
      add(sum, comp, ENTROPY, w * h);
      const bin = binOf(top);
      this.#binCount[bin]++;
      add(sum, comp, BIN0 + 3 * bin, w);
      add(sum, comp, BIN0 + 3 * bin + 1, w * top);
      add(sum, comp, BIN0 + 3 * bin + 2, correct);
      this.#classCount[t]++;
      add(sum, comp, CLASS0 + 3 * t, w);
      add(sum, comp, CLASS0 + 3 * t + 1, loss);
      add(sum, comp, CLASS0 + 3 * t + 2, correct);
    }
  }

  /** Multi-label: each label a binary problem; `targets` holds n × L values 0/1. */
  #addMultilabel(
    values: Float64Array,
    targets: Float64Array,
    weights: Float64Array | undefined,
    n: number,
  ): void {
    const L = this.#classes.length;
    const size = n * L;
    let probs = values.subarray(0, size);
    if (this.#from === 'logits') probs = sigmoid({ data: probs, shape: [n, L] }).data as Float64Array;
    const gathered = this.#scratchGathered(size);
    for (let k = 0; k < size; k++) gathered[k] = targets[k] === 1 ? probs[k] : 1 - probs[k];
    const ce = binaryCrossEntropy(
      { data: gathered, shape: [size] },
      { data: this.#scratchOnes(size), shape: [size] },
      { epsilon: this.#eps, reduction: 'none' },
    ).data;
    const entropy = binaryCrossEntropy(
      { data: probs, shape: [size] },
      { data: probs, shape: [size] },
      {
        reduction: 'none',
      },
    ).data;
    const sum = this.#sum;
    const comp = this.#comp;
    for (let i = 0; i < n; i++) {
      const w = weights ? weights[i] : 1;
      let wrong = 0;
      let loss = 0;
      let brier = 0;
      let h = 0;
      for (let l = 0; l < L; l++) {
        const k = i * L + l;
        const p = probs[k];
        const y = targets[k];
        const right = (p > 0.5 ? 1 : 0) === y;
        if (!right) wrong++;
        loss += ce[k];
        brier += (p - y) * (p - y);
        h += entropy[k];
        const top = p > 0.5 ? p : 1 - p;
        const bin = binOf(top);
        const correct = right ? w : 0;
        this.#binCount[bin]++;
        add(sum, comp, BIN0 + 3 * bin, w);
        add(sum, comp, BIN0 + 3 * bin + 1, w * top);
        add(sum, comp, BIN0 + 3 * bin + 2, correct);
        if (y === 1) {
          this.#classCount[l]++;
          add(sum, comp, CLASS0 + 3 * l, w);
        }
        add(sum, comp, CLASS0 + 3 * l + 1, w * ce[k]);
        add(sum, comp, CLASS0 + 3 * l + 2, correct);
      }
      add(sum, comp, WEIGHT, w);
      add(sum, comp, LOSS, w * loss);
      add(sum, comp, CORRECT, wrong === 0 ? w : 0);
      add(sum, comp, HAMMING, w * wrong);
      add(sum, comp, BRIER, w * brier);
      add(sum, comp, ENTROPY, w * h);
    }
  }

  #scratchOnes(n: number): Float64Array {
    if (this.#ones.length < n) this.#ones = new Float64Array(n).fill(1);
    return this.#ones.subarray(0, n);
  }

  #scratchZeros(n: number): Float64Array {
    if (this.#zeros.length < n) this.#zeros = new Float64Array(n);
    return this.#zeros.subarray(0, n);
  }

  #scratchGathered(n: number): Float64Array {
    if (this.#gathered.length < n) this.#gathered = new Float64Array(n);
    return this.#gathered.subarray(0, n);
  }

  #scratchPairs(n: number): Float64Array {
    if (this.#pairs.length < n) this.#pairs = new Float64Array(n);
    return this.#pairs.subarray(0, n);
  }
}

/** The confidence bin of c: (b/15, (b+1)/15] is bin b, and 0 goes to bin 0. */
export function binOf(confidence: number): number {
  const b = Math.ceil(confidence * ECE_BINS) - 1;
  return b < 0 ? 0 : b >= ECE_BINS ? ECE_BINS - 1 : b;
}

/** Neumaier's compensated addition of x into slot k. */
function add(sum: Float64Array, comp: Float64Array, k: number, x: number): void {
  const s = sum[k];
  const t = s + x;
  comp[k] += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
  sum[k] = t;
}
