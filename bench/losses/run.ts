/**
 * xent's loss kernels against their peers, in one run, on the same data: float32 logits, int32 labels
 * (0/1 float32 targets for the binary loss), from a seeded generator. Never part of `npm test`.
 *
 *   npm run bench                      (all shapes; writes bench/RESULTS.md)
 *   npm run bench -- --shapes 64x10,1024x32000 --rounds 5 --no-write --plain-simd
 *
 * Each round runs every implementation once per (shape, loss, pass), interleaved, so that the load of a
 * shared machine falls on all alike; medians and minima over the rounds are reported, the first call
 * (warm-up) apart. Peers: naive JS, TF.js (cpu, wasm), ONNX Runtime (cross-entropy only), PyTorch
 * (subprocess, 1 and 2 threads, as is and with glibc keeping freed memory). The floor is the time the
 * bytes take to move through memory, measured in the same run by WebAssembly SIMD sweeps over a buffer of
 * the input's size: a read (forward) and a read + write in place (forward + gradient). Every
 * implementation's loss must agree with xent's to 1e-5 relative and its gradient to 1e-5 of the largest
 * gradient value, or the run fails.
 *
 * xent runs its relaxed-SIMD build (fused multiply-adds): on Node 20, whose V8 has relaxed SIMD behind a
 * flag, the flag is set here before any kernel compiles (Node 22 and later have it on). --plain-simd
 * runs the plain SIMD build instead.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import ort from 'onnxruntime-node';
import {
  allocTensor,
  binaryCrossEntropyWithLogits,
  binaryCrossEntropyWithLogitsWithGrad,
  configureKernels,
  crossEntropy,
  crossEntropyWithGrad,
  init,
} from 'xent';
import { WASM_BASE64 } from '../../packages/xent/src/kernels/wasmBinary.ts';
import { naiveBce, naiveCe } from './naive.ts';
import { softmaxCrossEntropyModel } from './onnxModel.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SHAPES = (arg('shapes') ?? '64x10,8192x2,32768x128,4096x1000,1024x32000,256x128256')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number]);
const ROUNDS = Number(arg('rounds') ?? 7);
const WRITE = !process.argv.includes('--no-write');
// Before the first kernel compiles (xent compiles on first use, and picks its build by what validates).
setFlagsFromString(`--${process.argv.includes('--plain-simd') ? 'no-' : ''}experimental-wasm-relaxed-simd`);
const TMP = '/tmp/xent-bench-losses';
mkdirSync(TMP, { recursive: true });

type Fn = 'ce' | 'bce';
interface Impl {
  readonly name: string;
  readonly peer: boolean;
  /** One timed call: returns ms (measured here, or by the peer's own process). */
  time(grad: boolean): Promise<number>;
  /** The loss and gradient for the agreement check. */
  check(grad: boolean): Promise<{ loss: number; grad?: Float32Array }>;
  dispose?(): void;
}

// ---- data ------------------------------------------------------------------------------------------

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeData(N: number, C: number) {
  const r = rng(N * 1000003 + C);
  const x = new Float32Array(N * C);
  for (let i = 0; i < x.length; i++) x[i] = (r() + r() + r() - 1.5) * 4;
  const t = Int32Array.from({ length: N }, () => Math.floor(r() * C));
  const y = Float32Array.from({ length: N * C }, () => (r() < 0.3 ? 1 : 0));
  return { x, t, y };
}

// ---- the memory floor ------------------------------------------------------------------------------

interface Sweeps {
  pieceMaxF32(p: number, n: number): number;
  pieceScaleF32(p: number, n: number, k: number): void;
  heapBase(): number;
  memory: WebAssembly.Memory;
}
const sweeps = (() => {
  const bytes = Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0));
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort() {} } });
  return inst.exports as unknown as Sweeps;
})();
function floorTime(n: number, grad: boolean): number {
  const base = sweeps.heapBase();
  const need = base + n * 4;
  const have = sweeps.memory.buffer.byteLength;
  if (need > have) {
    sweeps.memory.grow(Math.ceil((need - have) / 65536));
    new Float32Array(sweeps.memory.buffer, base, n).fill(0.5);
  }
  const a = performance.now();
  if (grad) sweeps.pieceScaleF32(base, n, 1);
  else sweeps.pieceMaxF32(base, n);
  return performance.now() - a;
}

