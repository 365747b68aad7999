/**
 * Runs the project's PyTorch reference cases (../../../../reference/*.json, see its README) against the
 * library, with the checks of packages/xent/test/reference.test.ts, and measures each function's largest
 * error in units of machine epsilon. Pure (no DOM): the Accuracy view runs it in the browser, a Node
 * test runs it on the same files.
 *
 * A value passes when |actual − expected| <= rel · (|expected| + s), with rel = 1e-10 for float64 input
 * and 2^-23 for float32 input, s = 1% of the largest magnitude among the case's inputs and expected
 * outputs (for gradients: 1% of the largest gradient plus 1 / the number of input elements). Its error
 * is |actual − expected| / (|expected| + s) in units of the machine epsilon of the result's type:
 * ε = 2^-23 for the results of float32 input (Float32Array outputs, and reduced losses, which the
 * library's fast kernels may compute with float32 exponentials), 2^-52 for those of float64 input.
 */
import * as xent from 'xent';

type Num = number | 'NaN' | 'Infinity' | '-Infinity';

export interface JsonTensor {
  shape: number[];
  data: Num[];
}

export interface ReferenceCase {
  fn: string;
  dtype: 'float32' | 'float64';
  input: JsonTensor;
  target: JsonTensor | null;
  options: Record<string, unknown>;
  loss: number | JsonTensor;
  grad: JsonTensor | null;
  error?: boolean;
  torchError?: string;
}

/** One function's results. */
export interface FunctionReport {
  fn: string;
  cases: number;
  passed: number;
  /** The largest error of the float64 results, in units of ε = 2^-52 (0 when all are exact). */
  maxUlps64: number;
  /** The largest error of the float32 results (Float32Array outputs), in units of ε = 2^-23. */
  maxUlps32: number;
  /** The first few failures, described. */
  failures: string[];
}

export const REL64 = 1e-10;
export const REL32 = 2 ** -23;
export const EPS64 = 2 ** -52;
export const EPS32 = 2 ** -23;

const api = xent as unknown as Record<string, (...args: unknown[]) => unknown>;
const num = (v: Num): number => (typeof v === 'number' ? v : Number(v));
const floats = (dtype: string, data: Num[]) =>
  dtype === 'float32' ? Float32Array.from(data, num) : Float64Array.from(data, num);

function maxAbs(...arrays: ArrayLike<number>[]): number {
  let m = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]);
      if (v > m && v !== Number.POSITIVE_INFINITY) m = v;
    }
  }
  return m;
}

function target(c: ReferenceCase) {
  if (!c.target) return undefined;
  const values = c.target.data.map(num);
  const probabilities = c.target.shape.join() === c.input.shape.join();
  if (probabilities || !values.every(Number.isInteger))
    return { data: floats(c.dtype, c.target.data), shape: c.target.shape };
  return { data: Int32Array.from(values), shape: c.target.shape };
}

function options(c: ReferenceCase) {
  const out: Record<string, unknown> = { ...c.options };
  for (const k of ['weight', 'posWeight'])
    if (Array.isArray(out[k])) out[k] = floats(c.dtype, out[k] as Num[]);
  return out;
}

class Mismatch extends Error {}

/** Compares one case's values, keeping the largest error of its float64 and float32 results (in ε units). */
class Checker {
  maxUlps64 = 0;
  maxUlps32 = 0;
  constructor(private readonly rel: number) {}

  close(actual: number, expected: number, scale: number, where: string, float32 = false): void {
    if (Number.isNaN(expected)) {
      if (!Number.isNaN(actual)) throw new Mismatch(`${where}: expected NaN, got ${actual}`);
      return;
    }
    if (!Number.isFinite(expected)) {
      if (actual !== expected) throw new Mismatch(`${where}: expected ${expected}, got ${actual}`);
      return;
    }
    const diff = Math.abs(actual - expected);
    const unit = Math.abs(expected) + scale;
    const relative = diff === 0 ? 0 : unit > 0 ? diff / unit : Number.POSITIVE_INFINITY;
    if (float32) this.maxUlps32 = Math.max(this.maxUlps32, relative / EPS32);
    else this.maxUlps64 = Math.max(this.maxUlps64, relative / EPS64);
    if (!(diff <= this.rel * unit))
      throw new Mismatch(
        `${where}: actual ${actual}, expected ${expected}, difference ${diff.toExponential(3)}`,
      );
  }

