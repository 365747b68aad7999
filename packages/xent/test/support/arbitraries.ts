/**
 * fast-check generators shared by the property tests: small shapes and moderate values, so that a
 * property runs in milliseconds and the naive formulas it is compared with stay accurate. A failing
 * property prints its seed and path; pass them back as `{ seed, path }` to replay it.
 */
import fc from 'fast-check';
import { classRows, normalise, size } from './naive.ts';

/** Runs per property: enough to cover the small shapes, few enough to keep the suite at seconds. */
export const RUNS = { numRuns: 50 } as const;

/**
 * `n` float64 values in [min, max], never NaN or infinite. Magnitudes below 1e-100 become 0, so that
 * squares and products of generated values stay normal numbers: a result that underflows to a
 * subnormal carries only absolute rounding, which the relative tolerances of the tests are not meant for.
 */
export function floats(n: number, min: number, max: number): fc.Arbitrary<Float64Array> {
  return fc
    .float64Array({ minLength: n, maxLength: n, min, max, noNaN: true, noDefaultInfinity: true })
    .map((values) => values.map((v) => (Math.abs(v) < 1e-100 ? 0 : v)));
}

/** A shape with a class axis: (C), (N, C) or (N, C, d), with C >= minClasses and N >= minBatch. */
export function classShape(minClasses = 1, minBatch = 1): fc.Arbitrary<number[]> {
  const c = fc.integer({ min: minClasses, max: 4 });
  const n = fc.integer({ min: minBatch, max: 3 });
  const d = fc.integer({ min: 1, max: 2 });
  return fc.oneof(
    c.map((classes) => [classes]),
    fc.tuple(n, c).map(([batch, classes]) => [batch, classes]),
    fc.tuple(n, c, d).map(([batch, classes, extra]) => [batch, classes, extra]),
  );
}

/** A shape of rank 1 to 3 with dimensions in [1, 3]. */
export const anyShape: fc.Arbitrary<number[]> = fc.array(fc.integer({ min: 1, max: 3 }), {
  minLength: 1,
  maxLength: 3,
});

/** Moderate logits of a class shape with one class index per element. */
export interface ClassBatch {
  readonly shape: number[];
  readonly logits: Float64Array;
  /** One class index per element (the input's shape without the class axis). */
  readonly indices: Int32Array;
  /** Probabilities of the input's shape: positive, summing to 1 along the class axis. */
  readonly probabilities: Float64Array;
}

export function classBatch(minClasses = 1, minBatch = 1, range = 5): fc.Arbitrary<ClassBatch> {
  return classShape(minClasses, minBatch).chain((shape) => {
    const classes = shape.length === 1 ? shape[0] : shape[1];
    const elements = classRows(shape).length;
    return fc
      .record({
        logits: floats(size(shape), -range, range),
        indices: fc.array(fc.integer({ min: 0, max: classes - 1 }), {
          minLength: elements,
          maxLength: elements,
        }),
        mass: floats(size(shape), 0.05, 1),
      })
      .map(({ logits, indices, mass }) => ({
        shape,
        logits,
        indices: Int32Array.from(indices),
        probabilities: normalise(mass, shape),
      }));
  });
}

/** Elementwise inputs: a shape, moderate values, and targets in [0, 1] (0/1 when `binary`). */
export interface ElementBatch {
  readonly shape: number[];
  readonly values: Float64Array;
  readonly targets: Float64Array;
}

export function elementBatch(min: number, max: number, binary = false): fc.Arbitrary<ElementBatch> {
  return anyShape.chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      values: floats(size(shape), min, max),
      targets: binary
        ? fc
            .array(fc.constantFrom(0, 1), { minLength: size(shape), maxLength: size(shape) })
            .map((t) => Float64Array.from(t))
        : floats(size(shape), 0, 1),
    }),
  );
}

/**
 * A weight that broadcasts to `shape` by trailing dimensions: one per entry of the last dimension
 * (the usual per-class weight), or (d0, 1, ..., 1), or the full shape; values in [0.25, 2].
 */
export function broadcastWeight(
  shape: readonly number[],
): fc.Arbitrary<{ data: Float64Array; shape: number[] }> {
  const shapes = [[shape[shape.length - 1]], [shape[0], ...shape.slice(1).map(() => 1)], [...shape]];
  return fc
    .constantFrom(...shapes)
    .chain((s) => floats(size(s), 0.25, 2).map((data) => ({ data, shape: s })));
}
