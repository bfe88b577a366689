/**
 * The Horde peer (test/peers/horde/) as the interop tests see it: where it listens, its scripts,
 * the counts its own servers (IMAP, CalDAV, CardDAV) report after seeding, and IMAP as the
 * witness of another mail client. The users are the SOGo peer's (support/peer.ts ALICE, BOB).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Imap, quote, searchCount } from '../../../peers/sogo/seed/imap.ts';
import { REPO, type ExpectedCounts, type PeerUser, type UserCounts } from '../../support/peer.ts';

export { ALICE, BOB, REPO, eventually, sleep, unique, type PeerUser, type UserCounts } from '../../support/peer.ts';

export const PEER_SCRIPTS = join(REPO, 'test/peers/horde');
/** The peer's state directory (lib.sh: $HORDE_PEER_DIR, default /tmp/eas-horde). */
export const PEER_DIR = process.env['HORDE_PEER_DIR'] ?? '/tmp/eas-horde';
/** The base URL a user types; the EAS endpoint is HORDE_URL/Microsoft-Server-ActiveSync. */
export const HORDE_URL = 'http://127.0.0.1:20080';
export const EAS_URL = `${HORDE_URL}/Microsoft-Server-ActiveSync`;
export const IMAP_PORT = 10143;
export const SMTP_PORT = 10025;

/** Horde_ActiveSync 2.41.9 offers 2.5 to 16.0; the client speaks these three of them here. */
export const VERSIONS = ['16.0', '14.1', '12.1'] as const;
export type HordeVersion = (typeof VERSIONS)[number];

export function countsOf(user: PeerUser): UserCounts {
  const all = JSON.parse(readFileSync(join(PEER_DIR, 'expected-counts.json'), 'utf8')) as ExpectedCounts;
  const counts = all.users[user.login];
  if (!counts) throw new Error(`expected-counts.json has no ${user.login}`);
  return counts;
}

export interface ScriptRun {
  readonly ms: number;
  readonly stdout: string;
}

/** Runs one of the peer's scripts, its log lines passed on to our stderr; rejects with its output on failure. */
export function peerScript(name: 'up.sh' | 'seed.sh' | 'down.sh', env: Record<string, string> = {}): Promise<ScriptRun> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn('bash', [join(PEER_SCRIPTS, name)], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0) return done({ ms: Date.now() - started, stdout });
      fail(new Error(`test/peers/horde/${name} exited with ${code}:\n${stderr.slice(-4000)}${stdout.slice(-2000)}`));
    });
  });
}

/** Resets alice's and bob's data to the seed. */
export async function reseed(): Promise<void> {
  await peerScript('seed.sh');
}

/**
 * Horde's provisioning hook (activesync_provisioning_check): `force` makes Horde answer every
 * command of an unprovisioned device with HTTP 449 until it provisions. up.sh rewrites hooks.php;
 * the PHP workers read it on the next request.
 */
export async function setProvisioning(mode: 'none' | 'force'): Promise<void> {
  await peerScript('up.sh', { HORDE_PROVISIONING: mode });
}

/** True when Horde's rpc.php answers OPTIONS (HTTP 401 without credentials: the peer is up). */
export async function peerAnswers(): Promise<boolean> {
  try {
    const res = await fetch(EAS_URL, { method: 'OPTIONS', signal: AbortSignal.timeout(3000) });
    return res.status === 401;
  } catch {
    return false;
  }
}

/** Another mail client: the user's IMAP session on the peer's dovecot. */
export async function withImap<T>(user: PeerUser, work: (imap: Imap) => Promise<T>): Promise<T> {
  const imap = await Imap.open('127.0.0.1', IMAP_PORT);
  try {
    await imap.login(user.login, user.password);
    return await work(imap);
  } finally {
    await imap.logout().catch(() => undefined);
  }
}

/** The UIDs of `mailbox`'s undeleted messages whose Subject contains `subject` (ASCII). */
export async function uidsBySubject(user: PeerUser, mailbox: string, subject: string): Promise<number[]> {
  return withImap(user, async (imap) => {
    await imap.run(`EXAMINE ${quote(mailbox)}`);
    const found = await imap.run(`UID SEARCH UNDELETED SUBJECT ${quote(subject)}`);
    const line = found.untagged.find((l) => /^\* SEARCH\b/i.test(l)) ?? '* SEARCH';
    return line.split(' ').slice(2).map(Number);
  });
}

export async function countBySubject(user: PeerUser, mailbox: string, subject: string): Promise<number> {
  return withImap(user, async (imap) => {
    await imap.run(`EXAMINE ${quote(mailbox)}`);
    return searchCount((await imap.run(`SEARCH UNDELETED SUBJECT ${quote(subject)}`)).untagged);
  });
}
