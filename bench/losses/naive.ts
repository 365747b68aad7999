/**
 * The naive JavaScript peers: what one writes without thinking about speed. Cross-entropy per row: max,
 * sum of Math.exp, log; the backward pass writes softmax - onehot (exp again). BCE with logits per value:
 * max(x, 0) - x·y + log1p(exp(-|x|)), gradient σ(x) - y. Both reduce by the mean.
 */
export function naiveCe(x: Float32Array, t: Int32Array, N: number, C: number, grad?: Float32Array): number {
  let loss = 0;
  for (let r = 0; r < N; r++) {
    const b = r * C;
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) if (x[b + c] > m) m = x[b + c];
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(x[b + c] - m);
    loss += m + Math.log(s) - x[b + t[r]];
    if (grad) {
      for (let c = 0; c < C; c++) grad[b + c] = (Math.exp(x[b + c] - m) / s - (c === t[r] ? 1 : 0)) / N;
    }
  }
  return loss / N;
}

export function naiveBce(x: Float32Array, y: Float32Array, grad?: Float32Array): number {
  const n = x.length;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    loss += Math.max(v, 0) - v * y[i] + Math.log1p(Math.exp(-Math.abs(v)));
    if (grad) grad[i] = (1 / (1 + Math.exp(-v)) - y[i]) / n;
  }
  return loss / n;
}
