/**
 * A server Change of a mail that carries only its new state (Read, Flag), as Horde_ActiveSync
 * (and Exchange) send when another client flags or reads a mail: the stored mail keeps its
 * subject, sender, date and body. Before, the Change replaced the whole stored mail.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { FolderType, removeItem, requireFolderOfType, type Mailbox } from '../../mocks/model.ts';
import type { Email } from '../../src/eas/items/email.ts';
import { decodeEas, easFromXml, encodeEas } from '../../src/eas/wbxml.ts';
import { folderRange } from '../../src/store/db.ts';
import { el, kid, kids, textAt, type El } from '../../src/wbxml/tree.ts';
import { alice, engineFor, journaledStore, mockServer } from './support.ts';

/** Horde_ActiveSync 2.41.9's Change for a mail flagged and read in another client (its protocol log). */
const hordeChange = (serverId: string): El =>
  easFromXml(`<Sync xmlns="AirSync" xmlns:email="Email"><Collections><Collection><Commands><Change>
    <ServerId>${serverId}</ServerId>
    <ApplicationData><email:Read>1</email:Read><email:Flag><email:Status>2</email:Status><email:FlagType>for Follow Up</email:FlagType></email:Flag></ApplicationData>
  </Change></Commands></Collection></Collections></Sync>`);

describe("a server Change with only a mail's new state", () => {
  it('sets Read and Flag on the stored mail and keeps everything else', async () => {
    const server = mockServer();
    let inject: { folderId: string; serverId: string } | undefined;
    const { store } = await journaledStore();
    const h = engineFor(store, async (r) => {
      const res = await server.handle(r);
      if (!inject || !r.url.includes('Cmd=Sync') || res.status !== 200) return res;
      const bytes = new Uint8Array(await res.arrayBuffer());
      const tree = decodeEas(bytes);
      const target = inject;
      inject = undefined;
      const change = kid(
        kid(kid(kid(hordeChange(target.serverId), 'Collections') as El, 'Collection') as El, 'Commands') as El,
        'Change',
      ) as El;
      for (const c of kids(kid(tree, 'Collections') as El, 'Collection')) {
        if (textAt(c, 'CollectionId') !== target.folderId) continue;
        const commands = kid(c, 'Commands') ?? el('AirSync', 'Commands');
        if (!kid(c, 'Commands')) c.children.push(commands);
        commands.children.push(change);
      }
      return new Response(encodeEas(tree).slice(), { status: 200, headers: res.headers });
    });
    const account = await h.engine.addAccount(alice);
    expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const inboxStore = requireFolderOfType(server.mock.world.mailboxes.get('alice') as Mailbox, FolderType.Inbox).store;
    const inbox = inboxStore.id;
    const all = await store.db.getAll('items', folderRange(account.id, inbox));
    const before = all.find((i) => (i.data as Email).read === false && (i.data as Email).subject) ?? all[0];
    expect(before).toBeDefined();
    const was = before?.data as Email;

    // Another change in the Inbox, so that the mock's answer has a Commands to carry the Change.
    const other = all.find((i) => i !== before) as (typeof all)[number];
    removeItem(server.mock.world, inboxStore, other.serverId);
    inject = { folderId: inbox, serverId: before?.serverId as string };
    expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true, folderErrors: [] });
    expect(inject).toBeUndefined();
    const after = (await store.db.get('items', [account.id, inbox, before?.serverId as string]))?.data as Email;
    expect(after.read).toBe(true);
    expect(after.flag).toEqual({ status: 2, flagType: 'for Follow Up' });
    expect(after.subject).toBe(was.subject);
    expect(after.from).toEqual(was.from);
    expect(after.to).toEqual(was.to);
    expect(after.dateReceived).toEqual(was.dateReceived);
    expect(after.body).toEqual(was.body);
  });
});
