import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The interop tests need the SOGo peer: they have their own config (vitest.interop.config.ts).
    exclude: [...configDefaults.exclude, 'test/interop/**'],
    environment: 'node',
    // One build of the app for every e2e file of the run (test/e2e/browser.ts).
    globalSetup: ['test/support/run-id.ts'],
    testTimeout: 60_000,
  },
});
