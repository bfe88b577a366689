/**
 * `eas sync` against SOGo: what the client holds after a full sync is what the servers behind
 * SOGo hold, class by class and folder by folder (IMAP STATUS, CalDAV, CardDAV counts taken by
 * seed.sh right after seeding). 14.1 through the real CLI process; 12.1 through the same
 * command in-process with the OPTIONS answer narrowed to 12.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncCommand } from '../../src/cli/sync.ts';
import { pinnedTransport } from './support/client.ts';
import { ALICE, BOB, countsOf, reseed } from './support/peer.ts';
import { expectSummaryMatches, readSummary, removeTempDirs, runSyncCli, syncArgs, tempDir } from './support/summary.ts';

describe("eas sync totals equal the servers' own counts", () => {
  beforeAll(async () => {
    await reseed();
  });
  afterAll(removeTempDirs);

  it.each([ALICE, BOB])('EAS 14.1, the CLI process, $login: every class and every folder', async (user) => {
    const dir = tempDir(`counts-${user.login}`);
    await runSyncCli(user, `${dir}/state`, `${dir}/out`);
    const summary = readSummary(`${dir}/out`);
    expect(summary.version).toBe('14.1');
    expectSummaryMatches(summary, countsOf(user));
  });

  it('EAS 12.1, alice: every class and every folder', async () => {
    const dir = tempDir('counts-12.1');
    process.env['EAS_INTEROP_PASSWORD'] = ALICE.password;
    await syncCommand(syncArgs(ALICE, `${dir}/state`, `${dir}/out`), { transport: pinnedTransport('12.1') });
    const summary = readSummary(`${dir}/out`);
    expect(summary.version).toBe('12.1');
    expectSummaryMatches(summary, countsOf(ALICE));
  });

  it("FilterType 5 (one month) on mail gives IMAP SEARCH SINCE's count per folder", async () => {
    const dir = tempDir('counts-filter');
    await runSyncCli(ALICE, `${dir}/state`, `${dir}/out`, ['--filter', 'Email=5']);
    const summary = readSummary(`${dir}/out`);
    const counts = countsOf(ALICE);
    const want = Object.fromEntries(Object.entries(counts.folders).map(([name, f]) => [name.split('/').pop(), f.since['5']]));
    const got = Object.fromEntries(summary.folders.filter((f) => f.class === 'Email').map((f) => [f.name, f.count]));
    expect(got).toEqual(want);
    expect(summary.totals.Email).toBeLessThan(counts.Email); // the window really filters
    expect(summary.totals.Calendar).toBe(counts.Calendar);
  });
});