// ---- PyTorch subprocess ----------------------------------------------------------------------------

class TorchServer {
  private readonly proc;
  private readonly lines: AsyncIterator<string>;
  constructor(reuse: boolean) {
    // PASSIVE: OpenMP threads sleep when a call returns instead of spinning on the cores for a while,
    // which took a core from whatever ran next (PyTorch's own 2-thread medians gained most).
    const env = { ...process.env, OMP_NUM_THREADS: '2', OMP_WAIT_POLICY: 'PASSIVE' };
    if (reuse) Object.assign(env, { MALLOC_MMAP_MAX_: '0', MALLOC_TRIM_THRESHOLD_: '1099511627776' });
    this.proc = spawn('/usr/bin/python3', [join(HERE, 'torch_peer.py')], {
      env,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }
  async call(cmd: object): Promise<Record<string, unknown>> {
    this.proc.stdin.write(`${JSON.stringify(cmd)}\n`);
    const { value } = await this.lines.next();
    return JSON.parse(value as string);
  }
  close(): void {
    this.proc.stdin.end();
  }
}

function readFloats(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4).slice();
}

function torchAvailable(): boolean {
  try {
    readFileSync('/usr/bin/python3');
    const r = spawn('/usr/bin/python3', ['-c', 'import torch']);
    return r.pid !== undefined;
  } catch {
    return false;
  }
}

// ---- implementations -------------------------------------------------------------------------------

async function implementations(
  fn: Fn,
  N: number,
  C: number,
  d: ReturnType<typeof makeData>,
  torch: TorchServer[],
) {
  const impls: Impl[] = [];
  const n = N * C;
  const input = { data: d.x, shape: [N, C] };
  const labels = d.t;
  const targets = { data: d.y, shape: [N, C] };
  const gradOut = new Float32Array(n);
  const ce = fn === 'ce';
  const call = (inp: typeof input, tg: typeof targets | Int32Array, g: boolean, out: Float32Array) =>
    ce
      ? g
        ? crossEntropyWithGrad(inp, tg as Int32Array, { gradOut: out }).loss
        : crossEntropy(inp, tg as Int32Array)
      : g
        ? binaryCrossEntropyWithLogitsWithGrad(inp, tg as typeof targets, { gradOut: out }).loss
        : binaryCrossEntropyWithLogits(inp, tg as typeof targets);
  const local = (name: string, peer: boolean, run: (g: boolean) => number, grad?: Float32Array): Impl => ({
    name,
    peer,
    async time(g) {
      const a = performance.now();
      run(g);
      return performance.now() - a;
    },
    async check(g) {
      return { loss: run(g), grad: g ? grad : undefined };
    },
  });
  const target = ce ? labels : targets;
  impls.push(
    local('xent (WebAssembly, plain arrays)', false, (g) => call(input, target, g, gradOut), gradOut),
  );

  const sx = allocTensor([N, C], 'float32', { shared: true });
  sx.data.set(d.x);
  const sg = allocTensor([N, C], 'float32', { shared: true }).data;
  const sy = allocTensor([N, C], 'float32', { shared: true });
  sy.data.set(d.y);
  const sharedTarget = ce ? labels : sy;
  impls.push(
    local(
      'xent (WebAssembly, shared tensors, threads)',
      false,
      (g) => call(sx, sharedTarget as never, g, sg),
      sg,
    ),
  );
  const tsGrad = new Float32Array(n);
  impls.push(
    local(
      'xent (TypeScript fallback)',
      false,
      (g) => {
        configureKernels({ wasm: false });
        try {
          return call(input, target, g, tsGrad);
        } finally {
          configureKernels({ wasm: true });
        }
      },
      tsGrad,
    ),
  );
  const naiveGrad = new Float32Array(n);
  const [nx, nt, ny] = [Float32Array.from(d.x), Int32Array.from(labels), Float32Array.from(d.y)];
  impls.push(
    local(
      'naive JS',
      true,
      (g) =>
        ce ? naiveCe(nx, nt, N, C, g ? naiveGrad : undefined) : naiveBce(nx, ny, g ? naiveGrad : undefined),
      naiveGrad,
    ),
  );

  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    // Each peer gets its own copy of the data (same values): a peer that keeps or pins the caller's
    // array must not slow another implementation down.
    const tx = tf.tensor2d(Float32Array.from(d.x), [N, C]);
    const ty = ce
      ? tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), C).cast('float32')
      : tf.tensor2d(Float32Array.from(d.y), [N, C]);
    const lossFn = (v: tf.Tensor) =>
      ce
        ? tf.losses.softmaxCrossEntropy(ty, v as tf.Tensor2D)
        : tf.losses.sigmoidCrossEntropy(ty, v as tf.Tensor2D);
    const vg = tf.valueAndGrad(lossFn);
    let lastGrad: Float32Array | undefined;
    const run = (g: boolean): number => {
      if (!g) {
        const l = tf.tidy(() => lossFn(tx));
        const v = l.dataSync()[0];
        l.dispose();
        return v;
      }
      const { value, grad } = vg(tx);
      const v = value.dataSync()[0];
      lastGrad = grad.dataSync() as Float32Array;
      value.dispose();
      grad.dispose();
      return v;
    };
    impls.push({
      name: `TF.js 4.22 (${backend})`,
      peer: true,
      async time(g) {
        await tf.setBackend(backend);
        const a = performance.now();
        run(g);
        return performance.now() - a;
      },
      async check(g) {
        await tf.setBackend(backend);
        const loss = run(g);
        return { loss, grad: g ? lastGrad : undefined };
      },
      dispose() {
        tx.dispose();
        ty.dispose();
      },
    });
  }

  if (ce) {
    for (const threads of [1, 2]) {
      const opts = {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential' as const,
        // The pool's threads sleep after a call rather than spin (as PyTorch's, see TorchServer).
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      };
      const fwd = await ort.InferenceSession.create(softmaxCrossEntropyModel(false), opts);
      const bwd = await ort.InferenceSession.create(softmaxCrossEntropyModel(true), opts);
      const feeds = {
        scores: new ort.Tensor('float32', Float32Array.from(d.x), [N, C]),
        labels: new ort.Tensor('int32', Int32Array.from(labels), [N]),
      };
      const ortGrad = new Float32Array(n);
      const fetches = { loss: null, grad: new ort.Tensor('float32', ortGrad, [N, C]) };
      let prealloc = true;
      const run = async (g: boolean): Promise<number> => {
        if (!g) return (await fwd.run(feeds)).loss.data[0] as number;
        if (prealloc) {
          try {
            const out = await bwd.run(feeds, fetches);
            return out.loss.data[0] as number;
          } catch {
            prealloc = false;
          }
        }
        const out = await bwd.run(feeds);
        ortGrad.set(out.grad.data as Float32Array);
        return out.loss.data[0] as number;
      };
      impls.push({
        name: `ONNX Runtime 1.30 (${threads} thread${threads > 1 ? 's' : ''})`,
        peer: true,
        async time(g) {
          const a = performance.now();
          await run(g);
          return performance.now() - a;
        },
        async check(g) {
          return { loss: await run(g), grad: g ? ortGrad : undefined };
        },
      });
    }
  }

  for (const [k, server] of torch.entries()) {
    const files = { logits: join(TMP, 'x.f32'), labels: join(TMP, 't.i32'), targets: join(TMP, 'y.f32') };
    if (k === 0) {
      writeFileSync(files.logits, d.x);
      writeFileSync(files.labels, d.t);
      writeFileSync(files.targets, d.y);
    }
    await server.call({ op: 'load', ...files, n: N, c: C });
    for (const threads of [1, 2]) {
      impls.push({
        name: `PyTorch ${torchVersion} (${threads} thread${threads > 1 ? 's' : ''}${k === 1 ? ', memory kept for reuse' : ''})`,
        peer: true,
        async time(g) {
          return (await server.call({ op: 'time', fn, grad: g, threads })).ms as number;
        },
        async check(g) {
          const out = join(TMP, 'grad.f32');
          const { loss } = await server.call({ op: 'check', fn, grad: g, out });
          return {
            loss: loss as number,
            grad: g ? readFloats(out) : undefined,
          };
        },
      });
    }
  }
  return impls;
}

