/**
 * parseDecimal reads a decimal from bytes exactly as Number() does (correctly rounded), or defers with
 * NaN; parseNumberText is the general route.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import * as number from '../../src/eval/number.ts';
import { parseDecimal, parseNumberText, scanDecimal } from '../../src/eval/number.ts';

const bytes = (s: string) => Buffer.from(s, 'latin1');

/** parseDecimal(s) is Number(s), or NaN (the general route) for a rare few. */
function agrees(s: string): boolean {
  const b = bytes(s);
  const v = parseDecimal(b, 0, b.length);
  return Number.isNaN(v) || Object.is(v, Number(s));
}

describe('parseDecimal(buf, start, end) equals Number(text)', () => {
  test('on the shortest round-trip text of random doubles (what pandas and JavaScript write)', () => {
    let decided = 0;
    fc.assert(
      fc.property(
        fc.noBias(fc.integer({ min: 0, max: 2 ** 53 - 1 })),
        fc.integer({ min: -3, max: 6 }),
        fc.boolean(),
        (n, k, neg) => {
          const x = ((neg ? -n : n) / 2 ** 53) * 10 ** k;
          const b = bytes(String(x));
          if (!Number.isNaN(parseDecimal(b, 0, b.length))) decided++;
          return agrees(String(x));
        },
      ),
      { numRuns: 20000 },
    );
    // Below 1e-6 JavaScript writes exponents, and 10^-23 and beyond take the general route.
    assert.ok(decided > 19000, `the fast path decided only ${decided} of 20000`);
  });
  test('on any double, tiny and huge ones included (those may take the general route)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => agrees(String(x)) && agrees(x.toExponential())),
      { numRuns: 20000 },
    );
  });
  test('on probabilities printed with 1 to 20 digits, fixed and exponent notation', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 20 }), (x, d) => {
        return (
          agrees(x.toFixed(d)) &&
          agrees(x.toExponential(Math.min(d, 19))) &&
          agrees(x.toPrecision(Math.max(1, d)))
        );
      }),
      { numRuns: 20000 },
    );
  });
  test('on random digit strings of 1 to 19 significant digits with the point anywhere', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,19}$/), fc.nat(25), fc.nat(6), (digits, point, zeros) => {
        const at = Math.min(point, digits.length);
        return (
          agrees(`${digits.slice(0, at)}.${digits.slice(at)}`) && agrees(`0.${'0'.repeat(zeros)}${digits}`)
        );
      }),
      { numRuns: 20000 },
    );
  });
  test('next to the midpoints between doubles, where a double-double rounding would go wrong', () => {
    const f = new Float64Array(1);
    const u = new BigUint64Array(f.buffer);
    let decided = 0;
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1000, noNaN: true }),
        fc.integer({ min: 16, max: 19 }),
        (x, digits) => {
          f[0] = x;
          const exponent = Number((u[0] >> 52n) & 0x7ffn);
          const mantissa = (u[0] & ((1n << 52n) - 1n)) | (1n << 52n);
          const scale = 1076 - exponent; // midpoint = (2m + 1) / 2^scale
          const midpoint = ((2n * mantissa + 1n) * 5n ** BigInt(scale)).toString().padStart(scale + 1, '0');
          const full = `${midpoint.slice(0, -scale)}.${midpoint.slice(-scale)}`;
          const first = full.search(/[1-9]/);
          let end = first;
          for (let n = 0; n < digits; end++) if (full[end] !== '.') n++;
          const truncated = full.slice(0, end);
          const b = bytes(truncated);
          if (!Number.isNaN(parseDecimal(b, 0, b.length))) decided++;
          return agrees(truncated);
        },
      ),
      { numRuns: 5000 },
    );
    assert.ok(decided > 4000, `the fast path decided only ${decided} of 5000`);
  });
  test('edge cases', () => {
    for (const s of [
      '0',
      '-0',
      '1',
      '0.0',
      '1.0',
      '.5',
      '5.',
      '1e0',
      '1E+2',
      '2.5e-3',
      '9007199254740993',
      '0.30000000000000004',
      '1e-22',
      '1e22',
      '123456789012345678e-20',
    ]) {
      assert.ok(agrees(s), s);
    }
    assert.ok(Object.is(parseDecimal(bytes('-0'), 0, 2), -0));
  });
  test('NaN, leaving the rest to parseNumberText, for other syntax', () => {
    for (const s of [
      '',
      '-',
      '.',
      'e5',
      '1e',
      '1e+',
      'abc',
      '0x10',
      '1_0',
      ' 1',
      '1 ',
      'inf',
      'NaN',
      '1.2.3',
      '1,5',
    ]) {
      const b = bytes(s);
      assert.ok(Number.isNaN(parseDecimal(b, 0, b.length)), s);
    }
  });
  test('scanDecimal stops at the first byte that cannot continue the number', () => {
    const b = bytes('0.25,0.75');
    assert.equal(scanDecimal(b, 0, b.length), 0.25);
    assert.equal(number.scanEnd, 4);
    assert.equal(scanDecimal(b, 5, b.length), 0.75);
    assert.equal(number.scanEnd, 9);
  });
});

describe('parseNumberText(text)', () => {
  test('decimals as Number() reads them, with spaces around; infinities by name', () => {
    assert.equal(parseNumberText(' 0.5 '), 0.5);
    assert.equal(parseNumberText('+1e-3'), 0.001);
    assert.equal(parseNumberText('inf'), Number.POSITIVE_INFINITY);
    assert.equal(parseNumberText('-Infinity'), Number.NEGATIVE_INFINITY);
  });
  test('NaN for everything else, NaN and the empty string included', () => {
    for (const s of ['', ' ', 'nan', 'NaN', '0x10', '1_000', 'abc', '1,5', 'Infinityx', '--1']) {
      assert.ok(Number.isNaN(parseNumberText(s)), JSON.stringify(s));
    }
  });
});
