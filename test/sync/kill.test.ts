/**
 * Kill-anywhere: the initial sync of 2,000 items of each class, killed at random
 * points (requests lost, answers lost, write sets lost or journaled but not
 * applied) until 200 kills have happened; after each kill the store is rebuilt
 * from the journal and a new engine goes on. In the end the store equals the
 * server's mailbox: nothing lost, nothing twice, counts right, queue empty, and every
 * item field by field (the content oracle, on the last device: 8,000 items are too
 * many to dump after each of the ~300 lives or each of the ~20 devices in the time
 * this test has; the server does not change here).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { generateItems } from '../../mocks/data.ts';
import { FolderType, requireFolderOfType } from '../../mocks/model.ts';
import { rng } from '../../mocks/random.ts';
import type { Store } from '../../src/store/db.ts';
import { compareDumps, countFields, describeDifference, dumpStore, type DumpLine } from '../../src/sync/dump.ts';
import { serverDump } from '../support/oracle.ts';
import { Machine } from './machine.ts';
import { alice, diffViews, localView, mockServer, serverView } from './support.ts';

const ITEMS = 2_000;
const KILLS = 200;

/** The content oracle: the store against the server's view, every item, every field. */
async function sameContent(store: Store, accountId: string, server: readonly DumpLine[]): Promise<number> {
  const local = await dumpStore(store, accountId);
  const [first] = compareDumps(local, server);
  if (first) throw new Error(`content after the initial sync: ${describeDifference(first)}`);
  return countFields(local);
}

async function countsRight(store: Store): Promise<string[]> {
  const bad: string[] = [];
  const items = await store.db.getAll('items');
  for (const f of await store.db.getAll('folders')) {
    const mine = items.filter((i) => i.folderId === f.serverId && i.accountId === f.accountId);
    const unread = mine.filter((i) => i.read === 0).length;
    if (f.count !== mine.length || f.unread !== unread)
      bad.push(`${f.displayName}: count ${f.count}/${mine.length}, unread ${f.unread}/${unread}`);
  }
  return bad;
}

describe('kill anywhere', () => {
  it(`finishes the initial sync of ${ITEMS} items per class through ${KILLS} random kills: 0 lost, 0 duplicated`, async () => {
    const server = mockServer({ data: { mails: 0, contacts: 0, events: 0, tasks: 0, notes: 0, gal: 0 } });
    const world = server.mock.world;
    const mb = world.mailboxes.get('alice')!;
    for (const type of [FolderType.Inbox, FolderType.Contacts, FolderType.Calendar, FolderType.Tasks]) {
      generateItems(world, mb, requireFolderOfType(mb, type).store, ITEMS, type);
    }
    let compared = 0;
    let items = 0;
    const random = rng(20260515);
    let kills = 0;
    let devices = 0;
    let lives = 0;
    const started = Date.now();
    while (kills < KILLS) {
      devices += 1;
      const machine = new Machine(server.handle, random);
      for (let done = false; !done; ) {
        lives += 1;
        const h = await machine.boot(kills < KILLS ? random.int(1, 14) : undefined);
        try {
          const account = (await h.engine.accounts())[0] ?? (await h.engine.addAccount(alice));
          const report = await h.engine.syncAccount(account.id);
          done = report.ok && !machine.dead;
          if (!machine.dead) expect(report).toMatchObject({ ok: true, folderErrors: [] });
        } catch (e) {
          if (!machine.dead) throw e;
        }
        if (machine.dead) kills += 1;
      }
      const store = machine.store!;
      const [account] = await store.db.getAll('accounts');
      expect(diffViews(serverView(server), await localView(store, account!.id))).toEqual([]);
      if (kills >= KILLS) {
        const view = await serverDump(server.handle, alice);
        items = view.length;
        compared = await sameContent(store, account!.id, view);
      }
      expect(await countsRight(store)).toEqual([]);
      expect(await store.db.getAll('pending')).toEqual([]);
      const total = (await store.db.getAll('items')).length;
      const onServer = [...serverView(server).values()].reduce((n, ids) => n + ids.size, 0);
      expect(total).toBe(onServer);
      expect(onServer).toBeGreaterThanOrEqual(4 * ITEMS);
    }
    console.log(
      `kill-anywhere: ${kills} kills over ${devices} initial syncs (${lives} process lives); content oracle on the last device: ` +
        `${items} items, ${compared} fields compared, 0 differences; ${Date.now() - started} ms`,
    );
  }, 300_000);
});
