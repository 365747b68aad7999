/**
 * A worker of the thread pool (threads.ts): instantiates its own WebAssembly kernels, reports 'ready', then
 * listens on the doorbell (doorbell.ts) for jobs on the kernels' shared memory, and reads its messages
 * when the doorbell says there are some: a posted task (it takes chunks from the task's shared counter
 * until none is left), or the kernels' shared memory (adopted once).
 */
import { countReceived, doorbellOf, listen } from './doorbell.js';
import { adoptKernelMemory, sharedKernels } from './kernelMemory.js';
import { type ThreadTask, type WorkerData, work } from './threads.js';
import { type WasmMemory, wasm } from './wasm.js';

interface Port {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: ThreadTask | { memory: WasmMemory }) => void): void;
}
const { parentPort, workerData } = (
  globalThis as unknown as {
    process: { getBuiltinModule(id: string): { parentPort: Port; workerData: WorkerData } };
  }
).process.getBuiltinModule('node:worker_threads');

const w = wasm();
if (w) {
  const bell = doorbellOf(workerData.bell);
  const wait = () => listen(bell, workerData.index, sharedKernels);
  parentPort.on('message', (message) => {
    countReceived();
    if ('memory' in message) adoptKernelMemory(message.memory);
    else work(w, message);
    wait();
  });
  parentPort.postMessage('ready');
  wait();
}
