/**
 * Interop tests: the client against a real ActiveSync server, SOGo 5.8 (test/peers/sogo/).
 * `npm test` runs them after the unit tests. The global setup installs (as root, with apt)
 * and starts SOGo, seeds it, and stops it afterwards; without root it fails, it never skips.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/interop/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/interop/global-setup.ts'],
    // One server with fixed ports and shared users: files run one after the other, and a file
    // that needs exact counts reseeds first.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
