/**
 * Benchmark: `xent eval` against the usual Python route (pandas.read_csv + sklearn.metrics.log_loss) on
 * a large CSV of 10-class probabilities, side by side in one run; also xent with csv-parse as its only
 * reader, the reason the fast reader exists. Not part of `npm test`.
 *
 *   npm run build && node --import tsx bench/eval/run.ts [--size 1GB] [--repeats 3] [--dir /tmp/xent-bench]
 *
 * The file is made first (outside any timing) by a seeded generator, with the probabilities written as
 * the shortest round-trip decimals (what pandas' to_csv writes: up to 17 digits), and read once so that
 * every contender finds it in the page cache. Each contender then runs as its own process under
 * /usr/bin/time (wall time, peak resident set), interleaved, `--repeats` times; medians are reported.
 * The results agree to 1e-9 or the run fails. Results go to bench/eval/results.md and results.json with the
 * Node, Python, pandas and scikit-learn versions, the CPU and the date.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const XENT = fileURLToPath(new URL('../../packages/cli/bin/xent.js', import.meta.url));
const PYTHON = '/usr/bin/python3';
const CLASSES = 10;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(GB|MB|KB)?$/i.exec(text);
  if (!m) throw new Error(`--size: ${text}`);
  return Number(m[1]) * { GB: 1e9, MB: 1e6, KB: 1e3 }[(m[2] ?? 'MB').toUpperCase() as 'GB' | 'MB' | 'KB'];
}

const target = parseSize(option('size', '1GB'));
const repeats = Number(option('repeats', '3'));
const dir = option('dir', '/tmp/xent-bench');
mkdirSync(dir, { recursive: true });
const file = join(dir, `probs-${Math.round(target / 1e6)}MB.csv`);

/** mulberry32: a seeded generator, so the file is the same on every machine. */
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

