/**
 * The initial-sync measurement of bench/sync-core.ts in Debian's Chromium (playwright-core),
 * on the browser's own IndexedDB: where the engine runs for users. The page is built by
 * Vite and served from 127.0.0.1; the mock runs inside the page, so nothing else is asked
 * for. Chromium starts with --js-flags=--expose-gc, so each timed part starts on a
 * collected heap, as in the Node bench.
 */
import { resolve } from 'node:path';
import { launchChromium, ROOT, startBuiltServer } from '../test/e2e/browser.ts';
import { buildPage } from './page.ts';
import { initialSyncRows, type PageResult } from './sync-core.ts';
import type { Row } from './table.ts';

const MAILS = 10_000;
/** Fewer pairs than in Node: the browser's IndexedDB takes ~5 s a run, and its runs vary less. */
const PAIRS = 5;

export async function benchBrowserSync(): Promise<Row[]> {
  const server = await startBuiltServer(resolve(ROOT, 'test-results/bench-sync-dist'), false);
  await buildPage(server.dir, 'bench-sync', 'bench/pages/sync.html');
  const browser = await launchChromium(['--js-flags=--expose-gc']);
  try {
    const page = await browser.newPage();
    await page.route('**/*', (route) => (route.request().url().startsWith(server.origin) ? route.continue() : route.abort()));
    await page.goto(`${server.origin}/bench-sync/bench/pages/sync.html?mails=${MAILS}&pairs=${PAIRS}`);
    await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench !== undefined, null, {
      timeout: 600_000,
      polling: 500,
    });
    const result = await page.evaluate(() => (window as unknown as { __bench: PageResult }).__bench);
    if (!result.ok) throw new Error(`the sync bench page failed: ${result.error}`);
    return initialSyncRows(result.runs, 'chromium: ');
  } finally {
    await browser.close();
    await server.close();
  }
}