  value(actual: unknown, expected: number | JsonTensor, scale: number, where: string): void {
    if (typeof expected === 'number' || typeof expected === 'string') {
      if (typeof actual === 'object' && actual !== null && 'shape' in actual) {
        this.value(actual, { shape: [], data: [expected] }, scale, where);
        return;
      }
      if (typeof actual !== 'number') throw new Mismatch(`${where}: expected a number, got ${typeof actual}`);
      // A reduced loss is a float64 number, but for float32 input the library may compute it with float32
      // exponentials (its fast kernels): it is held to, and its error counted in, float32's ε.
      this.close(actual, num(expected), scale, where, this.rel === REL32);
      return;
    }
    const t = actual as { data: ArrayLike<number>; shape: number[] };
    if ([...t.shape].join() !== expected.shape.join())
      throw new Mismatch(`${where}: shape [${[...t.shape]}], expected [${expected.shape}]`);
    if (t.data.length !== expected.data.length)
      throw new Mismatch(`${where}: length ${t.data.length}, expected ${expected.data.length}`);
    const float32 = t.data instanceof Float32Array;
    const round = float32 ? Math.fround : (v: number) => v;
    for (let i = 0; i < expected.data.length; i++)
      this.close(t.data[i], round(num(expected.data[i])), scale, `${where}[${i}]`, float32);
  }
}

function sameLoss(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || a === b;
  const x = a as { data: ArrayLike<number>; shape: number[] };
  const y = b as { data: ArrayLike<number>; shape: number[] };
  if (!x?.data || !y?.data || x.data.length !== y.data.length || [...x.shape].join() !== [...y.shape].join())
    return false;
  for (let i = 0; i < x.data.length; i++)
    if (!(Object.is(x.data[i], y.data[i]) || x.data[i] === y.data[i])) return false;
  return true;
}

/** Runs one case, its errors going to `checker`; throws an Error describing a failure. */
function runCase(c: ReferenceCase, where: string, checker: Checker): void {
  const input = { data: floats(c.dtype, c.input.data), shape: c.input.shape };
  const args = c.target ? [input, target(c), options(c)] : [input, options(c)];
  const fn = api[c.fn];
  if (!fn) throw new Mismatch(`${where}: ${c.fn} is not exported`);
  const withGradFn = api[`${c.fn}WithGrad`];
  if (c.error) {
    const throws = (f: () => unknown) => {
      try {
        f();
        return false;
      } catch {
        return true;
      }
    };
    if (!throws(() => fn(...args)))
      throw new Mismatch(`${where}: should throw like PyTorch (${c.torchError})`);
    if (withGradFn && !throws(() => withGradFn(...args)))
      throw new Mismatch(`${where}: WithGrad should throw`);
    return;
  }
  const before = Float64Array.from(input.data);
  const expectedLoss = typeof c.loss === 'object' ? c.loss.data.map(num) : [num(c.loss)];
  const scale = maxAbs(input.data, expectedLoss) * 1e-2;
  const loss = fn(...args);
  checker.value(loss, c.loss, scale, `${where} loss`);
  if (c.grad) {
    if (!withGradFn) throw new Mismatch(`${where}: ${c.fn}WithGrad is not exported`);
    const withGrad = withGradFn(...args) as {
      loss: unknown;
      grad: { data: ArrayLike<number>; shape: number[] };
    };
    if (!sameLoss(withGrad.loss, loss))
      throw new Mismatch(`${where}: WithGrad's loss differs from the plain function's`);
    const gradScale = maxAbs(c.grad.data.map(num)) * 1e-2 + 1 / Math.max(1, input.data.length);
    checker.value(withGrad.grad, c.grad, gradScale, `${where} grad`);
    if (withGrad.grad.data.constructor !== input.data.constructor)
      throw new Mismatch(`${where}: grad is not of the input's float type`);
  }
  for (let i = 0; i < before.length; i++)
    if (!Object.is(before[i], input.data[i]) && before[i] !== input.data[i])
      throw new Mismatch(`${where}: input mutated`);
}

/** Runs `cases` (from `file`), adding each result to its function's report in `reports`. */
export function runCases(
  file: string,
  cases: readonly ReferenceCase[],
  reports: Map<string, FunctionReport>,
): void {
  cases.forEach((c, k) => {
    let report = reports.get(c.fn);
    if (!report) {
      report = { fn: c.fn, cases: 0, passed: 0, maxUlps64: 0, maxUlps32: 0, failures: [] };
      reports.set(c.fn, report);
    }
    report.cases++;
    const where = `${file} case ${k} (${c.dtype}, input [${c.input.shape}])`;
    const checker = new Checker(c.dtype === 'float32' ? REL32 : REL64);
    try {
      runCase(c, where, checker);
      report.passed++;
    } catch (error) {
      if (report.failures.length < 5)
        report.failures.push(error instanceof Error ? error.message : String(error));
    }
    // Failed cases count too: the largest error is the largest measured, passing or not.
    report.maxUlps64 = Math.max(report.maxUlps64, checker.maxUlps64);
    report.maxUlps32 = Math.max(report.maxUlps32, checker.maxUlps32);
  });
}
