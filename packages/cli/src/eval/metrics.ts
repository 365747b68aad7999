/**
 * The metrics, computed from {@link Sums} alone (so that merged shards give the metrics of the whole).
 *
 * @module
 */
import { ECE_BINS, type Sums } from './sums.js';

/** One class's (multi-label: one label's) metrics. */
export interface ClassMetrics {
  /** The class (or label) name. */
  readonly class: string;
  /** Rows whose target is this class (multi-label: rows where the label is 1). */
  readonly count: number;
  /**
   * Mean cross-entropy over the rows of this class (multi-label: mean binary cross-entropy of the label
   * over all rows).
   */
  readonly logLoss: number;
  /** Fraction of this class's rows predicted right, i.e. its recall (multi-label: of all rows, for this label). */
  readonly accuracy: number;
  /** Σ of the weights of the rows counted, with `--weight-column`. */
  readonly weight?: number;
}

/** Every metric `xent eval` reports. Means are weighted means with `--weight-column`. */
export interface Metrics {
  /** Rows scored. */
  readonly rows: number;
  /** Mean cross-entropy, as `sklearn.metrics.log_loss` (multi-label: mean binary cross-entropy over labels and rows). */
  readonly logLoss: number;
  /** Fraction of rows whose most probable class is the target (multi-label: subset accuracy), as `accuracy_score`. */
  readonly accuracy: number;
  readonly perClass: readonly ClassMetrics[];
  /** Expected calibration error: Σ_b (weight_b / weight) · |accuracy_b - confidence_b| over 15 equal-width confidence bins. */
  readonly ece: number;
  /** Mean Σ_c (p_c - y_c)² (binary: mean (p - y)², as `brier_score_loss`; multi-label: mean over labels and rows). */
  readonly brier: number;
  /** exp(logLoss). */
  readonly perplexity: number;
  /**
   * Mean entropy -Σ p log p of the predicted probabilities as given (not renormalised), in nats
   * (multi-label: mean binary entropy over labels and rows).
   */
  readonly entropy: number;
  /** Multi-label: fraction of rows with every label right (equal to `accuracy`). */
  readonly subsetAccuracy?: number;
  /** Multi-label: fraction of wrong (row, label) pairs. */
  readonly hammingLoss?: number;
}

/** The metrics of the sums. */
export function metricsOf(s: Sums): Metrics {
  const multilabel = s.task === 'multilabel';
  const elements = multilabel ? s.weight * s.classes.length : s.weight;
  const logLoss = s.loss / elements;
  let ece = 0;
  let binned = 0;
  for (let b = 0; b < ECE_BINS; b++) {
    const w = s.bins.weight[b];
    if (!(w > 0)) continue;
    binned += w;
    ece += Math.abs(s.bins.correct[b] - s.bins.confidence[b]);
  }
  const perClass = s.classes.map((name, c): ClassMetrics => {
    const denominator = multilabel ? s.weight : s.perClass.weight[c];
    const entry: ClassMetrics = {
      class: name,
      count: s.perClass.count[c],
      logLoss: s.perClass.loss[c] / denominator,
      accuracy: s.perClass.correct[c] / denominator,
    };
    return s.weighted ? { ...entry, weight: s.perClass.weight[c] } : entry;
  });
  const metrics: Metrics = {
    rows: s.rows,
    logLoss,
    accuracy: s.correct / s.weight,
    perClass,
    ece: ece / binned,
    brier: s.brier / elements,
    perplexity: Math.exp(logLoss),
    entropy: s.entropy / elements,
  };
  if (!multilabel) return metrics;
  return { ...metrics, subsetAccuracy: metrics.accuracy, hammingLoss: s.hamming / elements };
}
