/**
 * `eas sync` against the peer, and its summary.json (CONTRACTS.md) compared with the counts
 * the servers themselves gave after seeding (expected-counts.json).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO, SOGO_URL, type PeerUser, type UserCounts } from './peer.ts';

export interface SummaryFolder {
  readonly id: string;
  readonly name: string;
  readonly type: number;
  readonly class: 'Email' | 'Calendar' | 'Contacts' | 'Tasks';
  readonly count: number;
}

export interface Summary {
  readonly version: string;
  readonly folders: readonly SummaryFolder[];
  readonly totals: Readonly<Record<SummaryFolder['class'], number>>;
}

const made: string[] = [];

export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `eas-interop-${label}-`));
  made.push(dir);
  return dir;
}

/** Removes the directories tempDir made (for afterAll). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function syncArgs(user: PeerUser, state: string, out: string, extra: readonly string[] = []): string[] {
  return ['--url', SOGO_URL, '--user', user.login, '--password-env', 'EAS_INTEROP_PASSWORD', '--state', state, '--out', out, ...extra];
}

/** Runs `eas sync` as a user runs it (a separate Node process through tsx); rejects on exit != 0. */
export function runSyncCli(user: PeerUser, state: string, out: string, extra: readonly string[] = []): Promise<void> {
  const tsx = join(REPO, 'node_modules/.bin/tsx');
  return new Promise((done, fail) => {
    const child = spawn(tsx, ['src/cli/main.ts', 'sync', ...syncArgs(user, state, out, extra)], {
      cwd: REPO,
      env: { ...process.env, EAS_INTEROP_PASSWORD: user.password },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`eas sync exited with ${code}: ${output.trim()}`))));
  });
}

export function readSummary(out: string): Summary {
  return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
}

/** The last segment of an IMAP name: SOGo's DisplayName of that folder ("INBOX/Projects" -> "Projects"). */
function leaf(imapName: string): string {
  return imapName.split('/').pop() ?? imapName;
}

/**
 * Every class total and every folder count of `summary` equals the servers' own count:
 * mail folders IMAP STATUS MESSAGES, the calendar CalDAV VEVENTs, the tasks folder CalDAV
 * VTODOs, the address book CardDAV members.
 */
export function expectSummaryMatches(summary: Summary, counts: UserCounts): void {
  expect(summary.totals).toEqual({ Email: counts.Email, Calendar: counts.Calendar, Contacts: counts.Contacts, Tasks: counts.Tasks });

  const imapNames = Object.keys(counts.folders);
  expect(new Set(imapNames.map(leaf)).size, 'seeded mailbox names are unique by their last segment').toBe(imapNames.length);
  const mail = summary.folders.filter((f) => f.class === 'Email');
  const mailCounts = Object.fromEntries(mail.map((f) => [f.name, f.count]));
  const imapCounts = Object.fromEntries(imapNames.map((n) => [leaf(n), counts.folders[n]?.messages]));
  expect(mailCounts).toEqual(imapCounts);

  const pim = (cls: SummaryFolder['class']): number[] => summary.folders.filter((f) => f.class === cls).map((f) => f.count);
  expect(pim('Calendar')).toEqual([counts.Calendar]);
  expect(pim('Tasks')).toEqual([counts.Tasks]);
  expect(pim('Contacts')).toEqual([counts.Contacts]);
}
