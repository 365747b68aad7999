/**
 * The 2-D toy datasets of the Train view, drawn from a seeded generator so that a reset gives the same
 * points. Coordinates lie roughly in [-1.5, 1.5]².
 */

/** How a dataset's targets are read: one class of K (softmax + CE), one yes/no (sigmoid + BCE), or K yes/no's. */
export type TaskKind = 'multiclass' | 'binary' | 'multilabel';

export type DatasetName = 'blobs' | 'moons' | 'circles' | 'spiral' | 'multilabel';

export interface Dataset {
  readonly name: DatasetName;
  readonly kind: TaskKind;
  /** The number of model outputs (logits per point): C for multiclass, 1 for binary, the label count for multilabel. */
  readonly outputs: number;
  /** Names of the classes (multiclass, binary: the two classes) or of the labels (multilabel). */
  readonly classNames: readonly string[];
  /** Points, row-major (n, 2). */
  readonly x: Float64Array;
  /** Multiclass: the class index; binary: 0 or 1; multilabel: the label bits (bit k = label k). */
  readonly labels: Int32Array;
  /** Binary and multilabel: the 0/1 target per output, (n, outputs); multiclass: unused (empty). */
  readonly targets: Float64Array;
}

export const DATASETS: readonly (readonly [DatasetName, string])[] = [
  ['blobs', 'blobs (3 classes)'],
  ['moons', 'moons (2 classes)'],
  ['circles', 'circles (2 classes)'],
  ['spiral', 'spiral (3 classes)'],
  ['multilabel', 'two discs (multi-label)'],
];

/** Mulberry32: a small seeded generator of uniforms in [0, 1). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample from two uniforms (Box-Muller). */
function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function build(
  name: DatasetName,
  kind: TaskKind,
  classNames: string[],
  points: [number, number, number][],
): Dataset {
  const outputs = kind === 'binary' ? 1 : classNames.length;
  const n = points.length;
  const x = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  const targets = new Float64Array(kind === 'multiclass' ? 0 : n * outputs);
  points.forEach(([a, b, label], i) => {
    x[2 * i] = a;
    x[2 * i + 1] = b;
    labels[i] = label;
    if (kind === 'binary') targets[i] = label;
    if (kind === 'multilabel') for (let k = 0; k < outputs; k++) targets[i * outputs + k] = (label >> k) & 1;
  });
  return { name, kind, outputs, classNames, x, labels, targets };
}

/** Makes the named dataset from `seed`. */
export function makeDataset(name: DatasetName, seed = 7): Dataset {
  const rand = random(seed);
  const points: [number, number, number][] = [];
  switch (name) {
    case 'blobs': {
      for (let c = 0; c < 3; c++) {
        const angle = Math.PI / 2 + (c * 2 * Math.PI) / 3;
        for (let i = 0; i < 80; i++)
          points.push([
            0.85 * Math.cos(angle) + 0.3 * normal(rand),
            0.85 * Math.sin(angle) + 0.3 * normal(rand),
            c,
          ]);
      }
      return build(name, 'multiclass', ['class 0', 'class 1', 'class 2'], points);
    }
    case 'moons': {
      for (let i = 0; i < 100; i++) {
        const t = Math.PI * rand();
        points.push([Math.cos(t) - 0.5 + 0.1 * normal(rand), Math.sin(t) - 0.25 + 0.1 * normal(rand), 0]);
        points.push([0.5 - Math.cos(t) + 0.1 * normal(rand), 0.25 - Math.sin(t) + 0.1 * normal(rand), 1]);
      }
      return build(name, 'binary', ['class 0', 'class 1'], points);
    }
    case 'circles': {
      for (let i = 0; i < 100; i++) {
        const t = 2 * Math.PI * rand();
        points.push([1.1 * Math.cos(t) + 0.08 * normal(rand), 1.1 * Math.sin(t) + 0.08 * normal(rand), 0]);
        const u = 2 * Math.PI * rand();
        points.push([0.5 * Math.cos(u) + 0.08 * normal(rand), 0.5 * Math.sin(u) + 0.08 * normal(rand), 1]);
      }
      return build(name, 'binary', ['outer', 'inner'], points);
    }
    case 'spiral': {
      for (let c = 0; c < 3; c++) {
        for (let i = 0; i < 100; i++) {
          const r = (1.4 * (i + 1)) / 100;
          const t = (c * 2 * Math.PI) / 3 + 3.2 * r + 0.15 * normal(rand);
          points.push([r * Math.cos(t), r * Math.sin(t), c]);
        }
      }
      return build(name, 'multiclass', ['class 0', 'class 1', 'class 2'], points);
    }
    case 'multilabel': {
      for (let i = 0; i < 300; i++) {
        const a = 2.8 * rand() - 1.4;
        const b = 2.8 * rand() - 1.4;
        const inA = (a + 0.4) ** 2 + (b - 0.1) ** 2 < 0.75 ** 2 ? 1 : 0;
        const inB = (a - 0.4) ** 2 + (b + 0.1) ** 2 < 0.75 ** 2 ? 2 : 0;
        points.push([a, b, inA | inB]);
      }
      return build(name, 'multilabel', ['disc A', 'disc B'], points);
    }
  }
}
