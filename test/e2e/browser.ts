/**
 * The e2e harness: the app served by Vite on 127.0.0.1 and Debian's Chromium driven by
 * playwright-core (no downloaded browser).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ROOT = resolve(import.meta.dirname, '../..');

export const SHOTS = resolve(ROOT, 'test-results/screenshots');
export const PHONE = { width: 390, height: 844 };
const AXE = resolve(ROOT, 'node_modules/axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact?: string;
  help: string;
  nodes: { target: unknown[] }[];
}

/** The serious and critical axe-core violations on the page, one line each. */
export async function axeProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
}

/**
 * The English catalog as whole-text patterns ("{count} unread" → /^.+ unread$/), leaving
 * out texts Japanese writes the same (Cc, Bcc) and those with under four letters of their
 * own ("{count} of {total}" would match any data with " of "): what must not be on a
 * Japanese screen.
 */
export function englishPatterns(): string[] {
  const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (Object.keys(en) as (keyof typeof en)[])
    .filter((k) => en[k] !== ja[k] && (en[k].replace(/\{\w+\}/g, '').match(/[A-Za-z]/g)?.length ?? 0) >= 4)
    .map(
      (k) =>
        '^' +
        en[k]
          .trim()
          .split(/\{\w+\}/)
          .map(escapeRe)
          .join('.+') +
        '$',
    );
}

/** The page's texts (text nodes, labels, titles, placeholders) that are a whole English catalog text. */
export function englishOnScreen(page: Page, patterns: string[]): Promise<string[]> {
  return page.evaluate((sources) => {
    const res = sources.map((s) => new RegExp(s));
    const texts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement?.closest('script, style, template, noscript')) continue;
      texts.push(n.textContent ?? '');
    }
    for (const el of document.body.querySelectorAll('*')) {
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
        const v = el.getAttribute(a);
        if (v) texts.push(v);
      }
    }
    const found = new Set<string>();
    for (const t of texts.map((x) => x.trim()).filter(Boolean)) if (res.some((r) => r.test(t))) found.add(t);
    return [...found];
  }, patterns);
}

/** A folder and an item as the app stores them (src/store/schema.ts), the fields tests read. */
export interface LocalFolder {
  serverId: string;
  type: number;
}
export interface LocalItem {
  folderId: string;
  class: string;
  data: { subject?: string; responseType?: number };
}

/** Every record of one object store of an IndexedDB database of the page (the app's own by default). */
export function pageRecords<T>(page: Page, store: string, database = 'eas-pwa'): Promise<T[]> {
  return page.evaluate(
    ([db, name]) =>
      new Promise<T[]>((ok, fail) => {
        const open = indexedDB.open(db);
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction(name).objectStore(name).getAll();
          req.onsuccess = () => {
            open.result.close();
            ok(req.result as T[]);
          };
          req.onerror = () => fail(req.error);
        };
      }),
    [database, store] as const,
  );
}

/** ServerIds in the app's store the server has not confirmed yet (local adds, unanswered moves). */
export async function provisionalIds(page: Page): Promise<string[]> {
  const items = await pageRecords<{ serverId: string }>(page, 'items');
  return items.map((i) => i.serverId).filter((s) => s.startsWith('local:') || s.startsWith('moved:'));
}

/** The app's local folders and items, read from its IndexedDB inside the page. */
export function readLocalStore(page: Page): Promise<{ folders: LocalFolder[]; items: LocalItem[] }> {
  return page.evaluate(
    () =>
      new Promise<{ folders: LocalFolder[]; items: LocalItem[] }>((ok, fail) => {
        const open = indexedDB.open('eas-pwa');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['folders', 'items']);
          const folders = tx.objectStore('folders').getAll();
          const items = tx.objectStore('items').getAll();
          tx.oncomplete = () => {
            open.result.close();
            ok({ folders: folders.result as LocalFolder[], items: items.result as LocalItem[] });
          };
          tx.onerror = () => fail(tx.error);
        };
      }),
  );
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (scripts/ensure-tools.ts does it)`);
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export interface AppServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** Vite on a free port of 127.0.0.1, no HMR socket (nothing but the page's own requests). */
export async function startAppServer(): Promise<AppServer> {
  const server: ViteDevServer = await createServer({
    root: ROOT,
    configFile: resolve(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
    optimizeDeps: {
      include: ['preact', 'preact/hooks', 'preact/jsx-runtime', 'idb', 'dompurify', '@tanstack/virtual-core', 'rrule', 'postal-mime'],
    },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('vite did not listen');
  return { origin: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

/** The built app and where it lies on disk (tests may change files there: a new version). */
export interface BuiltServer extends AppServer {
  readonly dir: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/**
 * The app built once per test run (test/support/run-id.ts names the run) and shared by every
 * e2e file: the first worker to take the lock builds, the others wait for its marker.
 */
async function sharedBuild(): Promise<string> {
  const run = process.env['EAS_TEST_RUN'] ?? `${process.pid}`;
  const base = resolve(ROOT, `test-results/e2e-build-${run}`);
  const done = join(base, '.built');
  const failed = `${base}.failed`;
  if (tryLock(`${base}.lock`)) {
    try {
      await buildApp(base);
      writeFileSync(done, '');
    } catch (e) {
      writeFileSync(failed, String(e));
      throw e;
    }
  }
  for (let waited = 0; !existsSync(done); waited += 200) {
    if (existsSync(failed)) throw new Error(`the shared e2e build failed: ${readFileSync(failed, 'utf8')}`);
    if (waited > 300_000) throw new Error(`no shared e2e build in ${base} after 5 minutes`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
  return base;
}

function tryLock(path: string): boolean {
  try {
    mkdirSync(path);
    return true;
  } catch {
    return false;
  }
}

async function buildApp(outDir: string): Promise<void> {
  const { build } = await import('vite');
  // Vitest sets NODE_ENV=test, which would make a development build (import.meta.env.PROD false).
  const env = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  try {
    await build({
      root: ROOT,
      configFile: resolve(ROOT, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'error',
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    process.env['NODE_ENV'] = env;
  }
}

/**
 * The BUILT app (service workers need the real build: precache manifest, sw.js), copied into
 * `outDir` from one build per test run (see sharedBuild) and served by a plain static server
 * on a free port of 127.0.0.1: no caching, files read on every request, unknown paths get
 * index.html. `rebuild` false serves `outDir` as it is (a test that changed files there).
 */
export async function startBuiltServer(outDir = resolve(ROOT, 'test-results/e2e-dist'), rebuild = true): Promise<BuiltServer> {
  if (rebuild) {
    const base = await sharedBuild();
    rmSync(outDir, { recursive: true, force: true });
    cpSync(base, outDir, { recursive: true });
  }
  const server = createHttpServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(outDir, path));
    if (!file.startsWith(outDir) || !existsSync(file) || statSync(file).isDirectory()) file = join(outDir, 'index.html');
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the static server did not listen');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    dir: outDir,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
