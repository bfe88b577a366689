/**
 * Interop tests: the client against real ActiveSync servers, each a Vitest project with its own
 * global setup, so that a peer is brought up only when its tests run:
 * - sogo: SOGo 5.8 (test/peers/sogo/), test/interop/*.test.ts;
 * - horde: Horde Groupware Webmail, Horde_ActiveSync 2.41.9, EAS up to 16.0 (test/peers/horde/),
 *   test/interop/horde/*.test.ts.
 * `npm test` runs them after the unit tests. A global setup installs (as root, with apt) and
 * starts its peer, seeds it, and stops it afterwards; without root it fails, it never skips.
 */
import { defineConfig } from 'vitest/config';

/** One server with fixed ports and shared users per project: files run one after the other. */
const peerProject = (name: string, include: string, globalSetup: string) => ({
  test: {
    name,
    include: [include],
    environment: 'node' as const,
    globalSetup: [globalSetup],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    // The two peers share no port, user or file, but the machine's cores: one file at a time.
    fileParallelism: false,
    projects: [
      peerProject('sogo', 'test/interop/*.test.ts', 'test/interop/global-setup.ts'),
      peerProject('horde', 'test/interop/horde/*.test.ts', 'test/interop/horde/global-setup.ts'),
    ],
  },
});
