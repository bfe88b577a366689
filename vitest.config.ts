import { configDefaults, defineConfig } from 'vitest/config';

/** The browser journeys: Chromium on the built app, one file at a time. */
const E2E = 'test/e2e/**/*.test.ts';

export default defineConfig({
  test: {
    environment: 'node',
    // One build of the app for every e2e file of the run (test/e2e/browser.ts).
    globalSetup: ['test/support/run-id.ts'],
    testTimeout: 60_000,
    // `npm test` (scripts/test.sh) runs the two projects as two processes side by side, one file
    // at a time each: one core for Chromium, one for the rest. `npx vitest run` runs both here.
    projects: [
      // The interop tests need the real peers: they have their own config (vitest.interop.config.ts).
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/interop/**', E2E] },
      },
      { extends: true, test: { name: 'e2e', include: [E2E] } },
    ],
  },
});
