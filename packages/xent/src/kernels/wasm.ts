/**
 * The WebAssembly kernels (assembly/, embedded in wasmBinary.ts) and the scratch memory that rows stream
 * through. Compiled synchronously on first use (`new WebAssembly.Module`), which Node and Web Workers
 * allow for any size; a browser's main thread may refuse it for a module of this size (33-36 KB), and then
 * the TypeScript kernels run until `init()` has compiled it asynchronously. Where WebAssembly is missing
 * or fails, `wasm()` is undefined and the TypeScript kernels are used.
 *
 * Each module comes built twice, with and without relaxed SIMD (fused multiply-adds: the exponentials
 * run about 1.25x faster); the relaxed build loads where the runtime validates it (Node 22 and later,
 * Chrome and Edge 114 and later; Node 20 with --experimental-wasm-relaxed-simd).
 */
import {
  WASM_BASE64,
  WASM_RELAXED_BASE64,
  WASM_SHARED_BASE64,
  WASM_SHARED_RELAXED_BASE64,
} from './wasmBinary.js';

// The few WebAssembly and base64 globals used, typed here: the library compiles against ES2022 alone
// (no DOM or Node typings), and every host that has them has these shapes.
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmModule {
  readonly kind?: 'module';
}
export interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (m: WasmModule, imports: object) => { readonly exports: object };
  compile(bytes: Uint8Array): Promise<WasmModule>;
  validate(bytes: Uint8Array): boolean;
}
const host = globalThis as unknown as { WebAssembly?: WebAssemblyApi; atob?: (s: string) => string };

/**
 * ceF32 / ceF64 of assembly/crossEntropy.ts: n rows of C logits at x, int32 targets at t, float64 class
 * weights at w (0: none); the gradient to out (0: none; x: in place), per-row losses to lossOut (0:
 * none). Returns the summed cross-entropy terms, or NaN at once on a class index outside [0, C) other
 * than `ignore` (strict = 1: at all, ignore included).
 */
export type CeKernel = (
  x: number,
  n: number,
  C: number,
  t: number,
  w: number,
  ignore: number,
  zLoss: number,
  ceScale: number,
  zScale: number,
  out: number,
  lossOut: number,
  strict: number,
) => number;

/** The raw exports of assembly/index.ts (pointers are byte offsets into `memory`). */
export interface WasmExports {
  readonly memory: WasmMemory;
  readonly ceF32: CeKernel;
  readonly ceF64: CeKernel;
  zSum(): number;
  pieceMaxF32(p: number, len: number): number;
  pieceMaxF64(p: number, len: number): number;
  pieceExpSumF32(p: number, len: number, m: number, store: number): number;
  pieceExpSumF64(p: number, len: number, m: number, store: number): number;
  pieceScaleF32(p: number, len: number, k: number): void;
  pieceScaleF64(p: number, len: number, k: number): void;
  bceF32(x: number, y: number, n: number, grad: number, scale: number): number;
  bceF64(x: number, y: number, n: number, grad: number, scale: number): number;
  heapBase(): number;
}

/** An instance with views of its memory, renewed whenever the memory grows. */
export interface Wasm {
  readonly ex: WasmExports;
  /** Bytes below this offset are the module's (AssemblyScript's static data: exp / log tables). */
  readonly base: number;
  f32: Float32Array;
  f64: Float64Array;
  i32: Int32Array;
}

let module: WasmModule | undefined;
let instance: Wasm | undefined;
let failed = false;
let enabled = true;

/** The bytes of a base64 string (atob: every host with WebAssembly has it). */
function decodeBase64(b64: string): Uint8Array {
  const text = (host.atob as (s: string) => string)(b64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** A module of one function, (v128, v128, v128) -> f32x4.relaxed_madd: valid where relaxed SIMD is. */
export const RELAXED_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32,
  1, 32, 2, 253, 133, 2, 11,
];
let relaxed: boolean | undefined;

/** Whether the runtime has relaxed SIMD, so that the kernels with fused multiply-adds load. */
export function relaxedSimd(): boolean {
  if (relaxed === undefined) {
    try {
      relaxed = host.WebAssembly?.validate(new Uint8Array(RELAXED_PROBE)) === true;
    } catch {
      relaxed = false;
    }
  }
  return relaxed;
}

/** The kernels module's bytes: on its own memory, or on an imported shared one; relaxed where it can. */
export function kernelBytes(shared: boolean): Uint8Array {
  const r = relaxedSimd();
  return decodeBase64(
    shared ? (r ? WASM_SHARED_RELAXED_BASE64 : WASM_SHARED_BASE64) : r ? WASM_RELAXED_BASE64 : WASM_BASE64,
  );
}

/** An instance of a kernels module: on its own memory, or on `memory` (the shared-memory module). */
export function instantiateKernels(m: WasmModule, memory?: WasmMemory): Wasm {
  const env = memory ? { abort: () => {}, memory } : { abort: () => {} };
  const inst = new (host.WebAssembly as WebAssemblyApi).Instance(m, { env });
  const ex = inst.exports as unknown as WasmExports;
  const buf = (memory ?? ex.memory).buffer;
  return {
    ex,
    base: ex.heapBase(),
    f32: new Float32Array(buf),
    f64: new Float64Array(buf),
    i32: new Int32Array(buf),
  };
}

/** The kernels, or undefined where WebAssembly is unavailable, failed, or is switched off. */
export function wasm(): Wasm | undefined {
  if (instance || !enabled || failed) return enabled ? instance : undefined;
  try {
    const api = host.WebAssembly;
    if (!api || !host.atob) throw new Error('no WebAssembly');
    module ??= new api.Module(kernelBytes(false));
    instance = instantiateKernels(module);
  } catch {
    // No WebAssembly, or a browser main thread refusing synchronous compilation: the TypeScript kernels
    // run, and init() may still compile the module asynchronously.
    failed = true;
  }
  return instance;
}

/** Compiles the module asynchronously (for browser main threads); resolves to whether it is usable. */
export async function compileWasm(): Promise<boolean> {
  if (instance) return true;
  try {
    const api = host.WebAssembly;
    if (!api || !host.atob) throw new Error('no WebAssembly');
    module ??= await api.compile(kernelBytes(false));
    instance = instantiateKernels(module);
    failed = false;
  } catch {
    failed = true;
  }
  return instance !== undefined;
}

/** Switches the WebAssembly kernels on or off (off: the TypeScript kernels everywhere). */
export function setWasmEnabled(on: boolean): void {
  enabled = on;
}

export function wasmEnabled(): boolean {
  return enabled && wasm() !== undefined;
}

/** Ensures the memory holds `size` bytes from w.base; returns w.base. Renews the views after growing. */
export function reserve(w: Wasm, size: number): number {
  const need = w.base + size;
  const have = w.ex.memory.buffer.byteLength;
  if (need > have) {
    w.ex.memory.grow(Math.ceil((need - have) / 65536));
    const buf = w.ex.memory.buffer;
    w.f32 = new Float32Array(buf);
    w.f64 = new Float64Array(buf);
    w.i32 = new Int32Array(buf);
  }
  return w.base;
}
