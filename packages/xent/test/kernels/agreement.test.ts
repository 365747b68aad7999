/**
 * The kernel paths against each other and against a float64 transcription of the formulas, on inputs
 * larger than the reference cases: rows longer than the scratch buffer, ragged splits across threads,
 * NaN / ±Infinity / ignored rows, class weights and z-loss, float32 and float64.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  binaryCrossEntropyWithLogits,
  binaryCrossEntropyWithLogitsWithGrad,
  configureKernels,
  crossEntropy,
  crossEntropyWithGrad,
  init,
} from '../../src/index.ts';
import { config, DEFAULT_SCRATCH_BYTES } from '../../src/kernels/config.ts';
import { stopPool, threadStats } from '../../src/kernels/threads.ts';
import { expF32Range, expNonPositive } from '../../src/kernels/tsKernels.ts';
import { reserve, wasm } from '../../src/kernels/wasm.ts';
import { allClose, closeTo, REL32, REL64 } from '../support/close.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

type Kind = 'float32' | 'float64';
function sharedFloats(kind: Kind, n: number): Float32Array | Float64Array {
  return kind === 'float32'
    ? new Float32Array(new SharedArrayBuffer(n * 4))
    : new Float64Array(new SharedArrayBuffer(n * 8));
}
function logits(kind: Kind, N: number, C: number, seed: number, shared = false, spread = 6) {
  const data = shared
    ? sharedFloats(kind, N * C)
    : kind === 'float32'
      ? new Float32Array(N * C)
      : new Float64Array(N * C);
  const r = rng(seed);
  for (let i = 0; i < data.length; i++) data[i] = (r() - 0.5) * spread;
  return data;
}

/** crossEntropy 'sum' with class weights and z-loss, and its gradient, in float64 with Math.exp. */
function referenceCe(
  x: ArrayLike<number>,
  t: Int32Array,
  C: number,
  w: Float64Array,
  zLoss: number,
  ignore: number,
) {
  const N = t.length;
  const grad = new Float64Array(N * C);
  const losses = new Float64Array(N);
  let total = 0;
  for (let r = 0; r < N; r++) {
    const b = r * C;
    let m = Number.NEGATIVE_INFINITY;
    let nan = false;
    for (let c = 0; c < C; c++) {
      if (x[b + c] > m) m = x[b + c];
      if (Number.isNaN(x[b + c])) nan = true;
    }
    if (t[r] === ignore) {
      const g = nan || !Number.isFinite(m) ? Number.NaN : 0;
      grad.fill(g, b, b + C);
      continue;
    }
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(x[b + c] - m);
    const lse = m + Math.log(s);
    const wt = w[t[r]];
    const loss = wt * (lse - x[b + t[r]]) + zLoss * lse * lse;
    losses[r] = loss;
    total += loss;
    for (let c = 0; c < C; c++) {
      const p = Math.exp(x[b + c] - m) / s;
      grad[b + c] = (wt + 2 * zLoss * lse) * p - (c === t[r] ? wt : 0);
    }
  }
  return { total, losses, grad };
}

before(async () => {
  await init();
});
after(async () => {
  config.scratchBytes = DEFAULT_SCRATCH_BYTES;
  config.callerWorks = true;
  configureKernels({ wasm: true, threadThreshold: 1 << 19 });
  await stopPool();
});

const PATHS: [string, () => void][] = [
  ['wasm', () => configureKernels({ wasm: true, threadThreshold: 1 << 30 })],
  [
    'wasm, rows in pieces',
    () => {
      configureKernels({ wasm: true, threadThreshold: 1 << 30 });
      config.scratchBytes = 1000;
    },
  ],
  [
    'threads, ragged chunks',
    () => {
      configureKernels({ wasm: true, threads: 1, threadThreshold: 0 });
      config.callerWorks = false;
    },
  ],
  ['typescript', () => configureKernels({ wasm: false })],
];
const reset = () => {
  config.scratchBytes = DEFAULT_SCRATCH_BYTES;
  config.callerWorks = true;
  configureKernels({ wasm: true, threadThreshold: 1 << 19 });
};