async function generate(): Promise<void> {
  const random = mulberry32(2024);
  const out = createWriteStream(file);
  let bytes = 0;
  const write = async (text: string) => {
    bytes += text.length;
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  await write(`${Array.from({ length: CLASSES }, (_, c) => `c${c}`).join(',')},label\n`);
  const p = new Float64Array(CLASSES);
  while (bytes < target) {
    const lines: string[] = [];
    for (let i = 0; i < 10000; i++) {
      let total = 0;
      for (let c = 0; c < CLASSES; c++) {
        p[c] = Math.exp(3 * random());
        total += p[c];
      }
      for (let c = 0; c < CLASSES; c++) p[c] /= total;
      lines.push(`${Array.from(p).join(',')},c${Math.floor(random() * CLASSES)}`);
    }
    await write(`${lines.join('\n')}\n`);
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

async function readThrough(): Promise<void> {
  for await (const _ of createReadStream(file, { highWaterMark: 1 << 22 })) {
    // warm the page cache
  }
}

interface Measure {
  wall: number;
  peakMB: number;
  logLoss: number;
  accuracy: number;
}

/** Runs a command under /usr/bin/time -f '%e %M' and reads its JSON output. */
function measure(command: string, args: string[], env: Record<string, string> = {}): Measure {
  const run = spawnSync('/usr/bin/time', ['-f', 'xent-bench-time %e %M', command, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}`);
  const time = /xent-bench-time ([\d.]+) (\d+)/.exec(run.stderr);
  if (!time) throw new Error(`no timing in ${run.stderr}`);
  const json = JSON.parse(run.stdout);
  return {
    wall: Number(time[1]),
    peakMB: Number(time[2]) / 1024,
    logLoss: json.logLoss,
    accuracy: json.accuracy,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const contenders: { name: string; run: () => Measure; repeats: number }[] = [
  {
    name: 'xent eval (fast reader)',
    run: () => measure(process.execPath, [XENT, 'eval', file, '--json', '--no-progress']),
    repeats,
  },
  {
    name: 'pandas.read_csv + sklearn log_loss',
    run: () => measure(PYTHON, [join(HERE, 'python_route.py'), file]),
    repeats,
  },
  {
    name: 'xent eval (XENT_CSV_READER=csv-parse)',
    run: () =>
      measure(process.execPath, [XENT, 'eval', file, '--json', '--no-progress'], {
        XENT_CSV_READER: 'csv-parse',
      }),
    repeats: 1,
  },
];

if (!existsSync(file) || statSync(file).size < target) {
  console.log(`generating ${file} ...`);
  await generate();
}
const size = statSync(file).size;
const rows = Number(execFileSync('wc', ['-l', file], { encoding: 'utf8' }).trim().split(/\s+/)[0]) - 1;
console.log(`${file}: ${(size / 1e9).toFixed(3)} GB, ${rows.toLocaleString('en-US')} rows`);
await readThrough();

const loadBefore = loadavg()[0];
const results = new Map<string, Measure[]>(contenders.map((c) => [c.name, []]));
for (let r = 0; r < repeats; r++) {
  for (const c of contenders) {
    if (r >= c.repeats) continue;
    const m = c.run();
    results.get(c.name)?.push(m);
    console.log(`${c.name}: ${m.wall.toFixed(2)} s, peak ${m.peakMB.toFixed(0)} MB, logLoss ${m.logLoss}`);
  }
}
const reference = results.get(contenders[1].name)?.[0] as Measure;
for (const [name, ms] of results) {
  for (const m of ms) {
    const rel = Math.abs(m.logLoss - reference.logLoss) / reference.logLoss;
    if (!(rel <= 1e-9) || m.accuracy !== reference.accuracy) {
      throw new Error(
        `${name} disagrees with the Python route: logLoss ${m.logLoss} vs ${reference.logLoss}`,
      );
    }
  }
}

const python = execFileSync(
  PYTHON,
  [
    '-c',
    'import sys, pandas, sklearn, numpy; print(sys.version.split()[0], pandas.__version__, sklearn.__version__, numpy.__version__)',
  ],
  { encoding: 'utf8' },
)
  .trim()
  .split(' ');
const summary = {
  date: new Date().toISOString(),
  node: process.version,
  python: python[0],
  pandas: python[1],
  sklearn: python[2],
  numpy: python[3],
  cpu: `${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores)`,
  loadAverage: { before: loadBefore, after: loadavg()[0] },
  file: { bytes: size, rows, classes: CLASSES },
  results: Object.fromEntries(
    [...results].map(([name, ms]) => [
      name,
      {
        runs: ms.length,
        medianSeconds: median(ms.map((m) => m.wall)),
        medianPeakMB: median(ms.map((m) => m.peakMB)),
        seconds: ms.map((m) => m.wall),
        peakMB: ms.map((m) => Math.round(m.peakMB)),
      },
    ]),
  ),
  logLoss: reference.logLoss,
  accuracy: reference.accuracy,
};
writeFileSync(join(HERE, 'results.json'), `${JSON.stringify(summary, null, 2)}\n`);
const xent = summary.results[contenders[0].name];
const py = summary.results[contenders[1].name];
const lines = [
  '# xent eval vs pandas + scikit-learn',
  '',
  `Made by \`node --import tsx bench/eval/run.ts --size ${option('size', '1GB')} --repeats ${repeats}\` on ${summary.date}.`,
  `Node ${summary.node}; Python ${summary.python}, pandas ${summary.pandas}, scikit-learn ${summary.sklearn}, numpy ${summary.numpy}; ${summary.cpu}.`,
  `1-minute load average ${summary.loadAverage.before.toFixed(2)} before the runs, ${summary.loadAverage.after.toFixed(2)} after (other work on the machine slows every route alike; the runs are interleaved).`,
  '',
  `File: ${(size / 1e9).toFixed(3)} GB CSV, ${rows.toLocaleString('en-US')} rows of ${CLASSES} probabilities (shortest round-trip decimals, as pandas writes them) and a class name; in the page cache.`,
  `All runs agree: logLoss ${reference.logLoss}, accuracy ${reference.accuracy}.`,
  '',
  '| route | runs | median wall time (s) | median peak RSS (MB) | all times (s) |',
  '|---|---|---|---|---|',
  ...Object.entries(summary.results).map(
    ([name, r]) =>
      `| ${name} | ${r.runs} | ${r.medianSeconds.toFixed(2)} | ${r.medianPeakMB.toFixed(0)} | ${r.seconds.map((s) => s.toFixed(2)).join(', ')} |`,
  ),
  '',
  `xent eval is ${(py.medianSeconds / xent.medianSeconds).toFixed(2)}x faster than the Python route and uses ${(py.medianPeakMB / xent.medianPeakMB).toFixed(1)}x less peak memory.`,
  '',
];
writeFileSync(join(HERE, 'results.md'), lines.join('\n'));
console.log(readFileSync(join(HERE, 'results.md'), 'utf8'));
