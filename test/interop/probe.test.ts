/**
 * `eas probe` live against SOGo, as a server developer runs it (CONTRACTS.md): the CLI process,
 * `--json` and `--trace`, at 14.1 and at 12.1. Every case passes except SOGo's known
 * deviations below, each with the verdict and detail the probe gives it; the exit code is 1
 * exactly when a case failed. test/probe/sogo-replay.test.ts replays a recorded run of the same
 * kind without SOGo; this file keeps that recording honest against the live server.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseResult, ProbeReport } from '../../src/probe/report.ts';
import { countBySubject } from './support/imap.ts';
import { ALICE, REPO, SOGO_URL, VERSIONS, countsOf, reseed, type PeerVersion, type UserCounts } from './support/peer.ts';
import { removeTempDirs, tempDir } from './support/summary.ts';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run -s eas -- probe ...` for alice, the password in the environment only. */
function probe(version: PeerVersion, json: string, trace: string): Promise<Run> {
  const args = [
    'run',
    '-s',
    'eas',
    '--',
    'probe',
    '--url',
    SOGO_URL,
    '--user',
    ALICE.login,
    '--password-env',
    'EAS_PROBE_PASSWORD',
    '--version',
    version,
    '--json',
    json,
    '--trace',
    trace,
  ];
  return new Promise((done, fail) => {
    const child = spawn('npm', args, {
      cwd: REPO,
      env: { ...process.env, EAS_PROBE_PASSWORD: ALICE.password },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

interface Deviation {
  readonly result: Exclude<CaseResult, 'pass'>;
  /** Why SOGo gets this verdict. */
  readonly reason: string;
  readonly detail: string | RegExp;
}

/**
 * SOGo 5.8's known deviations, as the probe reports them, for alice right after seeding
 * (`counts`: the servers' own counts). Nothing else may differ from "pass".
 */
function deviations(version: PeerVersion, counts: UserCounts): Record<string, Deviation> {
  const inbox = counts.folders['INBOX']?.messages ?? -1;
  // SOGo's estimate for a calendar folder counts the calendar's VEVENTs and VTODOs together.
  const calendarAndTasks = counts.Calendar + counts.Tasks;
  const known: Record<string, Deviation> = {
    Provision: {
      result: 'not supported',
      reason: 'OPTIONS omits Provision from MS-ASProtocolCommands (SOGo answers it anyway, with Policy Status 2)',
      detail: 'OPTIONS does not list Provision',
    },
    Autodiscover: {
      result: 'not supported',
      reason: 'no Autodiscover service: the URL serves the SOGo login page',
      detail: `an HTML page (text/html; charset=utf-8) at ${SOGO_URL}/autodiscover/autodiscover.xml, not an Autodiscover answer`,
    },
    'Email: GetItemEstimate': {
      result: 'fail',
      reason: "the estimate counts IMAP changes since the key's MODSEQ (every mail the folder ever had), not the mails to sync",
      detail: new RegExp(`^estimate (\\d+) right after priming, but the initial Sync then brought ${inbox} items$`),
    },
    'Calendar: GetItemEstimate': {
      result: 'fail',
      reason: "the estimate counts the calendar's VEVENTs and VTODOs together",
      detail: `estimate ${calendarAndTasks} right after priming, but the initial Sync then brought ${counts.Calendar} items`,
    },
    'Tasks: GetItemEstimate': {
      result: 'fail',
      reason: 'the same count of VEVENTs and VTODOs, in the Tasks folder',
      detail: `estimate ${calendarAndTasks} right after priming, but the initial Sync then brought ${counts.Tasks} items`,
    },
    'Email: add/change/delete': {
      result: 'fail',
      reason: 'DeletesAsMoves 0 is ignored: a deleted mail goes to Trash (MS-ASCMD 2.2.3.43 says the deletion is permanent)',
      detail: 'deleted with DeletesAsMoves 0, which is permanent, but the mail went to Trash',
    },
    ResolveRecipients: {
      result: 'fail',
      reason: 'HTTP 200 with an empty body instead of a ResolveRecipients response (MS-ASCMD 2.2.1.15)',
      detail: 'malformed response: ResolveRecipients: empty response body',
    },
  };
  if (version === '14.1') return known;
  return {
    ...known,
    SmartReply: {
      result: 'fail',
      reason: 'at 12.1 (plain query) SOGo decodes the CollectionId once too often: mail%252F<guid> gets HTTP 500',
      detail: 'HTTP 500: SmartForward not-implemented on non-mail folders.',
    },
  };
}

const runIdOf = (files: readonly string[], trace: Record<string, string>): string | undefined => {
  const meta = files
    .filter((f) => f.endsWith('.json'))
    .map((f) => trace[f] ?? '')
    .find((t) => t.includes('DeviceId=EasProbe'));
  return /DeviceId=EasProbe([0-9a-f]{8})/.exec(meta ?? '')?.[1];
};

describe('eas probe against SOGo (live)', () => {
  let counts: UserCounts;

  beforeAll(async () => {
    // The details quote the seed's counts: undo what earlier files left in alice's folders.
    await reseed();
    counts = countsOf(ALICE);
  });
  afterAll(removeTempDirs);

  it.each(VERSIONS)(
    "%s: every case passes but SOGo's known deviations; exit 1 exactly because some fail",
    async (version) => {
      const dir = tempDir(`probe-${version}`);
      const [json, trace] = [join(dir, 'report.json'), join(dir, 'trace')];
      const run = await probe(version, json, trace);
      const report = JSON.parse(await readFile(json, 'utf8')) as ProbeReport;
      expect(report.version).toBe(version);
      expect(report.server).toBe(`${SOGO_URL}/Microsoft-Server-ActiveSync`);

      const known = deviations(version, counts);
      const notPassed = Object.fromEntries(
        report.cases.filter((c) => c.result !== 'pass').map((c) => [c.name, { result: c.result, detail: c.detail }]),
      );
      const expected = Object.fromEntries(
        Object.entries(known).map(([name, d]) => [
          name,
          { result: d.result, detail: typeof d.detail === 'string' ? d.detail : expect.stringMatching(d.detail) },
        ]),
      );
      const reasons = Object.entries(known)
        .map(([name, d]) => `${name}: ${d.reason}`)
        .join('; ');
      expect(notPassed, `SOGo's known deviations: ${reasons}`).toEqual(expected);
      const mailEstimate = Number(/^estimate (\d+)/.exec(notPassed['Email: GetItemEstimate']?.detail ?? '')?.[1]);
      expect(mailEstimate).toBeGreaterThan(counts.folders['INBOX']?.messages ?? 0);

      // The exit code says whether any case failed (a "not supported" alone would exit 0).
      const failed = report.cases.filter((c) => c.result === 'fail').map((c) => c.name);
      expect(failed.length > 0).toBe(true);
      expect(run.code).toBe(failed.length > 0 ? 1 : 0);
      expect(run.stderr).toBe(
        `eas probe: ${failed.length} of ${report.cases.length} cases failed against ${report.server}: ${failed.join(', ')}\n`,
      );
      const s = report.summary;
      expect(run.stdout).toContain(`${s.pass} pass, ${s.fail} fail, ${s.notSupported} not supported, 0 skipped (${s.total} cases)`);

      // --trace: every exchange decoded, no credentials in it.
      const files = (await readdir(trace)).sort();
      expect(files[0]).toBe('0001-OPTIONS.json');
      const texts = Object.fromEntries(await Promise.all(files.map(async (f) => [f, await readFile(join(trace, f), 'utf8')] as const)));
      expect(files.some((f) => f.endsWith('-Sync.response.xml'))).toBe(true);
      const everything = Object.values(texts).join('\n');
      expect(everything).not.toContain(btoa(`${ALICE.login}:${ALICE.password}`));
      expect(everything).not.toContain(ALICE.password);

      // The Cleanup case left none of the run's mails behind.
      const runId = runIdOf(files, texts);
      expect(runId).toMatch(/^[0-9a-f]{8}$/);
      for (const mailbox of ['INBOX', 'Sent', 'Trash']) {
        expect(await countBySubject(ALICE, mailbox, `eas-probe-${runId}`), mailbox).toBe(0);
      }
    },
    180_000,
  );
});
