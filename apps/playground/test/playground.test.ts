/**
 * Browser tests of the playground: builds it (vite's JS API), serves the build on a free loopback port
 * (vite's preview()), and drives Debian's Chromium through every view with playwright-core. Displayed
 * values are compared with the library's results computed here in Node; every view is checked for
 * console errors and requests beyond its own origin, and screenshotted at 1280×800 and at phone width
 * into test-output/screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogitsWithGrad,
  crossEntropyWithGrad,
  mseLoss,
  mseLossWithGrad,
  sigmoid,
  softmax,
} from 'xent';
import { fmt } from '../src/format.ts';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(appDir, 'test-output', 'site');
const shotDir = join(appDir, 'test-output', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let server: PreviewServer;
let context: BrowserContext;
let page: Page;
let origin: string;
let profile: string;
const problems: string[] = [];

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

before(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH`,
    );
  mkdirSync(shotDir, { recursive: true });
  await build({ root: appDir, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const port = await freePort();
  server = await preview({
    root: appDir,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  origin = `http://127.0.0.1:${port}`;
  profile = mkdtempSync(join(tmpdir(), 'xent-playground-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: DESKTOP,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  context.on('request', (request) => {
    const url = request.url();
    if (!(url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:')))
      problems.push(`request beyond the origin: ${url}`);
  });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Opens a view by its URL and waits for its heading. */
async function open(path: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.goto(`${origin}/#${path}`);
  await page.locator('main h2').first().waitFor();
}

/** The full value behind a displayed number (its data-value), after checking the text shows it. */
async function shown(selector: string, digits?: number): Promise<number> {
  const el = page.locator(selector);
  const raw = await el.getAttribute('data-value');
  assert.ok(raw !== null, `${selector} has a data-value`);
  const value = Number(raw);
  assert.equal(await el.textContent(), fmt(value, digits), `${selector} shows its value`);
  return value;
}

/** Screenshots of the current view at 1280×800 and at phone width; no console errors or foreign requests. */
async function finish(name: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(50);
  await page.screenshot({ path: join(shotDir, `${name}-1280x800.png`) });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(100);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name}: no horizontal scrolling at phone width (overflow ${overflow}px)`);
  await page.screenshot({ path: join(shotDir, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  assert.deepEqual(problems.splice(0), [], `${name}: no console errors and no requests beyond the origin`);
}

test('every view has its own URL, a heading and a navigation link', async () => {
  for (const [path, heading] of [
    ['/loss', 'Loss vs confidence'],
    ['/gradients', 'Gradients'],
    ['/softmax', 'Softmax explorer'],
    ['/pairings', 'Pairings'],
    ['/train', 'Train'],
    ['/accuracy', 'Accuracy'],
  ]) {
    await open(path);
    assert.match((await page.locator('main h2').first().textContent()) ?? '', new RegExp(heading));
    assert.equal(await page.locator(`nav a[href="#${path}"]`).getAttribute('aria-current'), 'page');
  }
  await page.goto(`${origin}/`);
  await page.waitForURL(/#\/loss$/);
  assert.deepEqual(problems.splice(0), []);
});

test('loss view: moving the slider shows the library’s -log(p) and (1 - p)²', async () => {
  await open('/loss');
  const slider = page.locator('#p-slider');
  await slider.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await slider.inputValue(), '0.305');
  for (const value of ['0.01', '0.305', '0.73', '0.99']) {
    await slider.fill(value);
    const p = Number(await slider.inputValue());
    assert.equal(p, Number(value));
    assert.equal(await shown('#loss-ce'), binaryCrossEntropy([p], [1]));
    assert.equal(await shown('#loss-mse'), mseLoss([p], [1]));
  }
  assert.equal(await shown('#callout-0\\.01', 3), binaryCrossEntropy([0.01], [1]));
  assert.equal(await page.locator('#callout-0\\.01').textContent(), '4.61');
  assert.equal(await page.locator('#callout-0\\.99').textContent(), '0.0101');
  await slider.fill('0.3');
  await finish('1-loss');
});

test('gradients view: MSE’s gradient vanishes when confidently wrong, cross-entropy’s stays near 1', async () => {
  await open('/gradients');
  await page.locator('#grad-target-1').check();
  await page.locator('#z-slider').fill('-8');
  const p = sigmoid([-8]).data[0];
  assert.equal(await shown('#grad-p'), p);
  const bce = await shown('#grad-bce');
  assert.equal(
    bce,
    Math.abs(binaryCrossEntropyWithLogitsWithGrad([-8], [1], { reduction: 'sum' }).grad.data[0]),
  );
  const mse = await shown('#grad-mse');
  const q = sigmoid([8]).data[0];
  assert.equal(mse, Math.abs(mseLossWithGrad([p], [1], { reduction: 'sum' }).grad.data[0] * p * q));
  assert.ok(bce > 0.99 && mse < 0.001, `confidently wrong: BCE ${bce}, MSE ${mse}`);
  await page.locator('#grad-target-0').check();
  await page.locator('#z-slider').fill('8');
  assert.ok((await shown('#grad-bce')) > 0.99);
  await page.locator('#z-slider').fill('-4');
  await page.locator('#grad-target-1').check();
  await finish('2-gradients');
});

test('softmax view: editing a logit recomputes probabilities, loss and gradient with the library', async () => {
  await open('/softmax');
  await page.locator('#classes').fill('5');
  await page.locator('#target-class').selectOption('2');
  await page.locator('#temperature').fill('0.5');
  await page.locator('#smoothing').fill('0.1');
  await page.locator('#logit-1').fill('3.5');
  const logits = [];
  for (let i = 0; i < 5; i++) logits.push(Number(await page.locator(`#logit-${i}`).inputValue()));
  assert.equal(logits[1], 3.5);
  const scaled = { data: Float64Array.from(logits, (v) => v / 0.5), shape: [1, 5] };
  const probabilities = softmax(scaled).data;
  const { loss, grad } = crossEntropyWithGrad(scaled, [2], { labelSmoothing: 0.1, reduction: 'sum' });
  assert.equal(await shown('#softmax-loss'), loss);
  for (let i = 0; i < 5; i++) {
    assert.equal(await shown(`#prob-${i}`, 4), probabilities[i], `probability ${i}`);
    assert.equal(await shown(`#grad-${i}`, 4), grad.data[i], `gradient ${i}`);
  }
  // Dragging bar 0 to the top of the logit chart raises its logit.
  const box = await page.locator('#logit-chart svg').boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + box.width * 0.12, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.12, box.y + box.height * 0.08, { steps: 4 });
  await page.mouse.up();
  const dragged = Number(await page.locator('#logit-0').inputValue());
  assert.ok(dragged > 4, `dragged logit 0 up to ${dragged}`);
  await finish('3-softmax');
});

