/**
 * View 6, accuracy: runs the project's PyTorch reference cases in this browser and shows, per function,
 * the pass count and the largest error in units of machine epsilon.
 */

import { type FunctionReport, type ReferenceCase, runCases } from '../accuracy/reference.ts';
import { fmtUlps } from '../format.ts';
import { explain, h, type View } from '../ui.ts';

// The reference files, served as static assets of this app (same origin).
const files = import.meta.glob('../../../../reference/*.json', {
  query: '?url',
  import: 'default',
  eager: true,
}) as Record<string, string>;

const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export const accuracyView: View = {
  path: '/accuracy',
  title: 'Accuracy',
  mount(root) {
    let cancelled = false;
    const runButton = h(
      'button',
      { type: 'button', class: 'primary', id: 'accuracy-run' },
      'Run the reference cases',
    );
    const progress = h('progress', { id: 'accuracy-progress', max: 1, value: 0, 'aria-label': 'progress' });
    const summary = h(
      'p',
      { id: 'accuracy-summary', role: 'status' },
      `${Object.keys(files).length} reference files, not run yet.`,
    );
    const body = h('tbody');
    const failures = h('div', { id: 'accuracy-failures' });
    const table = h(
      'table',
      { class: 'values', id: 'accuracy-table' },
      h('caption', { class: 'visually-hidden' }, 'Reference cases per function'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'function'),
          h('th', { scope: 'col' }, 'passed'),
          h('th', { scope: 'col' }, 'max error f64'),
          h('th', { scope: 'col' }, 'max error f32'),
        ),
      ),
      body,
    );

    root.append(
      h(
        'section',
        { 'aria-labelledby': 'accuracy-title' },
        h('h2', { id: 'accuracy-title' }, 'Accuracy in your browser'),
        h(
          'div',
          { class: 'view-grid' },
          h(
            'div',
            { class: 'side' },
            explain(
              [
                "The library is tested against PyTorch: thousands of cases computed by PyTorch in float64, from ordinary logits to ±1e4, ±Infinity and empty batches. This page runs them all here, with this browser's Math.exp and Math.log, which may differ from Node's by an ulp or so.",
                'The error of a value is its distance from PyTorch relative to its size (plus a scale term for values that are differences of larger numbers), counted in machine epsilons: 1 means one rounding step. A case passes within 1e-10 (float64) or 2⁻²³ (float32); cases where PyTorch raises an error pass when the library throws.',
              ],
              [
                'error = |actual − expected| / (|expected| + s) / ε',
                'pass if |actual − expected| ≤ r · (|expected| + s)',
                'r = 1e-10 (float64 input), 2⁻²³ (float32 input)',
              ],
            ),
            h('div', { class: 'buttons' }, runButton),
            progress,
            summary,
          ),
          h(
            'div',
            {},
            h('div', { class: 'table-scroll' }, table),
            h(
              'p',
              { class: 'status' },
              'max error f64: float64 results (Float64Array outputs and every reduced loss, a float64 number), in ε = 2⁻⁵² ≈ 2.2e-16. max error f32: Float32Array outputs of float32 input, in ε = 2⁻²³ ≈ 1.2e-7.',
            ),
            failures,
          ),
        ),
      ),
    );

    function renderRows(reports: Map<string, FunctionReport>): void {
      body.replaceChildren(
        ...[...reports.values()].map((r) =>
          h(
            'tr',
            { 'data-fn': r.fn },
            h('th', { scope: 'row' }, h('code', {}, r.fn)),
            h(
              'td',
              {
                class: r.passed === r.cases ? 'pass' : 'fail',
                'data-passed': r.passed,
                'data-cases': r.cases,
              },
              `${r.passed} / ${r.cases}`,
            ),
            h('td', { 'data-value': r.maxUlps64 }, fmtUlps(r.maxUlps64)),
            h('td', { 'data-value': r.maxUlps32 }, fmtUlps(r.maxUlps32)),
          ),
        ),
      );
    }

    async function run(): Promise<void> {
      runButton.disabled = true;
      const reports = new Map<string, FunctionReport>();
      const entries = Object.entries(files).sort(([a], [b]) => a.localeCompare(b));
      summary.textContent = 'Loading the reference cases…';
      progress.value = 0;
      failures.replaceChildren();
      try {
        const loaded = await Promise.all(
          entries.map(async ([path, url]) => {
            const response = await fetch(url);
            if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
            return [path.split('/').pop() ?? path, (await response.json()) as ReferenceCase[]] as const;
          }),
        );
        const total = loaded.reduce((s, [, cases]) => s + cases.length, 0);
        let done = 0;
        const started = performance.now();
        for (const [file, cases] of loaded) {
          for (let i = 0; i < cases.length; i += 200) {
            if (cancelled) return;
            const chunk = cases.slice(i, i + 200);
            runCases(file, chunk, reports);
            done += chunk.length;
            progress.value = done / total;
            summary.textContent = `Running: ${done} of ${total} cases…`;
            renderRows(reports);
            await pause();
          }
        }
        const passed = [...reports.values()].reduce((s, r) => s + r.passed, 0);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        summary.className = passed === total ? 'pass' : 'fail';
        summary.dataset.passed = String(passed);
        summary.dataset.total = String(total);
        summary.textContent =
          passed === total
            ? `All ${total} reference cases pass in this browser (${seconds} s).`
            : `${passed} of ${total} reference cases pass; ${total - passed} fail (${seconds} s).`;
        const failed = [...reports.values()].filter((r) => r.failures.length > 0);
        if (failed.length > 0)
          failures.replaceChildren(
            h('h3', {}, 'First failures'),
            h('ul', {}, ...failed.flatMap((r) => r.failures.map((f) => h('li', {}, h('code', {}, f))))),
          );
      } catch (error) {
        summary.className = 'fail';
        summary.textContent = `Could not run the cases: ${error instanceof Error ? error.message : String(error)}`;
      } finally {
        runButton.disabled = false;
      }
    }

    runButton.addEventListener('click', () => void run());
    return () => {
      cancelled = true;
    };
  },
};
