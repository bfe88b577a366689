/**
 * One interop run per machine: the SOGo peer uses fixed ports, fixed users and one state
 * directory, so a second run (another checkout, a CI job beside a developer's) would reseed
 * and stop the first one's server under it. The lock is flock(1) on a file, held by a child
 * process for as long as this run lasts; it is released when the run ends or dies (the
 * child's stdin closes).
 */
import { spawn } from 'node:child_process';

export const LOCK_FILE = '/tmp/eas-sogo-peer.lock';

export interface PeerLock {
  release(): void;
}

/** Waits (at most `timeoutMs`) until no other interop run holds the peer. */
export function lockPeer(timeoutMs = 30 * 60_000, onWait: () => void = () => undefined, file = LOCK_FILE): Promise<PeerLock> {
  const holder = spawn('flock', ['-x', file, '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const release = (): void => void holder.stdin.end();
  return new Promise((resolve, reject) => {
    const waiting = setTimeout(onWait, 1000);
    const giveUp = setTimeout(() => {
      holder.kill();
      reject(new Error(`interop: another run has held ${file} for ${timeoutMs / 60_000} min`));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(waiting);
      clearTimeout(giveUp);
    };
    holder.stdout.once('data', () => {
      done();
      resolve({ release });
    });
    holder.once('error', (e) => (done(), reject(e)));
    holder.once('exit', (code) => (done(), reject(new Error(`interop: flock ${file} ended with ${code}`))));
  });
}
