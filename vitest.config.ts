import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The interop tests need the SOGo peer: they have their own config (vitest.interop.config.ts).
    exclude: [...configDefaults.exclude, 'test/interop/**'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
