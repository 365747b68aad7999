/**
 * Decimal numbers read straight from the bytes of a line, correctly rounded, without making a string:
 * the reason the CSV fast path (fastCsv.ts) beats a general parser by several times.
 *
 * `parseDecimal(buf, start, end)` reads `[+-]digits[.digits][(e|E)[+-]digits]` and returns the nearest
 * double, exactly what `Number(text)` returns, or NaN when the text needs the general route
 * (`parseNumberText`): other syntax (spaces, "inf", "1_0"), more than 19 significant digits, or an exponent
 * out of the fast ranges. Three routes, each exact:
 *
 * 1. Significant digits forming an integer m < 2^53 (all numbers of up to 15 digits, most of 16) and a
 *    power of ten 10^k with |k| <= 22: m and 10^k are both exact doubles, so m / 10^k or m · 10^k is one correctly rounded
 *    operation (Clinger's fast path: W. D. Clinger, "How to read floating point numbers accurately",
 *    PLDI 1990; the same test as fast_float's and V8's own strtod fast path).
 * 2. Up to 19 significant digits with m >= 2^53 (Python's and JavaScript's shortest round-trip output
 *    has up to 17, so this is common in files written by pandas or numpy) and 0 < k <= 22: m is held
 *    exactly as a sum of two doubles (Dekker's exact product and Knuth's exact sum), divided by 10^k in
 *    double-double arithmetic, and rounded once. The double-double quotient carries an error below
 *    2^-100 relative, so the rounding is the correct one unless the exact value lies within 2^-20 ulp of a
 *    midpoint between two doubles (or at a power of two, where the spacing changes); those rare cases,
 *    about one in a million, take the general route.
 * 3. Everything else: `parseNumberText`, i.e. `Number()` on the text after a syntax check.
 *
 * @module
 */

/** Exact powers of ten 10^0 ... 10^22: the largest k with 10^k a double (5^22 < 2^53). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** hi · 10 + 9 stays below 2^53 = 9007199254740992 (exact) while hi < this. */
const HI_LIMIT = 900719925474099;

/** 2^27 + 1, Veltkamp's splitter: splits a double into two halves of at most 26 bits each. */
const SPLITTER = 134217729;

/** Scratch views to read a double's exponent and mantissa bits (little- or big-endian alike). */
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;
/** Half the spacing of doubles whose biased exponent is e: 2^(e - 1076). */
const HALF_ULP = Float64Array.from({ length: 2048 }, (_, e) => 2 ** (e - 1076));

/** Where the last {@link scanDecimal} stopped: the index of the first byte that is not part of the number. */
export let scanEnd = 0;

/**
 * The number written in `buf[start, end)`, or NaN when the text is not a plain decimal (see the module
 * comment). The whole range must be the number.
 */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  const v = scanDecimal(buf, start, end);
  return scanEnd === end ? v : Number.NaN;
}

/**
 * Reads a decimal number starting at `start`, stopping at the first byte that cannot continue it or at
 * `end`; sets {@link scanEnd} to where it stopped. Returns NaN when there are no digits or the number
 * needs the general route (then scanEnd is meaningless). Allocates nothing.
 */
