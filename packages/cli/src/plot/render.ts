/**
 * Renders a Vega-Lite chart to SVG (vega's headless renderer, no canvas needed) or PNG (the SVG
 * rasterised by resvg with the system fonts, so that titles and labels show), and writes it atomically.
 *
 * @module
 */
import { extname } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../atomicWrite.js';
import { UsageError } from '../errors.js';

export type ImageFormat = 'svg' | 'png';

/** The chart as SVG text. */
export async function toSvg(spec: TopLevelSpec): Promise<string> {
  // Room for whole legend labels, and upright category labels.
  const config = { legend: { labelLimit: 360 }, axisBand: { labelAngle: 0 }, ...spec.config };
  const view = new vega.View(vega.parse(compile({ ...spec, config } as TopLevelSpec).spec), {
    renderer: 'none',
  });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** The chart as PNG bytes, at twice the SVG's size for sharp text. */
export async function toPng(spec: TopLevelSpec): Promise<Uint8Array> {
  const svg = await toSvg(spec);
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true },
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
  });
  return resvg.render().asPng();
}

/** The image format a file name asks for: .svg or .png. */
export function formatOf(path: string, option: string): ImageFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.svg' || ext === '.png') return ext.slice(1) as ImageFormat;
  throw new UsageError(`${option} ${JSON.stringify(path)}: the file name must end in .svg or .png`);
}

/** Renders the chart in the given format and writes it to `path` (complete or not at all). */
export async function writeChart(spec: TopLevelSpec, path: string, format: ImageFormat): Promise<void> {
  writeFileAtomic(path, format === 'svg' ? await toSvg(spec) : await toPng(spec));
}
