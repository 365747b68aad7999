/**
 * Progress on stderr while a file is streamed (scored by `xent eval`, run through a model by
 * `xent predict`): a live bar on a terminal (cli-progress), a plain line every few seconds otherwise
 * (logs, CI), nothing with `--no-progress`. Results go to stdout, never here.
 *
 * @module
 */
import cliProgress from 'cli-progress';
import type { Input } from './input.js';

/** A running progress display. */
export interface Progress {
  /** Reports the rows done so far (bytes are read from the input). */
  update(rows: number): void;
  /** Removes the bar or stops the lines. */
  stop(): void;
}

/** How often a plain progress line is printed, in ms; `XENT_PROGRESS_INTERVAL_MS` overrides it (tests). */
const LINE_INTERVAL_MS = 5000;

/** Starts the progress display of `command` (`xent eval`, `xent predict`) reading `input`, on `stream`. */
export function startProgress(
  input: Input,
  enabled: boolean,
  command = 'xent eval',
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!enabled) return { update() {}, stop() {} };
  return stream.isTTY ? startBar(input, command, stream) : startLines(input, command, stream);
}

function startBar(input: Input, command: string, stream: NodeJS.WriteStream): Progress {
  const sized = input.size !== undefined && input.size > 0;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: sized
        ? `${command} ${input.name} [{bar}] {percentage}% | {rows} rows | {duration_formatted} (eta {eta_formatted})`
        : `${command} ${input.name} | {rows} rows | {mb} MB | {duration_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(sized ? (input.size as number) : 1, 0, { rows: '0', mb: '0' });
  return {
    update(rows) {
      const bytes = input.bytesRead();
      bar.update(sized ? Math.min(bytes, input.size as number) : 0, {
        rows: rows.toLocaleString('en-US'),
        mb: (bytes / 1e6).toFixed(1),
      });
    },
    stop() {
      bar.stop();
    },
  };
}

function startLines(input: Input, command: string, stream: NodeJS.WriteStream): Progress {
  const started = Date.now();
  let rows = 0;
  const interval = Number(process.env.XENT_PROGRESS_INTERVAL_MS) || LINE_INTERVAL_MS;
  const timer = setInterval(() => {
    const bytes = input.bytesRead();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const done =
      input.size !== undefined && input.size > 0
        ? `${((100 * bytes) / input.size).toFixed(0)}% (${megabytes(bytes)} of ${megabytes(input.size)})`
        : megabytes(bytes);
    stream.write(`${command}: ${input.name}: ${done}, ${rows.toLocaleString('en-US')} rows, ${seconds} s\n`);
  }, interval);
  timer.unref();
  return {
    update(n) {
      rows = n;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

function megabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}
