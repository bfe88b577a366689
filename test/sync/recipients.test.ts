/**
 * Recipients beyond the store: free/busy of attendees with ResolveRecipients
 * Availability (MS-ASCMD 2.2.1.15), and the recent recipients remembered with every
 * mail queued (kept in the store, gone with the account).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { FolderType, requireFolderOfType } from '../../mocks/model.ts';
import { textOf } from '../../src/wbxml/tree.ts';
import { recentKey } from '../../src/store/recents.ts';
import { alice, engineFor, journaledStore, mockServer, pinVersion } from './support.ts';

const DATA = { data: { mails: 4, contacts: 0, events: 12, tasks: 0, notes: 0, gal: 10 } } as const;
const WITH_CONTACTS = { data: { ...DATA.data, contacts: 5 } } as const;
const HALF_HOUR = 1_800_000;
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

async function setup(version?: string, data: typeof DATA | typeof WITH_CONTACTS = DATA) {
  const server = mockServer(data);
  const { store } = await journaledStore();
  const commands: string[] = [];
  const handle = version ? pinVersion(server.handle, version) : server.handle;
  const h = engineFor(store, async (r) => {
    commands.push(new URL(r.url).searchParams.get('Cmd') ?? r.method);
    return handle(r);
  });
  const account = await h.engine.addAccount(alice);
  commands.length = 0;
  return { server, store, commands, ...h, accountId: account.id };
}

/** One of Bob's busy, timed events on the server. */
function bobsBusyEvent(server: ReturnType<typeof mockServer>): { start: number; end: number } {
  const cal = requireFolderOfType(server.mock.world.mailboxes.get('bob')!, FolderType.Calendar).store;
  for (const item of cal.items.values()) {
    if (item.data.kind !== 'pim') continue;
    const prop = (n: string) =>
      textOf(item.data.kind === 'pim' ? item.data.props.find((p) => p.ns === 'Calendar' && p.name === n) : undefined);
    if (prop('BusyStatus') !== '2' || prop('AllDayEvent') === '1' || prop('Recurrence') !== '') continue;
    const date = (s: string) => Date.parse(s.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    return { start: date(prop('StartTime')), end: date(prop('EndTime')) };
  }
  throw new Error('bob has no busy event');
}

describe('free/busy', () => {
  it("a colleague's busy time reads busy, a free morning free; someone the server knows nothing of, no data", async () => {
    const { server, engine, accountId, commands } = await setup();
    const ev = bobsBusyEvent(server);
    const [bob, stranger] = await engine.freeBusy(
      accountId,
      ['bob@example.test', 'nobody@elsewhere.example'],
      new Date(ev.start),
      new Date(ev.end),
    );
    expect(commands).toEqual(['ResolveRecipients']);
    const slots = Math.ceil((ev.end - ev.start) / HALF_HOUR);
    expect(bob?.email).toBe('bob@example.test');
    expect(bob?.mergedFreeBusy).toHaveLength(slots);
    expect([...(bob?.mergedFreeBusy ?? '')].every((d) => d >= '2' && d <= '3')).toBe(true);
    // Not resolved (Status 4): nothing said about them.
    expect(stranger).toEqual({ email: 'nobody@elsewhere.example', mergedFreeBusy: undefined });

    const longAgo = Date.UTC(2001, 0, 1, 9);
    const [free] = await engine.freeBusy(accountId, ['bob@example.test'], new Date(longAgo), new Date(longAgo + 2 * HALF_HOUR));
    expect(free?.mergedFreeBusy).toBe('00');
  });

  it('12.1 has no Availability: nothing asked, nothing said', async () => {
    const { engine, accountId, commands } = await setup('12.1');
    expect(
      await engine.freeBusy(accountId, ['bob@example.test'], new Date(Date.UTC(2026, 4, 15, 9)), new Date(Date.UTC(2026, 4, 15, 10))),
    ).toEqual([{ email: 'bob@example.test' }]);
    expect(commands).toEqual([]);
  });
});

describe('recent recipients', () => {
  it('every queued mail remembers its recipients, newest first, in the store; removing the account forgets them', async () => {
    const { store, engine, accountId } = await setup();
    const base = { accountId, cc: [], subject: 'Hi', text: 'Hi', attachments: [] };
    await engine.queueMail({ ...base, to: [{ name: 'Bob Example', email: 'bob@example.test' }], bcc: [{ email: 'carol@example.test' }] });
    await engine.queueMail({ ...base, to: [{ email: 'borislav.petrov@example.test' }, { email: 'BOB@example.test' }], bcc: [] });
    const kept = (await store.db.get('meta', recentKey(accountId)))?.value as { email: string; name?: string; count: number }[];
    expect(kept.map((r) => [r.email, r.name, r.count])).toEqual([
      ['borislav.petrov@example.test', undefined, 1],
      ['BOB@example.test', 'Bob Example', 2],
      ['carol@example.test', undefined, 1],
    ]);
    await engine.removeAccount(accountId);
    expect(await store.db.get('meta', recentKey(accountId))).toBeUndefined();
  });
});

describe('photos', () => {
  it("14.1: the directory sends Bob's photo (PNG) and says Borislav has none; 14.0 asks for none", async () => {
    const { engine, accountId } = await setup();
    const { entries } = await engine.searchGal(accountId, 'bo');
    const bob = entries.find((e) => e.emailAddress === 'bob@example.test');
    expect(bob?.picture?.status).toBe(1);
    expect([...(bob?.picture?.data ?? new Uint8Array()).subarray(0, 8)]).toEqual(PNG);
    expect(entries.find((e) => e.emailAddress === 'borislav.novak@example.test')?.picture).toEqual({ status: 173, data: undefined });
    const old = await setup('14.0');
    expect((await old.engine.searchGal(old.accountId, 'bo')).entries.every((e) => e.picture === undefined)).toBe(true);
  });

  it("a contact's own photo (Contacts:Picture) is kept in the store with the contact", async () => {
    const { store, engine, accountId } = await setup(undefined, WITH_CONTACTS);
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    const contacts = (await store.db.getAll('items')).filter((i) => i.class === 'Contacts');
    const picture = (email: string) =>
      (contacts.find((i) => (i.data as { email1Address?: string }).email1Address === email)?.data as { picture?: string } | undefined)
        ?.picture;
    expect([...Uint8Array.from(atob(picture('bob@example.test') ?? ''), (c) => c.charCodeAt(0)).subarray(0, 8)]).toEqual(PNG);
    expect(picture('carol@example.test')).toBeUndefined();
    expect(contacts).toHaveLength(5 + 6);
  });
});