// ---- measuring -------------------------------------------------------------------------------------

interface Row {
  name: string;
  disagrees?: string;
  peer: boolean;
  warm: number;
  median: number;
  min: number;
  /** Timed calls (rounds) behind median and min. */
  calls: number;
}
const median = (a: number[]) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Checks every implementation against xent (the first): loss to 1e-5 relative, gradient to 1e-5 of the
 * largest gradient value. A xent variant that disagrees fails the run; a peer that disagrees is reported
 * (and left out of the "fastest peer"), since a peer's bug is a finding, not a reason to stop.
 */
async function agree(impls: Impl[], grad: boolean, where: string): Promise<Map<string, string>> {
  const bad = new Map<string, string>();
  const ref = await impls[0].check(grad);
  const refGrad = ref.grad ? Float32Array.from(ref.grad) : undefined;
  let gmax = 0;
  if (refGrad) for (const v of refGrad) gmax = Math.max(gmax, Math.abs(v));
  for (const impl of impls.slice(1)) {
    const r = await impl.check(grad);
    const rel = Math.abs(r.loss - ref.loss) / Math.abs(ref.loss);
    let problem = '';
    if (!(rel <= 1e-5)) problem = `loss ${r.loss} vs xent ${ref.loss} (relative ${rel.toExponential(2)})`;
    else if (refGrad) {
      let d = 0;
      if (r.grad) for (let i = 0; i < refGrad.length; i++) d = Math.max(d, Math.abs(r.grad[i] - refGrad[i]));
      if (!r.grad || !(d <= 1e-5 * gmax))
        problem = `gradient differs by ${d.toExponential(2)} (largest gradient ${gmax.toExponential(2)})`;
    }
    if (!problem) continue;
    if (!impl.peer) throw new Error(`${where}: ${impl.name}: ${problem}`);
    console.error(`${where}: ${impl.name} disagrees: ${problem}`);
    bad.set(impl.name, problem);
  }
  return bad;
}

