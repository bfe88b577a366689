/** Builds a test page of this repository with Vite (production mode), for the Chromium benches. */
import { join, resolve } from 'node:path';
import { ROOT } from '../test/e2e/browser.ts';

/** Builds `html` (a path from the repository root) into `dir`/`name`, served under `/name/`. */
export async function buildPage(dir: string, name: string, html: string): Promise<void> {
  const { build } = await import('vite');
  const env = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  try {
    await build({
      root: ROOT,
      configFile: false,
      logLevel: 'error',
      base: `/${name}/`,
      build: { outDir: join(dir, name), emptyOutDir: true, rollupOptions: { input: resolve(ROOT, html) } },
    });
  } finally {
    process.env['NODE_ENV'] = env;
  }
}
