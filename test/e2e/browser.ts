/**
 * The e2e harness: the app served by Vite on 127.0.0.1 and Debian's Chromium driven by
 * playwright-core (no downloaded browser).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ROOT = resolve(import.meta.dirname, '../..');

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (scripts/ensure-tools.ts does it)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
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
    optimizeDeps: { include: ['preact', 'preact/hooks', 'preact/jsx-runtime', 'idb', 'dompurify', '@tanstack/virtual-core', 'rrule', 'postal-mime'] },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('vite did not listen');
  return { origin: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

/**
 * The BUILT app (service workers need the real build: precache manifest, sw.js) served
 * by `vite preview` on a free port of 127.0.0.1. Built once per test process into
 * test-results/e2e-dist.
 */
export async function startBuiltServer(outDir = resolve(ROOT, 'test-results/e2e-dist')): Promise<AppServer> {
  const { build, preview } = await import('vite');
  await build({ root: ROOT, configFile: resolve(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await preview({
    root: ROOT,
    configFile: resolve(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview did not listen');
  return { origin: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
