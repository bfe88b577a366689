/**
 * A full resync against Horde, which gives every folder a new ServerId on each FolderSync with
 * SyncKey 0 (F… for mail, A…/C…/T… for calendar, contacts, tasks): the engine must carry its
 * folders, their items and the edits still queued in them over to the new ids, losing and
 * duplicating nothing, and the queued edits must still reach the server afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dav } from '../../peers/sogo/seed/dav.ts';
import { quote } from '../../peers/sogo/seed/imap.ts';
import type { Contact } from '../../../src/eas/items/contact.ts';
import type { Email } from '../../../src/eas/items/email.ts';
import type { Task } from '../../../src/eas/items/task.ts';
import type { ItemRecord } from '../../../src/store/schema.ts';
import { close, connectClient, folderNamed, folderOfType, folders, items, syncAll, type HordeClient } from './support/client.ts';
import { ALICE, HORDE_URL, countsOf, reseed, unique, withImap, type HordeVersion } from './support/peer.ts';

/** What the user sees of an item: a mail's subject with its read and flag state; a contact's name and title; a task's subject. */
function view(i: ItemRecord): string {
  if (i.class === 'Email') {
    const m = i.data as Email;
    return `${m.subject} [${m.read ? 'read' : 'unread'}${m.flag?.status === 2 ? ', flagged' : ''}]`;
  }
  if (i.class === 'Contacts') {
    const c = i.data as Contact;
    return `${c.fileAs ?? c.lastName} (${c.jobTitle ?? ''})`;
  }
  return (i.data as Task).subject ?? '?';
}

/** Folder name -> the sorted views of its items (duplicates would show twice). */
async function snapshot(c: HordeClient, skip: readonly string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const f of await folders(c)) {
    if (!f.class || skip.includes(f.displayName)) continue;
    out[f.displayName] = (await items(c, f.serverId)).map(view).sort();
  }
  return out;
}

async function imapFlags(subject: string): Promise<string> {
  return withImap(ALICE, async (imap) => {
    await imap.run('EXAMINE INBOX');
    const r = await imap.run(`FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])`);
    return r.untagged.find((l) => l.includes(`Subject: ${subject}`))?.match(/FLAGS \(([^)]*)\)/)?.[1] ?? '';
  });
}

describe.each(['16.0', '14.1'] as const)('a full resync against Horde, EAS %s', (version: HordeVersion) => {
  let c: HordeClient;
  beforeAll(async () => {
    await reseed();
  });
  afterAll(() => c && close(c));

  it('moves every folder, item and queued edit to the new folder ids: nothing lost, nothing twice, the edits sent', async () => {
    c = await connectClient(ALICE, version);
    await syncAll(c);
    // At 16.0 alice's Calendar cannot be read (sync.test.ts: Kronolith's 16.0 exceptions), and a
    // Sync request that carries it gets a broken answer for every folder in it: Horde then takes
    // the repeated Contacts Change for a duplicate, calls it a conflict, and fails again while
    // reporting that (a TypeError in its modifyFailures). Calendar off, as a user would.
    const skip = version === '16.0' ? ['Calendar'] : [];
    if (version === '16.0') await c.engine.setClassEnabled(c.accountId, 'Calendar', false);
    const idsBefore = new Map((await folders(c)).map((f) => [f.displayName, f.serverId]));

    const inbox = await folderOfType(c, 2);
    const mails = await items(c, inbox.serverId);
    const bySubject = (s: string): ItemRecord => mails.find((i) => (i.data as Email).subject === s) as ItemRecord;
    await c.engine.setFlag(c.accountId, bySubject('Invoice 2026-017').id, { status: 2, flagType: 'for Follow Up' });
    await c.engine.markRead(c.accountId, bySubject('Welcome to the EAS test peer').id, true);
    const contacts = await folderOfType(c, 9);
    const carol = (await items(c, contacts.serverId)).find((i) => (i.data as Contact).lastName === 'Customer') as ItemRecord;
    await c.engine.updateItem(c.accountId, carol.id, { ...(carol.data as Contact), jobTitle: 'Chief Purchasing Officer' });
    const tasks = await folderOfType(c, 7);
    const taskSubject = unique('Horde resync task');
    await c.engine.addItem(c.accountId, tasks.serverId, { subject: taskSubject, complete: false, importance: 1 } satisfies Task);
    const expected = await snapshot(c, skip);
    expect(expected['Inbox']).toContain('Invoice 2026-017 [read, flagged]');
    expect(expected['Contacts']).toContain('Carol Customer (Chief Purchasing Officer)');
    expect(expected['Tasks']).toContain(taskSubject);

    const report = await c.engine.fullResync(c.accountId);
    expect(report.ok).toBe(true);
    const names = new Map((await folders(c)).map((f) => [f.serverId, f.displayName]));
    expect(report.folderErrors.map((e) => `${names.get(e.folderId) ?? e.folderId}: ${e.message}`)).toEqual([]);

    // Horde renamed every mail and PIM folder; each name is there once, under its new id.
    const after = await folders(c);
    expect(after.map((f) => f.displayName).sort()).toEqual([...idsBefore.keys()].sort());
    for (const f of after) {
      if (/^[FACTN][0-9a-f]{8}$/.test(idsBefore.get(f.displayName) ?? ''))
        expect(f.serverId, f.displayName).not.toBe(idsBefore.get(f.displayName));
    }
    expect(await snapshot(c, skip)).toEqual(expected);
    const counts = countsOf(ALICE);
    expect((await items(c, (await folderNamed(c, 'Archive')).serverId)).length).toBe(counts.folders['Archive']?.messages);

    // The queued edits reached Horde, each once.
    expect((await imapFlags('Invoice 2026-017')).split(' ').sort()).toEqual(['\\Flagged', '\\Seen']);
    expect(await imapFlags('Welcome to the EAS test peer')).toContain('\\Seen');
    const dav = new Dav(HORDE_URL, ALICE.login, ALICE.password);
    const lists = await dav.members(`/horde/rpc.php/calendars/${ALICE.login}/`);
    const list = lists.find((h) => /\/tasks~[^/]+\/$/.test(h)) as string;
    const vtodos = await Promise.all(
      (await dav.members(list)).map(async (h) =>
        (await fetch(new URL(h, HORDE_URL), { headers: { Authorization: `Basic ${btoa(`${ALICE.login}:${ALICE.password}`)}` } })).text(),
      ),
    );
    expect(vtodos.filter((t) => t.includes(taskSubject))).toHaveLength(1);
    await syncAll(c);
    expect(await snapshot(c, skip)).toEqual(expected);
    await withImap(ALICE, async (imap) => imap.run(`EXAMINE ${quote('INBOX')}`));
  });
});
