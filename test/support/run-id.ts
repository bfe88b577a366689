/**
 * Vitest global setup: names this test run (EAS_TEST_RUN, inherited by the workers) so that
 * the e2e files share one build of the app (test/e2e/browser.ts sharedBuild), and removes the
 * builds of earlier runs (an hour old: another run may be using a newer one).
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

const RESULTS = resolve(import.meta.dirname, '../../test-results');

/** Older than this, a build belongs to no running test run. */
const STALE_MS = 3_600_000;

export default function setup(): void {
  let names: string[] = [];
  try {
    names = readdirSync(RESULTS).filter((name) => name.startsWith('e2e-build-'));
  } catch {
    // no results yet
  }
  for (const name of names) {
    const path = resolve(RESULTS, name);
    if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
  }
  process.env['EAS_TEST_RUN'] = `${Date.now()}-${process.pid}`;
}