for (const kind of ['float32', 'float64'] as Kind[]) {
  for (const [N, C] of [
    [37, 1001],
    [5, 300],
    [203, 3],
    [64, 2],
  ]) {
    test(`crossEntropyWithGrad(${kind} [${N}, ${C}]) with weights, z-loss, ignored rows, NaN and ±Infinity agrees on every kernel path with float64 Math.exp`, () => {
      const x = logits(kind, N, C, N * C, true);
      x[5] = Number.NEGATIVE_INFINITY; // a class of probability 0 in row 0
      x[C + (C >> 1)] = Number.NaN; // row 1: NaN (its max taken in row 0's sweep)
      for (let c = 0; c < C; c++) x[2 * C + c] = Number.NEGATIVE_INFINITY; // row 2: all -Infinity -> NaN
      x[3 * C + 1] = Number.POSITIVE_INFINITY; // row 3: NaN
      x[4 * C] = Number.NaN; // row 4 is ignored: NaN gradient
      const t = Int32Array.from({ length: N }, (_, r) => (r * 7 + 1) % C);
      t[0] = 0;
      t[4] = -100;
      const w = Float64Array.from({ length: C }, (_, c) => 0.5 + (c % 3));
      const ref = referenceCe(x, t, C, w, 1e-3, -100);
      for (const [path, set] of PATHS) {
        set();
        const jobs = threadStats.jobs;
        try {
          const gradOut = sharedFloats(kind, N * C);
          const opts = { weight: w, zLoss: 1e-3, reduction: 'sum' as const };
          const r = crossEntropyWithGrad({ data: x, shape: [N, C] }, t, { ...opts, gradOut });
          const none = crossEntropy({ data: x, shape: [N, C] }, t, { ...opts, reduction: 'none' });
          assert.ok(Number.isNaN(r.loss), `${path}: NaN rows make the sum NaN`);
          const rel = kind === 'float32' ? REL32 : REL64;
          const round = kind === 'float32' ? Math.fround : (v: number) => v;
          const expected = Array.from(ref.losses, (v, i) => (i >= 1 && i <= 3 ? Number.NaN : round(v)));
          allClose(none.data, expected, 2 * rel, 1e-2, `${path} losses`);
          allClose(
            r.grad.data,
            Array.from(ref.grad, (v, i) => (i >= C && i < 4 * C ? Number.NaN : round(v))),
            2 * rel,
            1e-2,
            `${path} grad`,
          );
          if (C > 5) assert.equal(r.grad.data[5], 0, `${path}: a -Infinity logit has gradient 0`);
          if (path.startsWith('threads')) assert.ok(threadStats.jobs > jobs, 'ran on the threads');
        } finally {
          reset();
        }
      }
    });
  }
}

for (const kind of ['float32', 'float64'] as Kind[]) {
  test(`crossEntropyWithGrad(${kind}) agrees on every path for rows whose running maximum keeps rising (the TypeScript sweep's segments)`, () => {
    const C = 300;
    const rows: number[][] = [
      Array.from({ length: C }, (_, c) => c / 10), // ascending: every value a new maximum
      Array.from({ length: C }, (_, c) => -c / 10), // descending: one
      Array.from({ length: C }, (_, c) => (c < 3 ? Number.NEGATIVE_INFINITY : Math.sin(c))), // -Infinity first
      Array.from({ length: C }, (_, c) => (c === 0 ? -30 : c === 150 ? 30 : c % 7)), // target 150: p ≈ 1
      Array.from({ length: C }, (_, c) => (c === 10 ? 25 : c < 200 ? c / 20 : 12)), // target 10, rises after it
      Array.from({ length: C }, (_, c) => (c * 37) % 101), // target last
    ];
    const t = Int32Array.from([C - 1, 0, 5, 150, 10, C - 1]);
    const N = rows.length;
    const x = kind === 'float32' ? new Float32Array(N * C) : new Float64Array(N * C);
    rows.forEach((row, r) => {
      x.set(row, r * C);
    });
    const w = new Float64Array(C).fill(1);
    const ref = referenceCe(x, t, C, w, 1e-4, -100);
    const rel = kind === 'float32' ? REL32 : REL64;
    const round = kind === 'float32' ? Math.fround : (v: number) => v;
    for (const [path, set] of PATHS) {
      set();
      try {
        const opts = { zLoss: 1e-4, reduction: 'sum' as const };
        const r = crossEntropyWithGrad({ data: x, shape: [N, C] }, t, {
          ...opts,
          gradOut: sharedFloats(kind, N * C),
        });
        const none = crossEntropy({ data: x, shape: [N, C] }, t, { ...opts, reduction: 'none' });
        assert.equal(
          r.loss,
          crossEntropy({ data: x, shape: [N, C] }, t, opts),
          `${path}: same loss with or without the gradient`,
        );
        allClose(none.data, Array.from(ref.losses, round), 2 * rel, 1e-2, `${path} losses`);
        allClose(r.grad.data, Array.from(ref.grad, round), 2 * rel, 1e-2, `${path} grad`);
        // The target's entry of the confident rows, relative to its own (small) size.
        for (const row of [3, 4]) {
          const i = row * C + t[row];
          closeTo(r.grad.data[i], round(ref.grad[i]), 4 * rel, 0, `${path} grad of row ${row}'s target`);
        }
      } finally {
        reset();
      }
    }
  });
}

