/**
 * Running the built `xent` command (bin/xent.js, which imports dist/) as a user would, and helpers for
 * the files it reads. The command must be built first: `npm run build` (the root `npm test` builds
 * through its typecheck step).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/xent.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

assert.ok(
  existsSync(fileURLToPath(new URL('../../dist/main.js', import.meta.url))),
  'packages/cli/dist/main.js is missing: run `npm run build` first',
);

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `xent ARGS` in `cwd` (the fixtures folder by default), with `input` on stdin. */
export function xent(
  args: readonly string[],
  options: { cwd?: string; input?: string | Buffer; env?: Record<string, string>; node?: string[] } = {},
): Run {
  const result = spawnSync(process.execPath, [...(options.node ?? []), BIN, ...args], {
    cwd: options.cwd ?? FIXTURES,
    input: options.input ?? '',
    env: { ...cleanEnv(), ...options.env },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `xent eval ARGS --json --no-progress`, asserts exit status 0, and returns the parsed result. */
export function evalJson(
  args: readonly string[],
  options: { cwd?: string; input?: string | Buffer; env?: Record<string, string> } = {},
): Record<string, unknown> & { sums: unknown; warnings: string[] } {
  const run = xent(['eval', ...args, '--json', '--no-progress'], options);
  assert.equal(run.code, 0, `xent eval ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** The environment without variables that change the command's behaviour. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('XENT_') && k !== 'NODE_OPTIONS') env[k] = v;
  }
  return env;
}

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'xent-cli-'));
}

/** Writes `files` (name → content) into a fresh temporary folder and returns it. */
export function withFiles(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** Asserts |actual - expected| <= rel · |expected| (NaN/null equal to null), with a message that shows both. */
export function assertClose(actual: unknown, expected: unknown, rel: number, where: string): void {
  if (expected === null) {
    assert.equal(actual, null, `${where}: expected null, got ${actual}`);
    return;
  }
  assert.equal(typeof actual, 'number', `${where}: expected a number, got ${JSON.stringify(actual)}`);
  const a = actual as number;
  const e = expected as number;
  const diff = Math.abs(a - e);
  assert.ok(
    diff <= rel * Math.abs(e),
    `${where}: actual ${a}, expected ${e}, difference ${diff.toExponential(3)} > ${rel} relative`,
  );
}