/**
 * Before each timed call on a large shape: a full garbage collection, then a short idle gap. The peers
 * allocate (TF.js a new tensor per call), and V8's background GC threads then took the second core from
 * whatever ran next, a threaded implementation most; ONNX Runtime and PyTorch run with their thread pools
 * told not to spin after a call (see their set-up), which on a 2-core machine did the same.
 */
const settle = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return new Promise<void>((resolve) => setTimeout(resolve, 3));
};
/**
 * Only large shapes get the gap: small batches run back to back in a training loop, and a gap before a
 * 10 µs call measures a cold start instead (caches, branch predictors, the JIT's inline caches).
 */
const SETTLE_MIN_LOGITS = 1 << 20;
/**
 * Implementations faster than this (median ms) get the extra rounds. A threaded call of a few ms got both
 * cores in some calls and one in others (the guest scheduler, after another process ran), and a median of
 * 7 such calls moved by up to 1.6x from run to run; the slow peers, far from any comparison, keep 7.
 */
const FAST_MS = 50;

async function measure(
  fn: Fn,
  N: number,
  C: number,
  grad: boolean,
  impls: Impl[],
): Promise<{ rows: Row[]; floor: number }> {
  const samples = impls.map(() => [] as number[]);
  const warm = await Promise.all(impls.map(() => 0));
  for (const [i, impl] of impls.entries()) warm[i] = await impl.time(grad);
  const floors: number[] = [];
  floorTime(N * C, grad);
  // After ROUNDS rounds of every implementation, more rounds of those under FAST_MS a call, as many as
  // fit in about a second (at most 200 in all). Counted by the clock, not from the warm-up calls: those
  // include one-time costs (first-call compilation), and sizing by them gave (64, 10) anywhere from 7 to
  // about 100 rounds from run to run.
  let extraStart = 0;
  const more = (r: number) => {
    if (r < ROUNDS) return true;
    if (r === ROUNDS) extraStart = performance.now();
    return r < 200 && performance.now() - extraStart < 1000;
  };
  // A fresh order every round (seeded): what ran just before a call (another process, a peer that
  // filled the caches, the same code warm) changes its time, and a rotating order kept every
  // implementation behind the same one (the plain-array xent always came right after a PyTorch call).
  const shuffle = rng(N * 7919 + C + (grad ? 1 : 0));
  const order = impls.map((_, i) => i);
  for (let r = 0; more(r); r++) {
    for (let j = order.length - 1; j > 0; j--) {
      const k = Math.floor(shuffle() * (j + 1));
      [order[j], order[k]] = [order[k], order[j]];
    }
    for (const i of order) {
      if (r >= ROUNDS && median(samples[i]) >= FAST_MS) continue;
      if (N * C >= SETTLE_MIN_LOGITS) await settle();
      samples[i].push(await impls[i].time(grad));
    }
    floors.push(floorTime(N * C, grad));
  }
  const bad = await agree(impls, grad, `${fn} [${N}, ${C}] ${grad ? 'forward + gradient' : 'forward'}`);
  const rows = impls.map((impl, i) => ({
    name: impl.name,
    disagrees: bad.get(impl.name),
    peer: impl.peer,
    warm: warm[i],
    median: median(samples[i]),
    min: Math.min(...samples[i]),
    calls: samples[i].length,
  }));
  return { rows, floor: median(floors) };
}

