/**
 * How numbers are written on screen. Pure (no DOM), so the browser tests format the library's values
 * the same way and compare text with text.
 */

/** A number in at most `digits` significant digits: `4.6052`, `0.01005`, `1.234e-7`, `NaN`, `Infinity`. */
export function fmt(value: number, digits = 5): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e6) return String(Number(value.toPrecision(digits)));
  return value.toExponential(Math.max(0, digits - 2));
}

/** An error in units of machine epsilon: `0`, `0.5`, `3`, `1.2e+3`. */
export function fmtUlps(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  if (value < 1000) return String(Number(value.toPrecision(2)));
  return value.toExponential(1);
}
