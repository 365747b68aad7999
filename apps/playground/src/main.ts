/**
 * The playground's shell: a hash router (`#/loss`, `#/gradients`, ...) that mounts one view at a time,
 * so every view has its own URL.
 */
import './style.css';
import { h, type View } from './ui.ts';
import { accuracyView } from './views/accuracy.ts';
import { gradientsView } from './views/gradients.ts';
import { lossView } from './views/loss.ts';
import { pairingsView } from './views/pairings.ts';
import { softmaxView } from './views/softmax.ts';
import { trainView } from './views/train.ts';

const views: readonly View[] = [lossView, gradientsView, softmaxView, pairingsView, trainView, accuracyView];

const nav = document.getElementById('nav') as HTMLUListElement;
const main = document.getElementById('view') as HTMLElement;
const links = new Map<string, HTMLAnchorElement>();
for (const view of views) {
  const a = h('a', { href: `#${view.path}` }, view.title);
  links.set(view.path, a);
  nav.append(h('li', {}, a));
}

let cleanup: (() => void) | undefined;
let current: View | undefined;

function route(): void {
  const path = location.hash.replace(/^#/, '');
  const view = views.find((v) => v.path === path);
  if (!view) {
    history.replaceState(null, '', `#${views[0].path}`);
    route();
    return;
  }
  if (view === current) return;
  const first = current === undefined;
  cleanup?.();
  current = view;
  main.replaceChildren();
  document.title = `${view.title} · xent playground`;
  for (const [p, a] of links) {
    if (p === view.path) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  cleanup = view.mount(main);
  if (!first) main.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
route();