// ---- report ----------------------------------------------------------------------------------------

const fmt = (ms: number) =>
  ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
const ratio = (r: number) => (r >= 10 ? r.toFixed(0) : r.toFixed(2));

function table(title: string, N: number, C: number, rows: Row[], floor: number): string {
  const xents = rows.filter((r) => !r.peer && !r.name.includes('TypeScript'));
  const best = xents.reduce((a, b) => (b.median < a.median ? b : a));
  const peers = rows.filter((r) => r.peer && !r.name.startsWith('naive') && !r.disagrees);
  const fastest = peers.length ? peers.reduce((a, b) => (b.median < a.median ? b : a)) : undefined;
  const lines = [
    `#### ${title} [${N}, ${C}]`,
    '',
    `Best xent: ${best.name}, ${fmt(best.median)} ms, ${ratio(best.median / floor)}x the memory floor (${fmt(floor)} ms)` +
      (fastest
        ? `; fastest peer: ${fastest.name}, ${fmt(fastest.median)} ms: xent ${ratio(fastest.median / best.median)}x faster.`
        : '.'),
    '',
    '| implementation | median ms | min ms | calls | warm-up ms | ns / logit | peer / best xent | / floor |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name}${r.disagrees ? ` (disagrees: ${r.disagrees})` : ''} | ${fmt(r.median)} | ${fmt(r.min)} | ${r.calls} | ${fmt(r.warm)} | ${((r.median * 1e6) / (N * C)).toFixed(2)} | ${ratio(r.median / best.median)} | ${ratio(r.median / floor)} |`,
    );
  }
  lines.push(
    `| memory floor (${grad(title) ? 'read + write' : 'read'} ${((N * C * 4 * (grad(title) ? 2 : 1)) / 1e6).toFixed(1)} MB) | ${fmt(floor)} | | | | ${((floor * 1e6) / (N * C)).toFixed(3)} | | 1 |`,
  );
  return lines.join('\n');
}
const grad = (title: string) => title.includes('gradient');

