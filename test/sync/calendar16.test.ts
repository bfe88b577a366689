/**
 * 16.x Calendar Changes end to end: the engine sends only what changed, and the mock
 * keeps what the Change leaves out (MS-ASCAL 3.1.5.3), so nothing is lost on the server.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { FolderType, requireFolderOfType, type Item } from '../../mocks/model.ts';
import type { CalendarItem } from '../../src/eas/items/calendar.ts';
import { kid, textOf, type El } from '../../src/wbxml/tree.ts';
import { alice, engineFor, journaledStore, mockServer, pinVersion, itemIdOf } from './support.ts';

/** The server item's elements by name; a location in either namespace counts as Location. */
const props = (item: Item | undefined): Map<string, string> =>
  new Map(
    item?.data.kind === 'pim' ? item.data.props.map((p) => [p.name === 'Location' ? 'Location' : `${p.ns}:${p.name}`, value(p)]) : [],
  );
const value = (p: El): string =>
  p.name === 'Attendees' ? String(p.children.length) : p.name === 'Location' ? textOf(kid(p, 'DisplayName') ?? p) : textOf(p);

describe('16.1 calendar changes on the server', () => {
  it('an alarm-only change keeps every other element; a cleared field goes', async () => {
    const server = mockServer({ data: { mails: 0, contacts: 0, events: 12, tasks: 0, notes: 0, gal: 0 } });
    const { store } = await journaledStore();
    const { engine } = engineFor(store, pinVersion(server.handle, '16.1'));
    const account = await engine.addAccount(alice);
    await engine.syncAccount(account.id);
    const calendar = requireFolderOfType(server.mock.world.mailboxes.get('alice')!, FolderType.Calendar).store;
    const event = [...calendar.items.values()].find((i) => props(i).has('Calendar:Attendees') && props(i).has('Location'))!;
    const before = props(event);
    const record = (await store.db.get('items', [account.id, calendar.id, event.id]))!.data as CalendarItem;

    await engine.updateItem(account.id, await itemIdOf(store, account.id, calendar.id, event.id), { ...record, reminder: 42 });
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const after = props(calendar.items.get(event.id));
    expect(after.get('Calendar:Reminder')).toBe('42');
    for (const [key, value] of before) if (key !== 'Calendar:Reminder') expect([key, after.get(key)]).toEqual([key, value]);

    const fresh = (await store.db.get('items', [account.id, calendar.id, event.id]))!.data as CalendarItem;
    await engine.updateItem(account.id, await itemIdOf(store, account.id, calendar.id, event.id), {
      ...fresh,
      location: undefined,
      locationDetails: undefined,
    });
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const cleared = props(calendar.items.get(event.id));
    expect(cleared.has('Location')).toBe(false);
    expect(cleared.get('Calendar:Attendees')).toBe(before.get('Calendar:Attendees'));
    expect(cleared.get('Calendar:Subject')).toBe(before.get('Calendar:Subject'));
  });
});
