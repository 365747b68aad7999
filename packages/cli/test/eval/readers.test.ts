/**
 * The readers: the fast CSV path (fastCsv.ts), csv-parse throughout (csvParseReader.ts) and JSON Lines
 * read the same rows, whatever the chunk boundaries, with quoting, line ends, blank lines and bad rows.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readRows } from '../support/read.ts';

const CHUNKS = [1, 2, 7, 64, 1 << 20];

describe('CSV: the fast reader and csv-parse agree, for every chunk size', () => {
  const files: Record<string, string> = {
    plain: 'a,b,c,y\n0.2,0.3,0.5,a\n1,0,0,2\n0.25,0.25,0.5,c\n',
    'no final line break': 'a,b,y\n0.5,0.5,a\n0.1,0.9,b',
    'CRLF and blank lines': 'a,b,y\r\n\r\n0.5,0.5,a\r\n\r\n0.1,0.9,b\r\n\r\n',
    'byte order mark': '\uFEFFa,b,y\n0.5,0.5,a\n',
    'quoted fields': '"a","b,c",y\n"0.5",0.5,"a"\n0.1,"0.9","b,c"\n',
    'escaped quotes': 'a,"say ""b""",y\n0.5,0.5,"say ""b"""\n',
    'a line break in a quoted field': 'a,b,y\n0.5,0.5,"a"\n0.5,0.5,"x\ny"\n0.1,0.9,b\n',
    'exponents, signs, long mantissas':
      'a,b,y\n1e-5,0.99999,a\n+0.5,5E-1,b\n0.12345678901234567,0.87654321098765433,a\n',
    'bad values':
      'a,b,y\nabc,0.5,a\n0.5,NaN,a\n1.5,0,a\n0.5,0.5,z\n0.5,0.5,7\n0.5,0.5\n0.5,0.5,a,b\n,0.5,a\n0.5,0.5,a\n',
    'spaces around numbers': 'a,b,y\n 0.5 ,0.5,a\n',
    'malformed quotes': 'a,b,y\n0.5,0.5,"a\n0.5,0.5,b\n',
    'extra quoted columns': 'a,b,y\n0.5,0.5,a,"x,y"\n0.5,"0.5"\n',
    'utf-8 class names': 'chat,hund,y\n0.5,0.5,hund\n0.9,0.1,chat\n',
  };
  for (const [name, text] of Object.entries(files)) {
    test(name, async () => {
      const reference = await readRows(text, 'csv', { reader: 'csv-parse' });
      for (const chunk of CHUNKS) {
        for (const reader of ['fast', 'csv-parse'] as const) {
          const got = await readRows(text, 'csv', { reader, chunk });
          const strip = (rows: typeof got.rows) =>
            rows.map(({ error, ...rest }) => ({ ...rest, error: error !== undefined }));
          assert.deepEqual(got.columns, reference.columns, `${reader}, chunk ${chunk}: columns`);
          assert.deepEqual(strip(got.rows), strip(reference.rows), `${reader}, chunk ${chunk}: rows`);
          if (reader === 'fast' || name !== 'malformed quotes') {
            assert.deepEqual(
              got.rows.map((r) => r.error),
              reference.rows.map((r) => r.error),
              `${reader}, chunk ${chunk}: errors`,
            );
          }
        }
      }
    });
  }

  test('what the rows hold: values in class order, class indices, line numbers', async () => {
    const { rows, classes } = await readRows(files['a line break in a quoted field'], 'csv', {
      schema: { task: 'multiclass' },
    });
    assert.deepEqual(classes, ['a', 'b']);
    assert.deepEqual(rows[0], { line: 2, values: [0.5, 0.5], targets: [0] });
    assert.match(rows[1].error ?? '', /^test:3: column "y": value "x\\ny" is not a class/);
    assert.deepEqual(rows[2], { line: 5, values: [0.1, 0.9], targets: [1] });
  });

  test('the messages of bad values', async () => {
    const { rows } = await readRows(files['bad values'], 'csv');
    assert.deepEqual(
      rows.map((r) => r.error),
      [
        'test:2: column "a": value "abc" is not a number',
        'test:3: column "b": value "NaN" is not a number',
        'test:4: column "a": value "1.5" is not a probability in [0, 1] (for logits, use --from logits)',
        'test:5: column "y": value "z" is not a class: expected a prediction column\'s name ("a", "b") or a class index from 0 to 1',
        'test:6: column "y": value "7" is out of range: class indices go from 0 to 1',
        'test:7: value "0.5,0.5" has 2 columns, expected 3 as in the header',
        'test:8: value "0.5,0.5,a,b" has 4 columns, expected 3 as in the header',
        'test:9: column "a": value "" is not a number',
        undefined,
      ],
    );
  });
});

describe('TSV and JSON Lines', () => {
  test('TSV is CSV with tabs', async () => {
    const { rows } = await readRows('a\tb\ty\n0.25\t0.75\tb\n', 'tsv', { chunk: 3 });
    assert.deepEqual(rows, [{ line: 2, values: [0.25, 0.75], targets: [1] }]);
  });
  test("JSON Lines: the first object's keys are the columns; numbers, numeric strings, booleans", async () => {
    const text =
      '{"p_a": 0.9, "p_b": 0.2, "a": 1, "b": false}\n\n{"p_a": "0.5", "p_b": 0.5, "a": true, "b": 0}\n{"p_a": 0.5, "p_b": 0.5, "a": 2, "b": 0}\n[1]\n{"p_a": 0.5, "a": 1, "b": 0}\n';
    for (const chunk of CHUNKS) {
      const { rows, task } = await readRows(text, 'jsonl', { chunk, schema: { target: ['a', 'b'] } });
      assert.equal(task, 'multilabel');
      assert.deepEqual(rows.slice(0, 2), [
        { line: 1, values: [0.9, 0.2], targets: [1, 0] },
        { line: 3, values: [0.5, 0.5], targets: [1, 0] },
      ]);
      assert.deepEqual(
        rows.slice(2).map((r) => r.error),
        [
          'test:4: column "a": value "2" is not a binary target: expected 0 or 1',
          'test:5: value "[1]" is not a JSON object',
          'test:6: value "{\\"p_a\\": 0.5, \\"a\\": 1, \\"b\\": 0}" has no key "p_b" (the first line\'s keys are the columns)',
        ],
      );
    }
  });
});
