/**
 * The app in Debian's Chromium (playwright-core), built as it ships (service worker,
 * precache), with 10,000 mails stored in one folder:
 *
 * - cold offline start to the first list paint: the worker stopped (CDP), the network
 *   off, a new page opened on the folder; time from navigation start to the first
 *   list row in the DOM (median of 5; goal ≤ 500 ms);
 * - initial JS gzip size: the entry script and its modulepreloads in the built
 *   index.html, gzipped at zlib's default level (goal ≤ 60 KB);
 * - the service worker a user without the demo loads: sw.js, raw and gzipped (goal ≤ 40 KB
 *   gzip; the demo server is demo-sw.js, imported only by the demo's worker, src/sw.ts);
 * - scroll frame time: 240 frames scrolling the list 400 px a frame, median and p95.
 *
 * The store is filled by the e2e seed page (test/e2e/pages/seed.ts), built next to
 * the app so it shares its origin, and opened before the app's worker exists (the
 * worker answers every navigation with the app shell).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, ROOT, startBuiltServer } from '../test/e2e/browser.ts';
import { buildPage } from './page.ts';
import type { Row } from './table.ts';

const MAILS = 10_000;
const RUNS = 5;
const FOLDER_HASH = '#/mail/acct-demo/bulk';

/** The entry chunk and what index.html preloads with it: what the first paint needs. */
export function initialJs(dir: string): { files: string[]; gzipBytes: number } {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/?([^"]+\.js)"/g)].map((m) => m[1] ?? '');
  const gzipBytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f))).length, 0);
  return { files, gzipBytes };
}

/** The production service worker (no demo), raw and gzipped at zlib's default level. */
export function serviceWorkerSize(dir: string): { rawBytes: number; gzipBytes: number } {
  const sw = readFileSync(join(dir, 'sw.js'));
  return { rawBytes: sw.length, gzipBytes: gzipSync(sw).length };
}

/** Time from navigation start to the first list row, recorded by the page itself. */
const FIRST_ROW_PROBE = `
  new MutationObserver((_, obs) => {
    if (document.querySelector('.vlist-row')) { window.__firstRow = performance.now(); obs.disconnect(); }
  }).observe(document, { childList: true, subtree: true });
`;

async function coldStart(context: BrowserContext, origin: string): Promise<number> {
  const warm = context.pages()[0];
  if (!warm) throw new Error('no page');
  const cdp = await context.newCDPSession(warm);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
  const page = await context.newPage();
  await page.addInitScript(FIRST_ROW_PROBE);
  await page.goto(`${origin}/${FOLDER_HASH}`);
  await page.waitForFunction(() => (window as unknown as { __firstRow?: number }).__firstRow !== undefined, null, { timeout: 30_000 });
  const ms = await page.evaluate(() => (window as unknown as { __firstRow: number }).__firstRow);
  await page.close();
  return ms;
}

async function scrollFrames(page: Page): Promise<number[]> {
  await page.locator('.vlist-row').first().waitFor();
  return page.evaluate(async () => {
    const el = document.querySelector<HTMLElement>('.vlist');
    if (!el) return [];
    const times: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 240; i++) {
      el.scrollTop += 400;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times;
  });
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
const p95 = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? 0;

export async function benchUi(): Promise<Row[]> {
  const server = await startBuiltServer(resolve(ROOT, 'test-results/bench-dist'));
  await buildPage(server.dir, 'bench-seed', 'test/e2e/pages/seed.html');
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US', deviceScaleFactor: 1 });
    // Only the app's own origin: the seeded account's server does not exist.
    await context.route('**/*', (route) => (route.request().url().startsWith(server.origin) ? route.continue() : route.abort()));
    const page = await context.newPage();
    await page.goto(`${server.origin}/bench-seed/test/e2e/pages/seed.html?mails=0&bulk=${MAILS}`);
    await page.waitForFunction(() => (window as unknown as { __seeded?: boolean }).__seeded === true, null, { timeout: 300_000 });
    // First visit online: the worker installs and precaches the shell.
    await page.goto(`${server.origin}/${FOLDER_HASH}`);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 60_000 });
    await page.locator('.vlist-row').first().waitFor();
    await context.setOffline(true);
    const starts: number[] = [];
    for (let i = 0; i < RUNS; i++) starts.push(await coldStart(context, server.origin));
    const frames = await scrollFrames(page);
    const js = initialJs(server.dir);
    const sw = serviceWorkerSize(server.dir);
    return [
      { name: `ui: cold offline start to first list paint, ${MAILS} mails (ms, median of ${RUNS})`, value: median(starts), goal: '≤ 500' },
      { name: 'ui: initial JS gzip (KB)', value: js.gzipBytes / 1024, goal: '≤ 60' },
      { name: 'ui: service worker gzip (KB)', value: sw.gzipBytes / 1024, goal: '≤ 40' },
      { name: 'ui: service worker raw (KB)', value: sw.rawBytes / 1024 },
      { name: 'ui: scroll frame time median (ms)', value: median(frames) },
      { name: 'ui: scroll frame time p95 (ms)', value: p95(frames) },
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}
