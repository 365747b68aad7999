/**
 * The update rules of gradient descent: plain steps (`gd` on the full batch, `sgd` on mini-batches),
 * heavy-ball momentum, and Adam.
 *
 * @module
 */

export const OPTIMIZERS = ['gd', 'sgd', 'momentum', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Momentum's β (PyTorch's SGD momentum convention: v ← βv + g, w ← w - lr·v). */
const MOMENTUM = 0.9;
/** Adam's defaults (Kingma & Ba 2015; PyTorch and Keras use the same). */
const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPS = 1e-8;

export interface Optimizer {
  /** Moves each parameter array against its gradient (same order and sizes as the parameters). */
  step(grads: readonly Float64Array[]): void;
}

export function createOptimizer(name: OptimizerName, lr: number, params: readonly Float64Array[]): Optimizer {
  if (name === 'gd' || name === 'sgd') {
    return {
      step(grads) {
        params.forEach((p, i) => {
          const g = grads[i];
          for (let k = 0; k < p.length; k++) p[k] -= lr * g[k];
        });
      },
    };
  }
  if (name === 'momentum') {
    const v = params.map((p) => new Float64Array(p.length));
    return {
      step(grads) {
        params.forEach((p, i) => {
          const g = grads[i];
          const vi = v[i];
          for (let k = 0; k < p.length; k++) {
            vi[k] = MOMENTUM * vi[k] + g[k];
            p[k] -= lr * vi[k];
          }
        });
      },
    };
  }
  const m = params.map((p) => new Float64Array(p.length));
  const s = params.map((p) => new Float64Array(p.length));
  let t = 0;
  return {
    step(grads) {
      t++;
      const c1 = 1 - BETA1 ** t;
      const c2 = 1 - BETA2 ** t;
      params.forEach((p, i) => {
        const g = grads[i];
        const mi = m[i];
        const si = s[i];
        for (let k = 0; k < p.length; k++) {
          mi[k] = BETA1 * mi[k] + (1 - BETA1) * g[k];
          si[k] = BETA2 * si[k] + (1 - BETA2) * g[k] * g[k];
          p[k] -= (lr * (mi[k] / c1)) / (Math.sqrt(si[k] / c2) + ADAM_EPS);
        }
      });
    },
  };
}
