/**
 * A full resync (the phones' way out of "Server Error": every SyncKey back to 0, everything
 * downloaded again) changes nothing against a real server: the same ServerIds with the same
 * content in every folder, the servers' own counts, no duplicates, the folders' counters right.
 * And a second `eas sync` run on the same state (incremental) leaves summary.json as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarItem } from '../../src/eas/items/calendar.ts';
import type { SyncClass } from '../../src/store/schema.ts';
import { close, connectClient, folders, items, syncAll, type PeerClient } from './support/client.ts';
import { ALICE, VERSIONS, countsOf, reseed } from './support/peer.ts';
import { expectSummaryMatches, readSummary, removeTempDirs, runSyncCli, tempDir } from './support/summary.ts';

type Snapshot = Record<string, Record<string, string>>;

/**
 * The item's content as JSON, with the transition dates of a Timezone blob that has no
 * daylight saving dropped: StandardDate.wMonth 0 means "no daylight saving time" and the rest
 * of both dates is then unused (MS-ASDTYPE 2.7.6), and SOGo 5.8 fills it with whatever was in
 * memory (a UTC or all-day event comes back with another StandardDate.wHour on every download).
 */
function content(data: unknown): string {
  return JSON.stringify(data, (key, value: unknown) => {
    if (key !== 'timezone' || typeof value !== 'object' || value === null) return value;
    const blob = value as { standardDate?: { month?: number } };
    if (blob.standardDate?.month !== 0) return value;
    const { standardDate: _s, daylightDate: _d, ...rest } = value as Record<string, unknown>;
    return rest;
  });
}

/** Folder -> ServerId -> the stored record's content, for the four synced classes. */
async function snapshot(c: PeerClient): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const f of await folders(c)) {
    if (!f.class || !['Email', 'Calendar', 'Contacts', 'Tasks'].includes(f.class)) continue;
    out[`${f.displayName} (${f.serverId})`] = Object.fromEntries((await items(c, f.serverId)).map((i) => [i.serverId, content(i.data)]));
  }
  return out;
}

async function totals(c: PeerClient): Promise<Record<SyncClass, number>> {
  const sum: Record<SyncClass, number> = { Email: 0, Calendar: 0, Contacts: 0, Tasks: 0 };
  for (const f of await folders(c)) {
    if (f.class && f.class in sum) sum[f.class as SyncClass] += (await items(c, f.serverId)).length;
  }
  return sum;
}

/** Each folder's stored counter equals the items it holds. */
async function expectFolderCounters(c: PeerClient): Promise<void> {
  for (const f of await folders(c)) {
    if (f.class && ['Email', 'Calendar', 'Contacts', 'Tasks'].includes(f.class)) {
      expect(f.count, `${f.displayName} counter`).toBe((await items(c, f.serverId)).length);
    }
  }
}

describe('a full resync changes nothing', () => {
  beforeAll(async () => {
    await reseed();
  });
  afterAll(removeTempDirs);

  describe.each(VERSIONS)('the engine, EAS %s', (version) => {
    let c: PeerClient | undefined;
    afterAll(() => c && close(c));

    it("same items with the same content, the servers' counts, no duplicates", async () => {
      c = await connectClient(ALICE, version);
      await syncAll(c);
      const expected = countsOf(ALICE);
      const want = { Email: expected.Email, Calendar: expected.Calendar, Contacts: expected.Contacts, Tasks: expected.Tasks };
      expect(await totals(c)).toEqual(want);
      const before = await snapshot(c);

      const report = await c.engine.fullResync(c.accountId);
      expect(report).toMatchObject({ ok: true, folderErrors: [] });
      expect(await snapshot(c)).toEqual(before);
      expect(await totals(c)).toEqual(want);
      await expectFolderCounters(c);

      const calendars = (await folders(c)).filter((f) => f.class === 'Calendar');
      const uids = (await Promise.all(calendars.map((f) => items(c as PeerClient, f.serverId))))
        .flat()
        .map((i) => (i.data as CalendarItem).uid);
      expect(new Set(uids).size, 'one event per UID').toBe(uids.length);
    });
  });

  it('eas sync run again on the same state: summary.json unchanged', async () => {
    const dir = tempDir('resync-cli');
    await runSyncCli(ALICE, `${dir}/state`, `${dir}/out1`);
    await runSyncCli(ALICE, `${dir}/state`, `${dir}/out2`);
    const first = readSummary(`${dir}/out1`);
    expect(readSummary(`${dir}/out2`)).toEqual(first);
    expectSummaryMatches(first, countsOf(ALICE));
  });
});
