/**
 * `xent plot seed [--out DIR] [--format svg|png]`: writes the figures that explain cross-entropy.
 *
 * @module
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkOutputPath } from '../checkOutputPath.js';
import { UsageError } from '../errors.js';
import type { Io } from '../eval/command.js';
import { type ImageFormat, writeChart } from './render.js';
import { seedFigures } from './seedFigures.js';

export const PLOT_HELP = `Usage: xent plot seed [--out DIR] [--format svg|png]

Draws the figures that explain cross-entropy, every number computed by the xent library:
  loss-vs-probability   -log(p) against the predicted probability p of the true class, with
                        MSE's (1 - p)²; p = 0.01 (loss ≈ 4.6) and p = 0.99 (loss ≈ 0.01) marked
  gradient-bce-vs-mse   for a sigmoid output and target 1, |d loss / d logit| of BCE and of MSE as
                        the prediction becomes confidently wrong: MSE's vanishes, BCE's stays near 1
  softmax-gradient      the softmax + cross-entropy gradient ŷ - y for an example

Options
  --out DIR             the folder to write to (default: the current folder; created when
                        missing)
  --format svg|png      the image format (default svg)
  -h, --help            this help

Example
  xent plot seed --out figures --format png
`;

export async function plotCommand(args: readonly string[], io: Io): Promise<number> {
  let parsed: { values: { out?: string; format: string; help: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        out: { type: 'string' },
        format: { type: 'string', default: 'svg' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) {
    io.stdout.write(PLOT_HELP);
    return 0;
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'seed') {
    throw new UsageError(
      `expected the figure set to draw: seed (got ${parsed.positionals.join(' ') || 'nothing'})`,
    );
  }
  const format = parsed.values.format;
  if (format !== 'svg' && format !== 'png')
    throw new UsageError(`--format must be svg or png, got ${JSON.stringify(format)}`);
  const dir = parsed.values.out ?? '.';
  checkOutputPath('--out', dir, 'folder');
  const figures = Object.entries(seedFigures()).map(([name, spec]) => ({
    spec,
    path: join(dir, `${name}.${format}`),
  }));
  for (const { path } of figures) checkOutputPath('--out', path, 'file');
  for (const { spec, path } of figures) {
    await writeChart(spec, path, format as ImageFormat);
    io.stdout.write(`${path}\n`);
  }
  return 0;
}
