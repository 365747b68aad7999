/** Small DOM helpers shared by the views: elements, labelled controls, value outputs. */
import { fmt } from './format.ts';

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string;

/** Creates an element with attributes (`class`, `id`, `aria-*`, ...) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...children);
  return el;
}

/**
 * Writes a number into an output element: the text is {@link fmt}'s, and `data-value` keeps the full
 * value (the browser tests compare it with the library's result).
 */
export function show(el: HTMLElement, value: number, digits?: number): void {
  el.textContent = fmt(value, digits);
  el.dataset.value = String(value);
}

/** An `<output>` (polite live region) with an id. */
export function output(id: string, label?: string): HTMLOutputElement {
  return h('output', { id, 'aria-label': label, 'aria-live': 'polite' });
}

/** A labelled readout: `label  value`, where value is an {@link output}. */
export function readout(id: string, label: string): { el: HTMLElement; value: HTMLOutputElement } {
  const value = output(id, label);
  const el = h('div', { class: 'readout' }, h('span', { class: 'readout-label' }, label), value);
  return { el, value };
}

export interface SliderOptions {
  id: string;
  label: string;
  min: number;
  max: number;
  step: number;
  value: number;
  onInput: (value: number) => void;
  /** How the current value is written next to the slider. */
  format?: (value: number) => string;
}

/** A labelled range input with the current value next to it; arrow keys move it by `step`. */
export function slider(o: SliderOptions): { el: HTMLElement; input: HTMLInputElement; set(v: number): void } {
  const input = h('input', { type: 'range', id: o.id, min: o.min, max: o.max, step: o.step, value: o.value });
  const format = o.format ?? ((v: number) => String(v));
  const shown = h('output', { for: o.id, id: `${o.id}-value` }, format(o.value));
  input.addEventListener('input', () => {
    const v = Number(input.value);
    shown.textContent = format(v);
    o.onInput(v);
  });
  const el = h('div', { class: 'control' }, h('label', { for: o.id }, o.label), input, shown);
  return {
    el,
    input,
    set(v: number) {
      input.value = String(v);
      shown.textContent = format(Number(input.value));
    },
  };
}

export interface SelectOptions<T extends string> {
  id: string;
  label: string;
  options: readonly (readonly [T, string])[];
  value: T;
  onChange: (value: T) => void;
}

/** A labelled `<select>`. */
export function select<T extends string>(o: SelectOptions<T>): { el: HTMLElement; input: HTMLSelectElement } {
  const input = h('select', { id: o.id });
  for (const [value, text] of o.options)
    input.append(h('option', { value, selected: value === o.value }, text));
  input.addEventListener('change', () => o.onChange(input.value as T));
  return { el: h('div', { class: 'control' }, h('label', { for: o.id }, o.label), input), input };
}

export interface NumberOptions {
  id: string;
  label: string;
  value: number;
  min?: number;
  max?: number;
  step: number;
  onChange: (value: number) => void;
  /** Hide the label visually (kept for screen readers), as in a table whose header names the column. */
  hideLabel?: boolean;
}

/** A labelled number input; reports finite values as they are typed. */
export function numberInput(o: NumberOptions): { el: HTMLElement; input: HTMLInputElement } {
  const input = h('input', {
    type: 'number',
    id: o.id,
    value: o.value,
    min: o.min,
    max: o.max,
    step: o.step,
    inputmode: 'decimal',
  });
  input.addEventListener('input', () => {
    if (input.value.trim() === '') return;
    const v = Number(input.value);
    if (Number.isFinite(v)) o.onChange(v);
  });
  const label = h('label', { for: o.id, class: o.hideLabel ? 'visually-hidden' : undefined }, o.label);
  return { el: h('div', { class: 'control' }, label, input), input };
}

/** An explanation block: paragraphs and formulas (plain Unicode, one per line). */
export function explain(paragraphs: readonly string[], formulas: readonly string[]): HTMLElement {
  return h(
    'div',
    { class: 'explain' },
    ...paragraphs.map((p) => h('p', {}, p)),
    h('pre', { class: 'formula', 'aria-label': 'formulas' }, formulas.join('\n')),
  );
}

/** The width a chart gets inside `container`: its width, within [min, max]. */
export function chartWidth(container: HTMLElement, max = 720, min = 260): number {
  return Math.max(min, Math.min(max, Math.floor(container.clientWidth || max)));
}

/** Calls `callback` (at most once per frame) when the window is resized; returns the unsubscribe. */
export function onResize(callback: () => void): () => void {
  let frame = 0;
  const listener = () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(callback);
  };
  window.addEventListener('resize', listener);
  return () => {
    cancelAnimationFrame(frame);
    window.removeEventListener('resize', listener);
  };
}

/** The class colours (Observable's Tableau 10 order). */
export const PALETTE = [
  '#4e79a7',
  '#f28e2c',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc949',
  '#af7aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ab',
] as const;

/** A view: its route, its title, and how to mount it; mount returns the cleanup. */
export interface View {
  readonly path: string;
  readonly title: string;
  readonly mount: (root: HTMLElement) => () => void;
}
