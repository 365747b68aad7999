/**
 * Standardisation: each feature z-scored with the training split's mean and population standard
 * deviation (ddof 0, as scikit-learn's StandardScaler), stored in the model and applied again at
 * predict time. A constant feature (standard deviation 0) becomes 0.
 *
 * @module
 */

export interface Standardization {
  readonly mean: Float64Array;
  /** The population standard deviation; 0 for a constant feature. */
  readonly std: Float64Array;
}

/** Mean and population standard deviation of each feature over the given rows. */
export function fitStandardization(x: Float64Array, features: number, rows: Int32Array): Standardization {
  const mean = new Float64Array(features);
  const std = new Float64Array(features);
  for (const i of rows) for (let j = 0; j < features; j++) mean[j] += x[i * features + j];
  for (let j = 0; j < features; j++) mean[j] /= rows.length;
  for (const i of rows) {
    for (let j = 0; j < features; j++) {
      const d = x[i * features + j] - mean[j];
      std[j] += d * d;
    }
  }
  for (let j = 0; j < features; j++) std[j] = Math.sqrt(std[j] / rows.length);
  return { mean, std };
}

/** The identity: what `--no-standardize` stores. */
export function noStandardization(features: number): Standardization {
  return { mean: new Float64Array(features), std: new Float64Array(features).fill(1) };
}

/** Standardises rows × features in place: (x - mean) / std, and 0 where std is 0. */
export function applyStandardization(s: Standardization, x: Float64Array, features: number): Float64Array {
  for (let k = 0; k < x.length; k++) {
    const j = k % features;
    x[k] = s.std[j] === 0 ? 0 : (x[k] - s.mean[j]) / s.std[j];
  }
  return x;
}
