/**
 * Brings the Horde peer up for the Horde interop tests (test/peers/horde/up.sh: installs the
 * Debian packages if missing, writes Horde's configuration, starts the daemons), seeds it, and at
 * the end stops what it started. Run only when a Horde test file runs (a Vitest project of its
 * own in vitest.interop.config.ts). A peer that was already up is left running, and so is any
 * peer when HORDE_PEER_KEEP=1. A second run on the same machine waits for the first (its own
 * flock, beside the SOGo peer's). Without root this throws: the tests fail, never skip.
 */
import { lockPeer } from '../support/peer-lock.ts';
import { ALICE, peerAnswers, peerScript } from './support/peer.ts';

const HORDE_LOCK_FILE = '/tmp/eas-horde-peer.lock';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export default async function setup(): Promise<() => Promise<void>> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'interop tests: the Horde peer needs root (it installs Debian packages, writes /etc/horde and starts daemons). ' +
        'Run `npm test` as root on Debian 12, or run the unit tests alone with `npx vitest run`.',
    );
  }
  const lock = await lockPeer(
    undefined,
    () => process.stderr.write('[interop] waiting for another interop run to finish with the Horde peer\n'),
    HORDE_LOCK_FILE,
  );
  try {
    const wasUp = await peerAnswers();
    // Always with provisioning off: a run stopped inside the Provision test may have left it on.
    const up = await peerScript('up.sh', { HORDE_PROVISIONING: 'none' });
    const seed = await peerScript('seed.sh');
    process.stderr.write(
      `[interop] Horde ${wasUp ? 'was already up' : 'up'} in ${seconds(up.ms)}, seeded in ${seconds(seed.ms)} (users ${ALICE.login}, bob)\n`,
    );
    return async () => {
      try {
        if (wasUp || process.env['HORDE_PEER_KEEP'] === '1') return;
        const down = await peerScript('down.sh');
        process.stderr.write(`[interop] Horde stopped in ${seconds(down.ms)}\n`);
      } finally {
        lock.release();
      }
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}
