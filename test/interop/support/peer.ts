/**
 * The SOGo peer (test/peers/sogo/) as the interop tests see it: where it listens, its users,
 * its scripts, and the counts its own servers (IMAP, CalDAV, CardDAV) report after seeding.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../../..');
export const PEER_SCRIPTS = join(REPO, 'test/peers/sogo');
/** The peer's state directory (lib.sh: $SOGO_PEER_DIR, default /tmp/eas-sogo). */
export const PEER_DIR = process.env['SOGO_PEER_DIR'] ?? '/tmp/eas-sogo';
export const SOGO_ORIGIN = 'http://127.0.0.1:20000';
/** The base URL a user types; the EAS endpoint is SOGO_URL/Microsoft-Server-ActiveSync. */
export const SOGO_URL = `${SOGO_ORIGIN}/SOGo`;
export const SMTP_PORT = 25;
export const IMAP_PORT = 143;

export interface PeerUser {
  readonly login: string;
  readonly password: string;
  readonly email: string;
  readonly name: string;
}

export const ALICE: PeerUser = { login: 'alice', password: 'alicepass', email: 'alice@example.test', name: 'Alice Example' };
export const BOB: PeerUser = { login: 'bob', password: 'bobpass', email: 'bob@example.test', name: 'Bob Example' };

/** The EAS versions SOGo offers that the client speaks, highest first (SOGo: 2.5 to 14.1). */
export const VERSIONS = ['14.1', '12.1'] as const;
export type PeerVersion = (typeof VERSIONS)[number];

/** One IMAP folder in expected-counts.json (seed.ts FolderCount). */
export interface FolderCount {
  readonly messages: number;
  readonly unseen: number;
  readonly modseq: boolean;
  readonly since: Readonly<Record<string, number>>;
}

/** One user in expected-counts.json: IMAP STATUS sums, CalDAV VEVENT/VTODO, CardDAV members. */
export interface UserCounts {
  readonly Email: number;
  readonly Calendar: number;
  readonly Contacts: number;
  readonly Tasks: number;
  /** By IMAP mailbox name ("INBOX", "INBOX/Projects"). */
  readonly folders: Readonly<Record<string, FolderCount>>;
}

export interface ExpectedCounts {
  readonly seededAt: string;
  readonly users: Readonly<Record<string, UserCounts>>;
}

export function expectedCounts(): ExpectedCounts {
  return JSON.parse(readFileSync(join(PEER_DIR, 'expected-counts.json'), 'utf8')) as ExpectedCounts;
}

export function countsOf(user: PeerUser): UserCounts {
  const counts = expectedCounts().users[user.login];
  if (!counts) throw new Error(`expected-counts.json has no ${user.login}`);
  return counts;
}

export interface ScriptRun {
  readonly ms: number;
  readonly stdout: string;
}

/**
 * Runs one of the peer's scripts; its log lines go to our stderr as they come, so that a CI log
 * shows what a slow or failing bring-up was doing. Rejects with the script's output on failure.
 */
export function peerScript(name: 'up.sh' | 'seed.sh' | 'down.sh'): Promise<ScriptRun> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn('bash', [join(PEER_SCRIPTS, name)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
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
      fail(new Error(`test/peers/sogo/${name} exited with ${code}:\n${stderr.slice(-4000)}${stdout.slice(-2000)}`));
    });
  });
}

/** Resets alice's and bob's data to the seed; returns the servers' counts afterwards. */
export async function reseed(): Promise<ExpectedCounts> {
  await peerScript('seed.sh');
  return expectedCounts();
}

/** True when SOGo's ActiveSync answers OPTIONS (the peer is up). */
export async function peerAnswers(): Promise<boolean> {
  try {
    const res = await fetch(`${SOGO_URL}/Microsoft-Server-ActiveSync`, {
      method: 'OPTIONS',
      headers: { Authorization: `Basic ${btoa(`${ALICE.login}:${ALICE.password}`)}` },
      signal: AbortSignal.timeout(3000),
    });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** A subject (or UID) no other test run uses. */
export function unique(label: string): string {
  return `${label} ${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000, every = 500): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${ms / 1000} s`);
    await sleep(every);
  }
}
