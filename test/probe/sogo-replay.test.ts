/**
 * Real SOGo 5.8 runs (14.1 and 12.1, --window 3), recorded once with
 * `eas probe --trace` against test/peers/sogo and replayed by mocks/replay.ts:
 * SOGo's deviations from MS-ASCMD stay under test without SOGo. To record
 * again, bring the peer up and seeded, then for V in 14.1 12.1:
 *   PW=bobpass npm run -s eas -- probe --url http://127.0.0.1:20000/SOGo --user bob \
 *     --password-env PW --version $V --window 3 --trace test/probe/fixtures/sogo-$V \
 *     --json test/probe/fixtures/sogo-$V.report.json
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReplay, loadTrace } from '../../mocks/replay.ts';
import { runProbe } from '../../src/probe/probe.ts';
import type { ProbeReport } from '../../src/probe/report.ts';
import { FAST } from './helpers.ts';

const fixture = (version: string): string => join(import.meta.dirname, 'fixtures', `sogo-${version}`);

async function recorded(version: '14.1' | '12.1'): Promise<ProbeReport> {
  return JSON.parse(await readFile(`${fixture(version)}.report.json`, 'utf8')) as ProbeReport;
}

async function replayed(
  version: '14.1' | '12.1',
): Promise<{ report: ProbeReport; unmatched: readonly string[]; remaining: Record<string, number> }> {
  const entries = await loadTrace(fixture(version));
  // The run id is in the DeviceId of every POST (EasProbe<runId>).
  const runId = /DeviceId=EasProbe([0-9a-f]{8})/.exec(entries.find((e) => e.meta.method === 'POST')?.meta.url ?? '')?.[1];
  const replay = createReplay(entries);
  const report = await runProbe({
    url: 'http://127.0.0.1:20000/SOGo',
    user: 'bob',
    password: 'bobpass',
    version,
    windowSize: 3,
    transport: replay.handle,
    runId,
    timing: FAST,
  });
  return { report, unmatched: replay.unmatched, remaining: replay.remaining() };
}

const results = (r: ProbeReport): string[][] => r.cases.map((c) => [c.name, c.result]);
const details = (r: ProbeReport): Record<string, string> =>
  Object.fromEntries(r.cases.filter((c) => c.result !== 'pass').map((c) => [c.name, c.detail]));

/** Where SOGo departs from the specification, at both versions. */
const DEVIATIONS = {
  // OPTIONS does not list Provision (SOGo answers it all the same, with Policy Status 2).
  Provision: 'OPTIONS does not list Provision',
  // The URL serves SOGo's login page.
  Autodiscover:
    'an HTML page (text/html; charset=utf-8) at http://127.0.0.1:20000/SOGo/autodiscover/autodiscover.xml, not an Autodiscover answer',
  // The mail estimate counts IMAP changes since the key's MODSEQ (every mail the folder ever had), not the mails to sync...
  'Email: GetItemEstimate': expect.stringMatching(/^estimate \d{3} right after priming, but the initial Sync then brought 7 items$/),
  // ...and a calendar's VEVENTs and VTODOs together, in both the Calendar and the Tasks folder.
  'Calendar: GetItemEstimate': 'estimate 3 right after priming, but the initial Sync then brought 2 items',
  'Tasks: GetItemEstimate': 'estimate 3 right after priming, but the initial Sync then brought 1 items',
  // DeletesAsMoves 0 is ignored (MS-ASCMD 2.2.3.43: the deletion is permanent).
  'Email: add/change/delete': 'deleted with DeletesAsMoves 0, which is permanent, but the mail went to Trash',
  // HTTP 200 with an empty body instead of a ResolveRecipients response (MS-ASCMD 2.2.1.15).
  ResolveRecipients: 'malformed response: ResolveRecipients: empty response body',
};

describe('SOGo 5.8, recorded', () => {
  it.each(['14.1', '12.1'] as const)(
    '%s: the replay gives the verdicts of the real run, from the recorded answers only',
    async (version) => {
      const [real, again] = [await recorded(version), await replayed(version)];
      expect(results(again.report)).toEqual(results(real));
      expect(again.unmatched).toEqual([]);
      expect(again.remaining).toEqual({});
    },
  );

  it('14.1: seven deviations', async () => {
    const { report } = await replayed('14.1');
    expect(details(report)).toEqual(DEVIATIONS);
  });

  it('12.1: the same, and SmartReply fails on a correctly encoded CollectionId', async () => {
    const { report } = await replayed('12.1');
    // The Inbox's ServerId "mail%2F..." is sent as CollectionId=mail%252F... (RFC 3986); SOGo does
    // not take the value percent-decoded and answers 500. The base64 query form would avoid it.
    expect(details(report)).toEqual({ ...DEVIATIONS, SmartReply: 'HTTP 500: SmartForward not-implemented on non-mail folders.' });
    const entries = await loadTrace(fixture('12.1'));
    expect(entries.find((e) => e.meta.cmd === 'SmartReply')?.meta.url).toMatch(/&CollectionId=mail%252F[0-9a-f]+$/);
  });
});
