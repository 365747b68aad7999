/**
 * The `xent` command itself: help, version, dispatch and exit statuses (the built command, spawned).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { xent } from './support/xent.ts';

test('xent --help lists the commands (status 0); xent alone prints the help to stderr (status 2)', () => {
  const help = xent(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: xent COMMAND/);
  assert.match(help.stdout, /eval FILE/);
  const bare = xent([]);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /Usage: xent COMMAND/);
  assert.equal(xent(['help', 'eval']).stdout, xent(['eval', '--help']).stdout);
});

test('xent --version prints the package version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(xent(['--version']).stdout, `${pkg.version}\n`);
});

test('an unknown command is a usage error: status 2', () => {
  const run = xent(['frobnicate']);
  assert.equal(run.code, 2);
  assert.match(
    run.stderr,
    /^xent: unknown command "frobnicate"; the commands are: eval, train, predict, plot\nTry 'xent --help'\.\n$/,
  );
});
