/**
 * Training progress on stderr: a live bar over epochs with the current training and validation loss
 * on a terminal (cli-progress), a plain line every tenth of the epochs otherwise (logs, CI), nothing
 * with `--no-progress`.
 *
 * @module
 */
import cliProgress from 'cli-progress';
import type { EpochReport } from './trainer.js';

export interface EpochProgress {
  update(report: EpochReport): void;
  stop(): void;
}

const loss = (v: number | null) => (v === null ? '-' : v.toFixed(4));

export function startEpochProgress(
  epochs: number,
  enabled: boolean,
  stream: NodeJS.WriteStream = process.stderr,
): EpochProgress {
  if (!enabled) return { update() {}, stop() {} };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format:
          'xent train [{bar}] epoch {value}/{total} | train loss {train} | val loss {val} | {duration_formatted}',
        hideCursor: true,
        clearOnComplete: true,
        // Training blocks the event loop, so the bar redraws only inside update(): cli-progress does so
        // when twice its frame time has passed, every 80 ms at 25 frames per second.
        fps: 25,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(epochs, 0, { train: '-', val: '-' });
    return {
      update: (r) => bar.update(r.epoch, { train: loss(r.trainLoss), val: loss(r.valLoss) }),
      stop: () => bar.stop(),
    };
  }
  const every = Math.max(1, Math.round(epochs / 10));
  const started = Date.now();
  return {
    update(r) {
      if (r.epoch % every === 0 || r.epoch === epochs) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        stream.write(
          `xent train: epoch ${r.epoch}/${epochs}, train loss ${loss(r.trainLoss)}, val loss ${loss(r.valLoss)}, ${seconds} s\n`,
        );
      }
    },
    stop() {},
  };
}
