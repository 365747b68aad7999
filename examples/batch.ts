/**
 * `npm run example`: losses and gradients of a small batch, computed by the xent library.
 * (`npm start` runs the main job, `xent train`.)
 */
import {
  binaryCrossEntropyWithLogitsWithGrad,
  crossEntropyWithGrad,
  mseLossWithGrad,
  sigmoid,
  softmax,
  tensor,
} from 'xent';

const logits = tensor([2.0, 0.5, -1.0, 0.1, 1.2, 0.3, -0.5, -0.2, 3.0, 1.0, 1.0, 1.0], [4, 3]);
const labels = Int32Array.from([0, 1, 2, 0]);

const fmt = (v: number) => v.toFixed(4).padStart(8);
const rows = (t: { data: ArrayLike<number>; shape: readonly number[] }) => {
  const [n, c] = t.shape;
  return Array.from({ length: n }, (_, i) =>
    Array.from(t.data)
      .slice(i * c, i * c + c)
      .map(fmt)
      .join(' '),
  );
};

console.log('Softmax + cross-entropy on 4 samples, 3 classes (labels 0, 1, 2, 0)\n');
const probs = softmax(logits);
const ce = crossEntropyWithGrad(logits, labels, { reduction: 'sum' });
console.log('row   logits                      softmax                     gradient = softmax - onehot');
for (const [i, r] of rows(logits).entries())
  console.log(`${i}   ${r}    ${rows(probs)[i]}    ${rows(ce.grad)[i]}`);
console.log(`\ncrossEntropy (sum)  = ${ce.loss.toFixed(6)}`);
const mean = crossEntropyWithGrad(logits, labels);
console.log(`crossEntropy (mean) = ${mean.loss.toFixed(6)}`);
const smooth = crossEntropyWithGrad(logits, labels, { labelSmoothing: 0.1 });
console.log(`with labelSmoothing 0.1 = ${smooth.loss.toFixed(6)}`);

console.log('\nWhy cross-entropy and not MSE: a sigmoid output that is confidently wrong (target 1)\n');
console.log('   logit   sigmoid   BCE loss  |dBCE/dz|   MSE loss  |dMSE/dz|');
for (const z of [-8, -4, -2, 0, 2, 4]) {
  const bce = binaryCrossEntropyWithLogitsWithGrad([z], [1]);
  const p = sigmoid([z]).data[0];
  // MSE on the probability; chain rule through the sigmoid: dMSE/dz = dMSE/dp * p (1 - p).
  const mse = mseLossWithGrad([p], [1]);
  const dz = Math.abs(mse.grad.data[0] * p * (1 - p));
  console.log(
    `${fmt(z)}  ${fmt(p)}  ${fmt(bce.loss)}  ${fmt(Math.abs(bce.grad.data[0]))}   ${fmt(mse.loss)}  ${fmt(dz)}`,
  );
}
console.log(
  '\nAs the prediction becomes confidently wrong, the MSE gradient vanishes; the cross-entropy gradient stays near 1.',
);