export function scanDecimal(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  let c = i < end ? buf[i] : 0;
  if (c === 45 /* - */) {
    negative = true;
    i++;
  } else if (c === 43 /* + */) {
    i++;
  }
  // hi: the leading significant digits while they form an integer below 2^53 (15 or 16 digits);
  // lo: the next up to 4, loDigits of them.
  let hi = 0;
  let lo = 0;
  let significant = 0;
  let loDigits = 0;
  let fraction = 0;
  let digits = 0;
  let inFraction = false;
  for (; i < end; i++) {
    c = buf[i];
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      digits++;
      if (inFraction) fraction++;
      if (significant === 0 && d === 0) continue; // leading zeros
      significant++;
      if (loDigits === 0 && hi < HI_LIMIT) hi = hi * 10 + d;
      else if (loDigits < 4) {
        lo = lo * 10 + d;
        loDigits++;
      } else return Number.NaN;
    } else if (c === 46 /* . */ && !inFraction) {
      inFraction = true;
    } else {
      break;
    }
  }
  if (digits === 0) return Number.NaN;
  let exponent = 0;
  if (i < end && (buf[i] === 101 || buf[i] === 69) /* e E */) {
    i++;
    let expNegative = false;
    if (i < end && (buf[i] === 45 || buf[i] === 43)) {
      expNegative = buf[i] === 45;
      i++;
    }
    const expStart = i;
    for (; i < end; i++) {
      const d = buf[i] - 48;
      if (!(d >= 0 && d <= 9)) break;
      if (exponent < 100000) exponent = exponent * 10 + d;
    }
    if (i === expStart) return Number.NaN;
    if (expNegative) exponent = -exponent;
  }
  scanEnd = i;
  // value = (hi · 10^loDigits + lo) · 10^(exponent - fraction)
  const k = fraction - exponent;
  let v: number;
  if (significant === 0) v = 0;
  else if (loDigits === 0) {
    // Route 1, Clinger: one exact operand, one exact power of ten, one rounding.
    if (k >= 0 && k <= 22) v = hi / POW10[k];
    else if (k < 0 && k >= -22) v = hi * POW10[-k];
    else return Number.NaN;
  } else {
    // Route 2: m = hi · 10^loDigits + lo >= 2^53, up to 19 digits.
    if (!(k > 0 && k <= 22)) return Number.NaN;
    v = divideExact(hi, loDigits, lo, POW10[k]);
    if (Number.isNaN(v)) return v;
  }
  return negative ? -v : v;
}

/**
 * The correctly rounded (hi · 10^loDigits + lo) / t, with hi < 2^53, lo < 10^loDigits, loDigits <= 4,
 * t = 10^k, k <= 22; NaN when the double-double quotient is too close to a rounding boundary to decide.
 */
function divideExact(hi: number, loDigits: number, lo: number, t: number): number {
  // m = hi · 10^loDigits exactly as p + pe (Dekker's product of two doubles is exact).
  const scale = POW10[loDigits];
  const p = hi * scale;
  let a = SPLITTER * hi;
  const hiH = a - (a - hi);
  const hiL = hi - hiH;
  a = SPLITTER * scale;
  const scH = a - (a - scale);
  const scL = scale - scH;
  const pe = hiH * scH - p + hiH * scL + hiL * scH + hiL * scL;
  // + lo exactly: s + se = p + lo (Knuth's two-sum), then the small parts (rounding error ~2^-106 · m).
  const s = p + lo;
  const bb = s - p;
  const se = p - (s - bb) + (lo - bb);
  const small = se + pe;
  const m = s + small;
  const mErr = small - (m - s);
  // q = m / t in double-double: q0 = fl(m / t), remainder r = m + mErr - q0 · t (q0 · t exact by Dekker).
  const q0 = m / t;
  a = SPLITTER * q0;
  const qH = a - (a - q0);
  const qL = q0 - qH;
  a = SPLITTER * t;
  const tH = a - (a - t);
  const tL = t - tH;
  const qt = q0 * t;
  const qtErr = qH * tH - qt + qH * tL + qL * tH + qL * tL;
  const r = (m - qt - qtErr + mErr) / t;
  // Round q0 + r once and check that the exact value is not within 2^-20 ulp of a midpoint.
  const v = q0 + r;
  const rounded = v - q0;
  const err = r - rounded; // v + err = q0 + r exactly (two-sum, |q0| >= |r|)
  f64[0] = v;
  const hiWord = u32[HI];
  const biased = (hiWord >>> 20) & 0x7ff;
  if (biased === 0 || biased === 0x7ff || ((hiWord & 0xfffff) === 0 && u32[LO] === 0)) return Number.NaN;
  const halfUlp = HALF_ULP[biased];
  if (Math.abs(Math.abs(err) - halfUlp) <= halfUlp * 2 ** -20) return Number.NaN;
  return v;
}

/** `[+-]digits[.digits][e[+-]digits]`, `[+-].digits...`, or infinity, with surrounding spaces. */
const NUMBER_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const INFINITY_TEXT = /^\s*([+-]?)(?:inf|infinity)\s*$/i;

/**
 * The number a field's text denotes, or NaN when it is not one: decimal syntax (what `float()` in Python
 * and pandas accept, without underscores or hexadecimal) or `inf`/`infinity` with an optional sign,
 * surrounding spaces allowed. `"nan"` and `""` give NaN like anything else that is not a number.
 */
export function parseNumberText(text: string): number {
  if (NUMBER_TEXT.test(text)) return Number(text);
  const inf = INFINITY_TEXT.exec(text);
  if (inf) return inf[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return Number.NaN;
}
