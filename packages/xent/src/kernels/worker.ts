/**
 * A worker of the thread pool (threads.ts): instantiates its own WebAssembly kernels, reports 'ready', then
 * for every task takes chunks from the shared counter until none is left. The shared-memory kernels are
 * instantiated with the first task on tensors in that memory (kernelMemory.ts).
 */
import { type ThreadTask, work } from './threads.js';
import { wasm } from './wasm.js';

interface Port {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (task: ThreadTask) => void): void;
}
const { parentPort } = (
  globalThis as unknown as { process: { getBuiltinModule(id: string): { parentPort: Port } } }
).process.getBuiltinModule('node:worker_threads');

const w = wasm();
if (w) {
  parentPort.on('message', (task) => work(w, task));
  parentPort.postMessage('ready');
}
