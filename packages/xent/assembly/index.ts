/** The WebAssembly kernels of xent, compiled by AssemblyScript (see ../scripts/build-wasm.mjs). */
export { bceF32, bceF64 } from './binaryCrossEntropyWithLogits';
export {
  ceF32,
  ceF64,
  pieceExpSumF32,
  pieceExpSumF64,
  pieceMaxF32,
  pieceMaxF64,
  pieceScaleF32,
  pieceScaleF64,
  zSum,
} from './crossEntropy';

/** The first byte after the module's static data (the exponentials' constants, the lookup tables of Math.exp and Math.log): the host's memory starts there. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}