test('pairings view: the same logits through the three output layers and their losses', async () => {
  await open('/pairings');
  await page.locator('#pair-logit-2').fill('2.5');
  await page.locator('#pair-target').selectOption('1');
  const z = [1.5, 0.3, 2.5];
  assert.equal(
    await shown('#pair-multiclass-loss'),
    crossEntropyWithGrad([z], [1], { reduction: 'sum' }).loss,
  );
  assert.equal(
    await shown('#pair-multilabel-loss'),
    binaryCrossEntropyWithLogitsWithGrad([z], [[1, 0, 1]], { reduction: 'sum' }).loss,
  );
  assert.equal(
    await shown('#pair-binary-loss'),
    binaryCrossEntropyWithLogitsWithGrad([1.5], [1], { reduction: 'sum' }).loss,
  );
  assert.equal(
    await shown('#pair-multiclass-g-1', 4),
    crossEntropyWithGrad([z], [1], { reduction: 'sum' }).grad.data[1],
  );
  await finish('4-pairings');
});

test('train view: training on moons in the worker brings the displayed loss below 0.1; pause, step, reset', async () => {
  await open('/train');
  assert.equal(await page.locator('#train-dataset').inputValue(), 'moons');
  await page.locator('#train-steps').filter({ hasText: /^0$/ }).waitFor();
  const initial = await shown('#train-loss');
  await page.locator('#train-play').click();
  await page.waitForFunction(
    () => {
      const value = document.querySelector('#train-loss')?.getAttribute('data-value');
      return value != null && Number(value) < 0.1;
    },
    undefined,
    { timeout: 30_000, polling: 100 },
  );
  // The page answers while the worker trains.
  assert.equal(await page.evaluate(() => document.querySelector('#train-play')?.textContent), 'Pause');
  await page.locator('#train-play').click();
  await page.locator('#train-status').filter({ hasText: 'Paused' }).waitFor();
  const loss = await shown('#train-loss');
  assert.ok(loss < 0.1 && loss < initial, `loss ${initial} → ${loss}`);
  const steps = Number(await page.locator('#train-steps').textContent());
  await page.locator('#train-step').click();
  await page
    .locator('#train-steps')
    .filter({ hasText: String(steps + 1) })
    .waitFor();
  await finish('5-train');
  for (const dataset of ['blobs', 'circles', 'spiral', 'multilabel']) {
    await page.locator('#train-dataset').selectOption(dataset);
    await page.locator('#train-step').click();
    await page.locator('#train-steps').filter({ hasText: /^1$/ }).waitFor();
    assert.ok(Number.isFinite(await shown('#train-loss')), dataset);
  }
  await page.locator('#train-dataset').selectOption('multilabel');
  await page.locator('#train-play').click();
  await page.waitForFunction(() => Number(document.querySelector('#train-steps')?.textContent) > 300);
  await page.locator('#train-play').click();
  await finish('5-train-multilabel');
  await page.locator('#train-reset').click();
  await page.locator('#train-steps').filter({ hasText: /^0$/ }).waitFor();
  assert.deepEqual(problems.splice(0), []);
});

test('accuracy view: every PyTorch reference case passes in the browser', async () => {
  await open('/accuracy');
  await page.locator('#accuracy-run').click();
  const summary = page.locator('#accuracy-summary');
  await page.waitForFunction(
    () => document.querySelector('#accuracy-summary')?.hasAttribute('data-total'),
    undefined,
    {
      timeout: 30_000,
    },
  );
  const total = Number(await summary.getAttribute('data-total'));
  assert.equal(await summary.getAttribute('data-passed'), String(total), (await summary.textContent()) ?? '');
  assert.equal(total, 2974);
  const rows = page.locator('#accuracy-table tbody tr');
  assert.equal(await rows.count(), 13);
  for (let i = 0; i < 13; i++) {
    const cell = rows.nth(i).locator('td').first();
    assert.equal(await cell.getAttribute('data-passed'), await cell.getAttribute('data-cases'));
  }
  await finish('6-accuracy');
});