// ---- main ------------------------------------------------------------------------------------------

let torchVersion = '';
async function main(): Promise<void> {
  setWasmPaths(`${join(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm')), '../../dist')}/`);
  await tf.setBackend('wasm');
  await tf.ready();
  const info = await init();
  const torch: TorchServer[] = [];
  if (torchAvailable()) {
    torch.push(new TorchServer(false), new TorchServer(true));
    torchVersion = String((await torch[0].call({ op: 'version' })).torch);
  }
  const sections: string[] = [];
  const summary: string[] = [];
  for (const [N, C] of SHAPES) {
    const d = makeData(N, C);
    for (const fn of ['ce', 'bce'] as Fn[]) {
      const impls = await implementations(fn, N, C, d, torch);
      for (const g of [false, true]) {
        const title = `${fn === 'ce' ? 'crossEntropy' : 'binaryCrossEntropyWithLogits'} ${g ? 'forward + gradient' : 'forward'}`;
        const { rows, floor } = await measure(fn, N, C, g, impls);
        const text = table(title, N, C, rows, floor);
        console.log(`${text}\n`);
        sections.push(text);
        summary.push(JSON.stringify({ fn, N, C, grad: g, floor, rows }));
      }
      for (const impl of impls) impl.dispose?.();
    }
  }
  for (const t of torch) t.close();
  if (!WRITE) return;
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const header = [
    '# xent loss kernels against their peers',
    '',
    'Written by `npm run bench` (bench/losses/run.ts): every implementation measured in the same run, on the same',
    'seeded data, interleaved round by round in a fresh (seeded) order; before each call on shapes of 2^20 logits or more, a full garbage',
    "collection and a 3 ms idle gap (ONNX Runtime's and PyTorch's thread pools are set not to spin after a call);",
    'medians and minima over the rounds, the first call apart (warm-up).',
    '"peer / best xent" is how many times longer a row takes than the fastest xent variant. "shared tensors": logits',
    'and gradient from `allocTensor(shape, "float32", { shared: true })`, in the kernels\' shared WebAssembly memory,',
    'split across the worker threads (crossEntropy reads and writes them in place; the binary loss copies them',
    'through each thread\'s scratch buffer); "plain arrays": Float32Arrays, copied through a scratch buffer on the',
    'calling thread. "/ floor" is the time over',
    'the memory floor measured in the same run (a WebAssembly SIMD read, or read + write in place, of the logits).',
    'All losses agree with xent to 1e-5 relative and all gradients to 1e-5 of the largest gradient value.',
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpu}, ${cpus().length} cores (shared with other work: numbers are noisy), ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `- Node ${process.versions.node} (V8 ${process.versions.v8}); xent kernels: ${JSON.stringify(info)}`,
    `- xent's WebAssembly build: ${info.relaxedSimd ? "relaxed SIMD (fused multiply-adds; the bench sets V8's --experimental-wasm-relaxed-simd, on by default from Node 22)" : 'plain SIMD (--plain-simd, or no relaxed SIMD here)'}`,
    `- @tensorflow/tfjs 4.22.0 (cpu), @tensorflow/tfjs-backend-wasm 4.22.0 (SIMD, 1 thread: its threaded build does not start in Node); onnxruntime-node 1.30.0; PyTorch ${torchVersion || 'not installed'} (Debian python3-torch, CPU)`,
    `- rounds: ${ROUNDS} per measurement, then more for the implementations under ${FAST_MS} ms a call, as many as fit in about a second (at most 200 in all)`,
    '',
  ];
  writeFileSync(join(HERE, '..', 'RESULTS.md'), `${header.join('\n')}\n${sections.join('\n\n')}\n`);
  writeFileSync(join(TMP, 'results.jsonl'), `${summary.join('\n')}\n`);
}

try {
  await main();
} catch (e) {
  // Short: TF.js's wasm glue would otherwise print its whole one-line source with the stack.
  console.error(`bench failed: ${(e as Error).message}`);
  process.exit(1);
}
