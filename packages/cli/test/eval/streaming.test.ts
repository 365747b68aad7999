/**
 * Streaming: a generated file of a few hundred thousand rows is scored with the right result while the
 * command's memory stays flat (XENT_DEBUG_MEMORY=1 makes it report its resident set size as it goes).
 */
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertClose, tempDir, xent } from '../support/xent.ts';

const ROWS = 300_000;
const CLASSES = 10;

/** A seeded generator (mulberry32), so the file is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes the file and returns the expected log loss and accuracy, computed naively while writing. */
async function generate(path: string): Promise<{ logLoss: number; accuracy: number; bytes: number }> {
  const random = mulberry32(7);
  const out = createWriteStream(path);
  const header = `${Array.from({ length: CLASSES }, (_, c) => `class${c}`).join(',')},label\n`;
  out.write(header);
  let bytes = header.length;
  let loss = 0;
  let correct = 0;
  const p = new Float64Array(CLASSES);
  for (let start = 0; start < ROWS; start += 10_000) {
    const lines: string[] = [];
    for (let i = start; i < start + 10_000; i++) {
      let total = 0;
      for (let c = 0; c < CLASSES; c++) {
        p[c] = Math.exp(4 * random());
        total += p[c];
      }
      let best = 0;
      for (let c = 0; c < CLASSES; c++) {
        p[c] /= total;
        if (p[c] > p[best]) best = c;
      }
      const t = Math.floor(random() * CLASSES);
      // What is written is what is read: the loss of the printed (shortest round-trip) values.
      loss += -Math.log(p[t]);
      if (best === t) correct++;
      lines.push(`${Array.from(p).join(',')},class${t}`);
    }
    const chunk = `${lines.join('\n')}\n`;
    bytes += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return { logLoss: loss / ROWS, accuracy: correct / ROWS, bytes };
}

test(`a ${ROWS.toLocaleString('en-US')}-row file is streamed: right result, flat memory`, async () => {
  const path = join(tempDir(), 'big.csv');
  const expected = await generate(path);
  const run = xent(['eval', path, '--json', '--no-progress'], {
    env: { XENT_DEBUG_MEMORY: '1' },
    node: ['--expose-gc'],
  });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.rows, ROWS);
  assertClose(result.logLoss, expected.logLoss, 1e-12, 'logLoss');
  assert.equal(result.accuracy, expected.accuracy);

  const report = /^xent-debug-memory (.*)$/m.exec(run.stderr);
  assert.ok(report, `no memory report on stderr: ${run.stderr}`);
  const { peak, samples } = JSON.parse(report[1]) as { peak?: number; samples: [number, number, number][] };
  const MB = 1024 * 1024;
  // Live memory (after a full collection) must not grow with the rows read: the file is ~60 MB of text
  // and its numbers 24 MB of doubles, so holding either would show as 24 MB or more. A few MB of
  // wobble (buffers, JIT, the machine's other load) is not growth: the bound is half the doubles.
  const settled = samples.filter(([rows]) => rows >= ROWS / 10).map(([, , live]) => live);
  assert.ok(settled.length >= 5, `too few samples: ${JSON.stringify(samples)}`);
  const growth = Math.max(...settled) - settled[0];
  assert.ok(
    growth < 12 * MB,
    `live memory grew by ${(growth / MB).toFixed(1)} MB while reading a ${(expected.bytes / MB).toFixed(0)} MB file: ${JSON.stringify(settled.map((r) => +(r / MB).toFixed(1)))}`,
  );
  // And the whole process stays far below the 300 MB (Linux reports its peak).
  if (peak !== undefined) assert.ok(peak < 200 * MB, `peak resident set ${(peak / MB).toFixed(0)} MB`);
});
