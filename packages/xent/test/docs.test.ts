/**
 * Every `@example` in the library's TSDoc is run, and its result must print exactly as the comment
 * below it says. An example is a block of the form
 *   ```ts
 *   expression
 *   // printed result
 *   ```
 * Numbers print as `String(n)`, typed arrays as `Float64Array [a, b]`, plain arrays as `[a, b]`. The
 * README's examples run too, their console.log output against the comments under them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { format } from 'node:util';
import * as xent from '../src/index.ts';

const src = new URL('../src/', import.meta.url);
const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));

function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value instanceof Float64Array || value instanceof Float32Array) {
    return `${value.constructor.name} [${Array.from(value, String).join(', ')}]`;
  }
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  return JSON.stringify(value);
}

const names = Object.keys(xent);
const values = Object.values(xent);
const exampled = new Set<string>();

for (const file of files) {
  const text = readFileSync(new URL(file, src), 'utf8');
  for (const block of text.matchAll(/@example\n\s*\* ```ts\n((?:\s*\*.*\n)*?)\s*\* ```/g)) {
    const lines = block[1]
      .split('\n')
      .map((l) => l.replace(/^\s*\* ?/, ''))
      .filter((l) => l.length > 0);
    const printed = lines.filter((l) => l.startsWith('// ')).map((l) => l.slice(3));
    const code = lines.filter((l) => !l.startsWith('//')).join('\n');
    for (const name of names) if (new RegExp(`\\b${name}\\(`).test(code)) exampled.add(name);
    test(`${file}: the @example \`${code.trim()}\` prints ${printed.join(' ')}`, () => {
      const run = new Function(...names, `return (${code});`) as (...args: unknown[]) => unknown;
      assert.equal(show(run(...values)), printed.join('\n'));
    });
  }
}

// The README's examples: each `console.log` must print the `// ` lines that follow its block's code.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
for (const [k, block] of [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].entries()) {
  const printed = block[1]
    .split('\n')
    .filter((l) => l.startsWith('// '))
    .map((l) => l.slice(3));
  if (printed.length === 0) continue;
  test(`README.md example ${k + 1} prints what the README shows under it`, () => {
    const code = block[1].replace(/^import .* from 'xent';$/m, '');
    const out: string[] = [];
    const console = { log: (...args: unknown[]) => out.push(...format(...args).split('\n')) };
    new Function(...names, 'console', code)(...values, console);
    assert.deepEqual(out, printed);
  });
}

test('every exported function has an @example that is run', () => {
  const functions = names.filter((n) => typeof (xent as Record<string, unknown>)[n] === 'function');
  assert.deepEqual(
    functions.filter((n) => !exampled.has(n)),
    [],
  );
});
