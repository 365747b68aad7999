/**
 * Every PyTorch float64 reference case of ../../../reference/ (see its README) run against the public API.
 * float64 input is held to float64 rounding, float32 input to float32 rounding of the outputs.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as xent from '../src/index.ts';
import { allClose, closeTo, maxAbs, REL32, REL64 } from './support/close.ts';

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
interface Json {
  shape: number[];
  data: Num[];
}
interface Case {
  fn: string;
  dtype: 'float32' | 'float64';
  input: Json;
  target: Json | null;
  options: Record<string, unknown>;
  loss: number | Json;
  grad: Json | null;
  error?: boolean;
  torchError?: string;
}

// The shipped PyTorch cases, the project's own generated PyTorch cases, and the beyond-PyTorch cases.
const root = new URL('../../../reference/', import.meta.url);
const files = ['', 'generated/', 'beyond/'].flatMap((sub) =>
  readdirSync(new URL(sub, root))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `${sub}${f}`),
);
const api = xent as unknown as Record<string, (...args: unknown[]) => unknown>;

const num = (v: Num): number => (typeof v === 'number' ? v : Number(v));
const floats = (dtype: string, data: Num[]) =>
  dtype === 'float32' ? Float32Array.from(data, num) : Float64Array.from(data, num);

function target(c: Case) {
  if (!c.target) return undefined;
  const values = c.target.data.map(num);
  const probabilities = c.target.shape.join() === c.input.shape.join();
  if (probabilities || !values.every(Number.isInteger))
    return { data: floats(c.dtype, c.target.data), shape: c.target.shape };
  return { data: Int32Array.from(values), shape: c.target.shape };
}

function options(c: Case) {
  const out: Record<string, unknown> = { ...c.options };
  for (const k of ['weight', 'posWeight'])
    if (Array.isArray(out[k])) out[k] = floats(c.dtype, out[k] as Num[]);
  return out;
}

function checkValue(actual: unknown, expected: number | Json, rel: number, scale: number, where: string) {
  if (typeof expected === 'number' || typeof expected === 'string') {
    // PyTorch's 0-d 'none' result is recorded as a number; the library returns a 0-d tensor.
    if (typeof actual === 'object' && actual !== null && 'shape' in actual) {
      checkValue(actual, { shape: [], data: [expected] }, rel, scale, where);
      return;
    }
    assert.equal(typeof actual, 'number', `${where}: expected a number, got ${typeof actual}`);
    closeTo(actual as number, num(expected), rel, scale, where);
    return;
  }
  const t = actual as { data: ArrayLike<number>; shape: number[] };
  assert.deepEqual([...t.shape], expected.shape, `${where}: shape`);
  // A float32 output is the float64 result rounded to float32 (beyond float32's range: ±Infinity).
  const round = t.data instanceof Float32Array ? Math.fround : (v: number) => v;
  allClose(
    t.data,
    expected.data.map((v) => round(num(v))),
    rel,
    scale,
    where,
  );
}

for (const file of files) {
  const cases = JSON.parse(readFileSync(new URL(file, root), 'utf8')) as Case[];
  test(`${file}: all ${cases.length} PyTorch reference cases pass`, () => {
    let passed = 0;
    for (const [k, c] of cases.entries()) {
      const where = `${file} case ${k} (${c.dtype}, input ${JSON.stringify(c.input.shape)}, options ${JSON.stringify(c.options).slice(0, 120)})`;
      const input = { data: floats(c.dtype, c.input.data), shape: c.input.shape };
      const args = c.target ? [input, target(c), options(c)] : [input, options(c)];
      const fn = api[c.fn];
      assert.ok(fn, `${where}: ${c.fn} is not exported`);
      if (c.error) {
        assert.throws(() => fn(...args), `${where}: should throw like PyTorch (${c.torchError})`);
        if (api[`${c.fn}WithGrad`])
          assert.throws(() => api[`${c.fn}WithGrad`](...args), `${where}: WithGrad should throw`);
        passed++;
        continue;
      }
      const before = Float64Array.from(input.data);
      const rel = c.dtype === 'float32' ? REL32 : REL64;
      const expectedLoss = typeof c.loss === 'object' ? c.loss.data.map(num) : [num(c.loss)];
      const scale = maxAbs(input.data, expectedLoss) * 1e-2;
      const loss = fn(...args);
      checkValue(loss, c.loss, rel, scale, `${where} loss`);
      if (c.grad) {
        const withGrad = api[`${c.fn}WithGrad`](...args) as {
          loss: unknown;
          grad: { data: ArrayLike<number>; shape: number[] };
        };
        assert.deepEqual(withGrad.loss, loss, `${where}: WithGrad's loss equals the plain function's`);
        // A gradient entry is a difference such as p - 1 of terms up to the reduction's unit (1 / count for
        // 'mean'), so it is held to the rounding of that unit, not of its own (possibly tiny) value.
        const gradScale = maxAbs(c.grad.data.map(num)) * 1e-2 + 1 / Math.max(1, input.data.length);
        checkValue(withGrad.grad, c.grad, rel, gradScale, `${where} grad`);
        assert.equal(
          withGrad.grad.data.constructor,
          input.data.constructor,
          `${where}: grad has the input's float type`,
        );
      }
      assert.deepEqual(Float64Array.from(input.data), before, `${where}: input not mutated`);
      passed++;
    }
    assert.equal(passed, cases.length);
  });
}