test('crossEntropy forward sums agree across kernel paths on (65, 40000) float32 rows longer than the scratch buffer', () => {
  const N = 65;
  const C = 40000;
  const x = logits('float32', N, C, 7, true, 20);
  const t = Int32Array.from({ length: N }, (_, r) => (r * 977) % C);
  const ref = referenceCe(x, t, C, new Float64Array(C).fill(1), 0, -100);
  for (const [path, set] of PATHS) {
    set();
    if (path === 'wasm, rows in pieces') config.scratchBytes = 4 * 4096;
    try {
      closeTo(crossEntropy({ data: x, shape: [N, C] }, t, { reduction: 'sum' }), ref.total, REL32, 0, path);
    } finally {
      reset();
    }
  }
});

for (const kind of ['float32', 'float64'] as Kind[]) {
  test(`binaryCrossEntropyWithLogitsWithGrad(${kind}, 10007 values) agrees on every kernel path with float64 Math.log1p`, () => {
    const n = 10007;
    const x = logits(kind, 1, n, 3, true, 60);
    x[1] = Number.NaN;
    x[2] = Number.POSITIVE_INFINITY;
    x[3] = Number.NEGATIVE_INFINITY;
    const y = logits(kind, 1, n, 4, true, 1);
    for (let i = 0; i < n; i++) y[i] = y[i] > 0 ? 1 : i % 5 === 0 ? 0.3 : 0;
    y[2] = 0;
    y[3] = 0;
    let sum = 0;
    const grad = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (i === 1 || i === 3) continue;
      const v = x[i];
      sum += (1 - y[i]) * v + Math.max(-v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
      grad[i] = (1 / (1 + Math.exp(-v)) - y[i]) / n;
    }
    for (const [path, set] of PATHS) {
      set();
      try {
        const gradOut = sharedFloats(kind, n);
        const r = binaryCrossEntropyWithLogitsWithGrad(
          { data: x, shape: [n] },
          { data: y, shape: [n] },
          { gradOut },
        );
        assert.ok(Number.isNaN(r.loss), `${path}: NaN and -Infinity with y = 0 give NaN`);
        const round = kind === 'float32' ? Math.fround : (v: number) => v;
        const rel = kind === 'float32' ? REL32 : REL64;
        const exp = Array.from(grad, (v, i) => (i === 1 ? Number.NaN : round(v)));
        allClose(r.grad.data, exp, rel, 2 / n, `${path} grad`);
        // The sum without the NaN values: zero them out.
        const x2 = x.slice();
        x2[1] = 0;
        x2[3] = 0;
        const y2 = y.slice();
        const clean = binaryCrossEntropyWithLogits(
          { data: x2, shape: [n] },
          { data: y2, shape: [n] },
          { reduction: 'sum' },
        );
        closeTo(clean, sum + 2 * Math.LN2, rel, 0, `${path} sum`);
      } finally {
        reset();
      }
    }
  });
}

