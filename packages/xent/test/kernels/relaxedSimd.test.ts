/**
 * The other build of the WebAssembly kernels (wasm.ts: relaxedSimd): the suites of paths, agreement and
 * the direct lanes run again on the build this runtime does not load by default. Node 20 loads the plain
 * SIMD build and has relaxed SIMD behind a V8 flag, set here before the library loads (V8's flags are
 * the process's: the worker threads get it too); where relaxed SIMD is on by default (Node 22 and later),
 * the flag is cleared instead and the plain build runs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { RELAXED_PROBE, type WebAssemblyApi } from '../../src/kernels/wasm.ts';

const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
const validates = () => api.validate(new Uint8Array(RELAXED_PROBE));
const byDefault = validates();
setFlagsFromString(`--${byDefault ? 'no-' : ''}experimental-wasm-relaxed-simd`);
const switched = validates() !== byDefault;
const other = byDefault ? 'plain' : 'relaxed';

test(`the kernels load the ${other} SIMD build when the runtime ${byDefault ? 'lacks' : 'has'} relaxed SIMD`, {
  skip: switched ? false : "this runtime's V8 has no flag for relaxed SIMD",
}, async () => {
  const { kernelInfo } = await import('../../src/index.ts');
  assert.equal(kernelInfo().wasm, true);
  assert.equal(kernelInfo().relaxedSimd, !byDefault);
});

if (switched) {
  await import('./paths.test.ts');
  await import('./agreement.test.ts');
  await import('./crossEntropyDirect.test.ts');
  await import('./bceDirect.test.ts');
}
