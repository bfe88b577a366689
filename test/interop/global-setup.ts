/**
 * Brings the SOGo peer up for the interop tests (test/peers/sogo/up.sh: installs the Debian
 * packages if missing, starts the daemons), seeds it, and at the end stops what it started.
 *
 * A peer that was already up is left running afterwards, and so is any peer when
 * SOGO_PEER_KEEP=1 (handy while writing tests). A second interop run on the same machine waits
 * for the first (support/peer-lock.ts). Without root, or without apt on a machine that
 * lacks the packages, this throws: the interop tests fail, they are never skipped.
 */
import { ALICE, peerAnswers, peerScript } from './support/peer.ts';
import { lockPeer } from './support/peer-lock.ts';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export default async function setup(): Promise<() => Promise<void>> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'interop tests: the SOGo peer needs root (it installs Debian packages and starts daemons as their users). ' +
        'Run `npm test` as root on Debian 12, or run the unit tests alone with `npx vitest run`.',
    );
  }
  const lock = await lockPeer(undefined, () =>
    process.stderr.write('[interop] waiting for another interop run to finish with the SOGo peer\n'),
  );
  const wasUp = await peerAnswers();
  const up = await peerScript('up.sh');
  const seed = await peerScript('seed.sh');
  process.stderr.write(
    `[interop] SOGo ${wasUp ? 'was already up' : 'up'} in ${seconds(up.ms)}, seeded in ${seconds(seed.ms)} (users ${ALICE.login}, bob)\n`,
  );
  return async () => {
    try {
      if (wasUp || process.env['SOGO_PEER_KEEP'] === '1') return;
      const down = await peerScript('down.sh');
      process.stderr.write(`[interop] SOGo stopped in ${seconds(down.ms)}\n`);
    } finally {
      lock.release();
    }
  };
}
