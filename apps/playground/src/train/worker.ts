/**
 * The Train view's Web Worker: runs gradient descent in slices (a few steps, at most ~25 ms of work,
 * about every 30 ms) and posts a snapshot (loss, history, decision regions) after each, so the page
 * stays responsive and the regions animate.
 */
import type { FromWorker, ToWorker } from './protocol.ts';
import { Trainer } from './trainer.ts';

const scope = globalThis as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};

const GRID = 48;
const SLICE_MS = 25;
const PERIOD_MS = 30;
/** The whole-dataset loss goes into the history every this many steps. */
const RECORD_EVERY = 5;
let stepsPerSlice = 4;
let trainer: Trainer | undefined;
let running = false;
let timer: ReturnType<typeof setTimeout> | undefined;

function snapshot(): void {
  if (!trainer) return;
  const { loss, accuracy } = trainer.evaluate();
  trainer.record(loss);
  const grid = trainer.grid(GRID);
  scope.postMessage(
    {
      type: 'snapshot',
      running,
      step: trainer.step,
      epoch: trainer.epoch,
      loss,
      accuracy,
      history: trainer.history,
      gridSize: GRID,
      grid,
    },
    [grid.buffer],
  );
}

function loop(): void {
  timer = undefined;
  if (!running || !trainer) return;
  const start = performance.now();
  let steps = 0;
  do {
    trainer.train();
    steps++;
    if (trainer.step % RECORD_EVERY === 0) trainer.record(trainer.evaluate().loss);
  } while (steps < stepsPerSlice && performance.now() - start < SLICE_MS);
  snapshot();
  timer = setTimeout(loop, Math.max(0, PERIOD_MS - (performance.now() - start)));
}

scope.onmessage = (event) => {
  const message = event.data;
  try {
    switch (message.type) {
      case 'reset': {
        trainer = new Trainer(message.setup, message.hyper);
        const { kind, outputs, classNames, x, labels } = trainer.data;
        scope.postMessage({ type: 'data', kind, outputs, classNames, x, labels });
        snapshot();
        break;
      }
      case 'hyper':
        trainer?.setHyper(message.hyper);
        if (!running) snapshot();
        break;
      case 'speed':
        stepsPerSlice = message.stepsPerSlice;
        break;
      case 'play':
        running = true;
        if (timer === undefined) loop();
        break;
      case 'pause':
        running = false;
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        snapshot();
        break;
      case 'step':
        running = false;
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        trainer?.train();
        snapshot();
        break;
    }
  } catch (error) {
    running = false;
    scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
