/**
 * `xent plot seed`: the three figures as valid SVG and PNG files with their titles; --out checked first.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { xent } from '../support/xent.ts';

const FIGURES = ['gradient-bce-vs-mse', 'loss-vs-probability', 'softmax-gradient'];

test('xent plot seed writes the three figures as SVG with their titles and axis labels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xent-plot-'));
  const run = xent(['plot', 'seed', '--out', 'figs'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(
    readdirSync(join(dir, 'figs')).sort(),
    FIGURES.map((f) => `${f}.svg`),
  );
  const svg = (name: string) => readFileSync(join(dir, 'figs', `${name}.svg`), 'utf8');
  for (const f of FIGURES)
    assert.match(svg(f), /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/);
  assert.match(svg('loss-vs-probability'), /Cross-entropy punishes confident mistakes/);
  assert.match(svg('loss-vs-probability'), /p = 0\.01: loss ≈ 4\.6/);
  assert.match(svg('loss-vs-probability'), /p = 0\.99: loss ≈ 0\.01/);
  assert.match(svg('gradient-bce-vs-mse'), /only cross-entropy still pushes/);
  assert.match(svg('gradient-bce-vs-mse'), /\|d loss \/ d z\|/);
  assert.match(svg('softmax-gradient'), /the gradient is ŷ - y/);
});

test('xent plot seed --format png writes PNG images', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xent-plot-'));
  const run = xent(['plot', 'seed', '--format', 'png'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  for (const f of FIGURES) {
    const png = readFileSync(join(dir, `${f}.png`));
    assert.deepEqual(
      [...png.subarray(0, 8)],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      `${f}.png signature`,
    );
    const width = png.readUInt32BE(16);
    assert.ok(width > 800, `${f}.png is ${width} px wide`);
  }
});

test('xent plot needs the figure set and a known format (usage errors, exit 2)', () => {
  assert.equal(xent(['plot']).code, 2);
  assert.equal(xent(['plot', 'other']).code, 2);
  assert.equal(xent(['plot', 'seed', '--format', 'gif']).code, 2);
  assert.match(xent(['plot', '--help']).stdout, /loss-vs-probability/);
});

test('xent plot seed --out: a file (or a file on the way) is a usage error (exit 2); missing folders are created', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xent-plot-'));
  writeFileSync(join(dir, 'notes.txt'), 'a file\n');
  for (const [out, message] of [
    ['notes.txt', /^xent plot: --out "notes\.txt": is a file, expected a folder$/m],
    [
      'notes.txt/figs',
      /^xent plot: --out "notes\.txt\/figs": "notes\.txt" is a file, expected a folder on the way$/m,
    ],
  ]) {
    const run = xent(['plot', 'seed', '--out', out as string], { cwd: dir });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message as RegExp);
    assert.doesNotMatch(run.stderr, /internal error|\n\s+at /);
  }
  assert.deepEqual(readdirSync(dir), ['notes.txt'], 'nothing written');
  const nested = xent(['plot', 'seed', '--out', 'a/b/c'], { cwd: dir });
  assert.equal(nested.code, 0, nested.stderr);
  assert.deepEqual(
    readdirSync(join(dir, 'a/b/c')).sort(),
    FIGURES.map((f) => `${f}.svg`),
  );
});
