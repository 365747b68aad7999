/** The messages between the Train view and its Web Worker. */
import type { TaskKind } from './datasets.ts';
import type { Hyper, Setup } from './trainer.ts';

export type ToWorker =
  | { type: 'reset'; setup: Setup; hyper: Hyper }
  | { type: 'hyper'; hyper: Hyper }
  /** Gradient steps per animation slice (~30 ms); Infinity: as many as fit in the slice. */
  | { type: 'speed'; stepsPerSlice: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' };

/** Sent after a reset: the points and how to read them. */
export interface DataMessage {
  type: 'data';
  kind: TaskKind;
  outputs: number;
  classNames: readonly string[];
  x: Float64Array;
  labels: Int32Array;
}

/** Sent while training (a few times a second) and after each command. */
export interface SnapshotMessage {
  type: 'snapshot';
  running: boolean;
  step: number;
  epoch: number;
  loss: number;
  accuracy: number;
  history: [number, number][];
  gridSize: number;
  /** Probabilities on the grid, (gridSize², outputs), row-major from the top. */
  grid: Float32Array;
}

export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type FromWorker = DataMessage | SnapshotMessage | ErrorMessage;
