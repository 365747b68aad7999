/**
 * Atomic writes: the file is complete or absent, missing folders are created, and a failure is a
 * DataError naming the file, never hidden by the cleanup of the temporary file.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openAtomicStream, writeFileAtomic } from '../src/atomicWrite.ts';
import { DataError } from '../src/errors.ts';

const isWriteError = (path: string) => (error: unknown) =>
  error instanceof DataError &&
  error.location.file === path &&
  /^cannot be written: E[A-Z]+$/.test(error.reason);

test('writeFileAtomic(path, data) creates missing folders and leaves no temporary file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xent-atomic-'));
  writeFileAtomic(join(dir, 'a/b/out.txt'), 'data');
  assert.equal(readFileSync(join(dir, 'a/b/out.txt'), 'utf8'), 'data');
  assert.deepEqual(readdirSync(join(dir, 'a/b')), ['out.txt']);
});

test('writeFileAtomic under a file reports "cannot be written" for the target, not the cleanup\'s error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xent-atomic-'));
  writeFileSync(join(dir, 'file'), 'x');
  // mkdir fails, and so would removing the temporary file below a file (ENOTDIR): the first error is kept.
  const path = join(dir, 'file', 'out.json');
  assert.throws(() => writeFileAtomic(path, '{}'), isWriteError(path));
});

test('openAtomicStream(path): commit puts the whole file in place, abort leaves nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xent-atomic-'));
  const kept = await openAtomicStream(join(dir, 'new/kept.csv'));
  kept.stream.write('a,b\n');
  kept.stream.write('1,2\n');
  assert.equal(existsSync(join(dir, 'new/kept.csv')), false, 'not in place before commit');
  await kept.commit();
  assert.equal(readFileSync(join(dir, 'new/kept.csv'), 'utf8'), 'a,b\n1,2\n');
  const dropped = await openAtomicStream(join(dir, 'new/dropped.csv'));
  dropped.stream.write('a,b\n');
  await dropped.abort();
  assert.deepEqual(readdirSync(join(dir, 'new')), ['kept.csv']);
  writeFileSync(join(dir, 'file'), 'x');
  const path = join(dir, 'file', 'out.csv');
  await assert.rejects(openAtomicStream(path), isWriteError(path));
});