for (const kind of ['float32', 'float64'] as Kind[]) {
  test(`binaryCrossEntropyWithLogits(${kind}) keeps the tiny sum of confident logits on every kernel path, as the general path does`, () => {
    for (const n of [2, 10, 10007]) {
      // x = -40 .. -30 against y = 0 and x = 30 .. 40 against y = 1: losses from 4e-18 to 9e-14.
      const x = sharedFloats(kind, n);
      const y = sharedFloats(kind, n);
      for (let i = 0; i < n; i++) {
        const v = 30 + ((i * 7) % 11);
        x[i] = i % 2 ? v : -v;
        y[i] = i % 2;
      }
      let exact = 0;
      for (let i = 0; i < n; i++) exact += Math.log1p(Math.exp(-Math.abs(x[i])));
      const general = binaryCrossEntropyWithLogits(
        { data: x, shape: [n] },
        { data: y, shape: [n] },
        { reduction: 'sum', weight: [1] },
      );
      closeTo(general, exact, REL64, 0, `${n} values, general path`);
      // float32 kernels take float32 exponentials (above n · 1e-8, the sum is theirs)
      const rel = kind === 'float32' ? REL32 : REL64;
      for (const [path, set] of PATHS) {
        set();
        try {
          const sum = binaryCrossEntropyWithLogits(
            { data: x, shape: [n] },
            { data: y, shape: [n] },
            { reduction: 'sum' },
          );
          closeTo(sum, general, rel, 0, `${path}, ${n} values`);
          const { loss } = binaryCrossEntropyWithLogitsWithGrad(x, y);
          closeTo(loss, general / n, rel, 0, `${path}, ${n} values, mean with the gradient`);
        } finally {
          reset();
        }
      }
    }
  });
}

// The WebAssembly exponentials, written over a piece by pieceExpSum (d = x - 0), against float64 Math.exp:
// float32 within 1 ulp of float32 (of the exact value), float64 within 2 ulps of Math.exp.
for (const [kind, ranges, ulps] of [
  ['float32', [1, 10, 87], 1],
  ['float64', [0.35, 10, 708], 2],
] as const) {
  test(`the WebAssembly ${kind} exp is within ${ulps} ulp(s) for every argument in [-${ranges[2]}, 0]`, () => {
    const w = wasm();
    assert.ok(w);
    const f32 = kind === 'float32';
    const n = 1 << 16;
    const size = f32 ? 4 : 8;
    const base = reserve(w, n * size);
    const r = rng(f32 ? 11 : 13);
    for (const range of ranges) {
      const draw = () => -r() * range;
      const d = f32 ? Float32Array.from({ length: n }, draw) : Float64Array.from({ length: n }, draw);
      const heap = f32 ? w.f32 : w.f64;
      heap.set(d, base / size);
      if (f32) w.ex.pieceExpSumF32(base, n, 0, 1);
      else w.ex.pieceExpSumF64(base, n, 0, 1);
      const e = heap.subarray(base / size, base / size + n);
      for (let i = 0; i < n; i++) {
        const exact = Math.exp(d[i]);
        const ulp = 2 ** (Math.floor(Math.log2(f32 ? Math.fround(exact) : exact)) - (f32 ? 23 : 52));
        assert.ok(Math.abs(e[i] - exact) <= ulps * ulp, `exp(${d[i]}) = ${e[i]}, Math.exp ${exact}`);
      }
    }
  });
}

test('the TypeScript exp is within 4e-15 relative of Math.exp on [-708, 0], Math.exp below, 0 at -Infinity and NaN', () => {
  const r = rng(5);
  for (let i = 0; i < 100000; i++) {
    const d = -r() * (i % 2 ? 1 : 708);
    const exact = Math.exp(d);
    assert.ok(Math.abs(expNonPositive(d) - exact) <= 4e-15 * exact, `exp(${d})`);
  }
  assert.equal(expNonPositive(Number.NEGATIVE_INFINITY), 0);
  assert.equal(expNonPositive(Number.NaN), 0);
  assert.equal(expNonPositive(-720), Math.exp(-720));
  assert.equal(expNonPositive(0), 1);
});

test('the TypeScript float32 exp is within 1e-9 relative of Math.exp on [-88, 0]', () => {
  const r = rng(6);
  for (let i = 0; i < 100000; i++) {
    const d = -r() * (i % 2 ? 1 : 88);
    const exact = Math.exp(d);
    assert.ok(Math.abs(expF32Range(d) - exact) <= 1e-9 * exact, `exp(${d})`);
  }
  assert.equal(expF32Range(0), 1);
  assert.ok(Math.abs(expF32Range(-88) - Math.exp(-88)) <= 1e-9 * Math.exp(-88));
});
