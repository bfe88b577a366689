/** Sync against the mock as a client drives it: initial sync with paging, changes both ways, SyncKey rules. */
import { describe, expect, it } from 'vitest';
import { mailContent } from '../../mocks/model.ts';
import { kid, kids, textAt, type El } from '../../src/wbxml/tree.ts';
import { A, B, TestClient, folderId, fullSync, testServer } from './helpers.ts';

const E = (name: string, ...c: (El | string)[]): El => ({ ns: 'Email', name, children: c });

async function ready(version = '14.1', user = 'alice'): Promise<{ c: TestClient; adds: El[]; s: ReturnType<typeof testServer> }> {
  const s = testServer();
  const c = new TestClient(s, { version, user });
  const fs = await c.folderSync();
  return { c, adds: fs.adds, s };
}

function commands(collection: El | undefined, name: string): El[] {
  return collection ? kids(kid(collection, 'Commands') ?? A('Commands'), name) : [];
}

describe('initial sync', () => {
  it.each(['12.1', '14.1', '16.1'])(
    'brings every item of every folder (Journal: none), paged exactly by WindowSize (%s)',
    async (version) => {
      const { c, adds, s } = await ready(version);
      const mailbox = s.mock.world.mailboxes.get('alice');
      for (const add of adds) {
        const id = textAt(add, 'ServerId') ?? '';
        const prefs = [B('BodyPreference', B('Type', 2), B('TruncationSize', 2000))];
        const r = await fullSync(c, id, 37, prefs);
        const store = mailbox?.folders.get(id)?.store;
        expect(r.ids.size, textAt(add, 'DisplayName')).toBe(store?.items.size);
        expect(r.rounds).toBe(Math.ceil((store?.items.size ?? 0) / 37)); // exact paging
      }
    },
  );
});

/** FolderSync, then a full sync of one folder; returns its id and the current key. */
async function synced(
  name: string,
  version = '14.1',
  options: El[] = [],
): Promise<{ c: TestClient; s: ReturnType<typeof testServer>; id: string; key: string; ids: Set<string> }> {
  const { c, adds, s } = await ready(version);
  const id = folderId(adds, name);
  const r = await fullSync(c, id, 512, options);
  return { c, s, id, key: r.key, ids: r.ids };
}

const collection = (key: string, id: string, ...rest: (El | false)[]): El =>
  A('Collection', A('SyncKey', key), A('CollectionId', id), ...rest.filter((x): x is El => x !== false));

describe('incremental sync', () => {
  it('answers with an empty body when nothing changed, keeping the key (MS-ASCMD 2.2.1.21.2)', async () => {
    const { c, id, key } = await synced('Inbox');
    const r = await c.sync(collection(key, id));
    expect(r.answer.status).toBe(200);
    expect(r.answer.tree).toBeNull();
    const again = await c.sync(collection(key, id)); // the key is still valid
    expect(again.answer.tree).toBeNull();
  });

  it('sends a new mail as Add, an edited event as Change and a deleted contact as Delete, each with a new key', async () => {
    const { c, s, adds } = await ready();
    const inbox = await fullSync(c, folderId(adds, 'Inbox'), 512);
    const cal = await fullSync(c, folderId(adds, 'Calendar'), 512);
    const con = await fullSync(c, folderId(adds, 'Contacts'), 512);
    const mail = s.control.newMail('alice');
    const event = s.control.editEvent('alice');
    const gone = s.control.deleteContact('alice');
    const r1 = await c.sync(collection(inbox.key, folderId(adds, 'Inbox')));
    expect(commands(r1.collection, 'Add').map((a) => textAt(a, 'ServerId'))).toEqual([mail.id]);
    expect(textAt(r1.collection, 'SyncKey')).not.toBe(inbox.key);
    const r2 = await c.sync(collection(cal.key, folderId(adds, 'Calendar')));
    const change = commands(r2.collection, 'Change');
    expect(change.map((x) => textAt(x, 'ServerId'))).toEqual([event?.id]);
    expect(textAt(change[0], 'ApplicationData', 'Subject')).toMatch(/\(edit \d+\)$/);
    const r3 = await c.sync(collection(con.key, folderId(adds, 'Contacts')));
    expect(commands(r3.collection, 'Delete').map((x) => textAt(x, 'ServerId'))).toEqual([gone]);
  });

  it('answers a stale or unknown key with Status 3 and SyncKey 0', async () => {
    const { c, id, key } = await synced('Contacts');
    for (const bad of ['999.9', key.replace(/\d+$/, '1')]) {
      const r = await c.sync(collection(bad, id));
      expect(textAt(r.collection, 'Status')).toBe('3');
      expect(textAt(r.collection, 'SyncKey')).toBe('0');
    }
  });

  it('answers a repeat of the latest request (previous key) again, with the same items', async () => {
    const { c, adds } = await ready();
    const id = folderId(adds, 'Inbox');
    const first = await c.sync(collection('0', id));
    const k1 = textAt(first.collection, 'SyncKey') ?? '';
    const page = await c.sync(collection(k1, id, A('WindowSize', 10)));
    const lost = commands(page.collection, 'Add').map((a) => textAt(a, 'ServerId'));
    // The answer was lost: the client sends the same request with the same key.
    const again = await c.sync(collection(k1, id, A('WindowSize', 10)));
    expect(commands(again.collection, 'Add').map((a) => textAt(a, 'ServerId'))).toEqual(lost);
    const k2 = textAt(again.collection, 'SyncKey') ?? '';
    const next = await c.sync(collection(k2, id, A('WindowSize', 10)));
    const nextIds = commands(next.collection, 'Add').map((a) => textAt(a, 'ServerId'));
    expect(nextIds.filter((x) => lost.includes(x))).toEqual([]);
    expect(nextIds).toHaveLength(10);
  });

  it('16.0: a draft whose Body is MIME (Type 4) is refused with Status 6, never kept with its fields lost; Types 1 and 2 are taken', async () => {
    const { c, s, id, key } = await synced('Drafts', '16.0');
    const E = (name: string, text: string): El => ({ ns: 'Email', name, children: [text] });
    const draft = (clientId: string, type: number, data: string) =>
      A(
        'Add',
        A('ClientId', clientId),
        A('ApplicationData', E('To', 'bob@example.test'), E('Subject', `Draft ${clientId}`), B('Body', B('Type', type), B('Data', data))),
      );
    const mime = 'To: bob@example.test\r\nSubject: MIME draft\r\nContent-Type: text/plain\r\n\r\nHello';
    const r = await c.sync(collection(key, id, A('GetChanges', '0'), A('Commands', draft('m-1', 4, mime), draft('t-1', 1, 'Plain words'))));
    const responses = kids(kid(r.collection as El, 'Responses') as El, 'Add').map((a) => [textAt(a, 'ClientId'), textAt(a, 'Status')]);
    expect(responses).toEqual([
      ['m-1', '6'],
      ['t-1', '1'],
    ]);
    const kept = [...(s.mock.world.mailboxes.get('alice')?.folders.get(id)?.store.items.values() ?? [])]
      .map((i) => i.data)
      .filter((d) => d.kind === 'mail' && d.subject.startsWith('Draft '));
    expect(
      kept.map((d) => d.kind === 'mail' && [d.subject, d.to.map((a) => a.email), typeof d.content === 'function' ? '' : d.content.text]),
    ).toEqual([['Draft t-1', ['bob@example.test'], 'Plain words']]);
  });

  it('16.0: draft attachments: Add answers ClientId and FileReference, a Change deletes by FileReference and adds, the draft comes back whole, XSD-valid', async () => {
    const { c, s, id, key } = await synced('Drafts', '16.0');
    const upload = (clientId: string, name: string, bytes: Uint8Array) =>
      B(
        'Add',
        B('ClientId', clientId),
        B('Method', '1'),
        B('ContentType', 'text/plain'),
        { ns: 'AirSyncBase', name: 'Content', children: [bytes] },
        B('DisplayName', name),
      );
    const bytes = (text: string) => new TextEncoder().encode(text);
    const app = (...atts: El[]) =>
      A(
        'ApplicationData',
        E('To', 'bob@example.test'),
        E('Subject', 'Files'),
        B('Body', B('Type', 1), B('Data', 'x')),
        B('Attachments', ...atts),
      );
    const added = await c.sync(
      collection(
        key,
        id,
        A('GetChanges', '0'),
        A('Commands', A('Add', A('ClientId', 'd-1'), app(upload('c-1', 'a.txt', bytes('first')), upload('c-2', 'b.txt', bytes('second'))))),
      ),
    );
    const response = kids(kid(added.collection as El, 'Responses') as El, 'Add')[0] as El;
    const serverId = textAt(response, 'ServerId') ?? '';
    const refs = kids(kid(kid(response, 'ApplicationData') as El, 'Attachments') as El, 'Attachment').map((a) => [
      textAt(a, 'ClientId'),
      textAt(a, 'FileReference'),
    ]);
    expect(refs).toEqual([
      ['c-1', `${serverId}:0`],
      ['c-2', `${serverId}:1`],
    ]);
    const draft = () => s.mock.world.mailboxes.get('alice')?.folders.get(id)?.store.items.get(serverId)?.data;
    const files = () => {
      const d = draft();
      return d?.kind === 'mail' ? mailContent(d).attachments.map((a) => [a.name, new TextDecoder().decode(a.bytes)]) : [];
    };
    expect(files()).toEqual([
      ['a.txt', 'first'],
      ['b.txt', 'second'],
    ]);

    const changed = await c.sync(
      collection(
        textAt(added.collection, 'SyncKey') ?? '',
        id,
        A(
          'Commands',
          A(
            'Change',
            A('ServerId', serverId),
            app(B('Delete', B('FileReference', `${serverId}:0`)), upload('c-3', 'c.txt', bytes('third'))),
          ),
        ),
      ),
    );
    expect(files()).toEqual([
      ['b.txt', 'second'],
      ['c.txt', 'third'],
    ]);
    // b.txt keeps its FileReference; the new file's comes with the whole draft as a server Change.
    const back = commands(changed.collection, 'Change').find((ch) => textAt(ch, 'ServerId') === serverId) as El;
    const listed = kids(kid(kid(back, 'ApplicationData') as El, 'Attachments') as El, 'Attachment').map((a) => [
      textAt(a, 'DisplayName'),
      textAt(a, 'FileReference'),
      textAt(a, 'ClientId'),
    ]);
    expect(listed).toEqual([
      ['b.txt', `${serverId}:1`, 'c-2'],
      ['c.txt', `${serverId}:2`, 'c-3'],
    ]);
  });

  it("16.0: a draft changed with email2:Send is sent: it leaves Drafts, is in Sent Items and in Bob's Inbox once; without recipients Status 6", async () => {
    const { c, s, id, key } = await synced('Drafts', '16.0');
    const E2 = (name: string): El => ({ ns: 'Email2', name, children: [] });
    const fields = (to: string, subject: string, text: string) =>
      A('ApplicationData', E('To', to), E('Subject', subject), B('Body', B('Type', 1), B('Data', text)));
    const added = await c.sync(
      collection(key, id, A('GetChanges', '0'), A('Commands', A('Add', A('ClientId', 'd-1'), fields('', 'Lunch', 'Half')))),
    );
    const serverId = textAt(kids(kid(added.collection as El, 'Responses') as El, 'Add')[0], 'ServerId') ?? '';
    const key2 = textAt(added.collection, 'SyncKey') ?? '';
    const box = (login: string, name: string) =>
      [...(s.mock.world.mailboxes.get(login)?.folders.values() ?? [])].find((f) => f.name === name)!.store;
    const shown = (store: ReturnType<typeof box>) =>
      [...store.items.values()].flatMap((i) =>
        i.data.kind === 'mail' && i.data.subject === 'Lunch' ? [[i.data.to.map((a) => a.email), mailContent(i.data).text]] : [],
      );

    const refused = await c.sync(
      collection(
        key2,
        id,
        A('GetChanges', '0'),
        A('Commands', A('Change', A('ServerId', serverId), fields('', 'Lunch', 'Half'), E2('Send'))),
      ),
    );
    expect(
      kids(kid(refused.collection as El, 'Responses') as El, 'Change').map((r) => [textAt(r, 'ServerId'), textAt(r, 'Status')]),
    ).toEqual([[serverId, '6']]);
    expect(shown(box('alice', 'Drafts'))).toEqual([[[], 'Half']]);

    const key3 = textAt(refused.collection, 'SyncKey') ?? '';
    const sent = await c.sync(
      collection(key3, id, A('Commands', A('Change', A('ServerId', serverId), fields('bob@example.test', 'Lunch', 'At noon'), E2('Send')))),
    );
    expect(kid(sent.collection as El, 'Responses')).toBeUndefined();
    expect(shown(box('alice', 'Drafts'))).toEqual([]);
    expect(shown(box('alice', 'Sent Items'))).toEqual([[['bob@example.test'], 'At noon']]);
    expect(shown(box('bob', 'Inbox'))).toEqual([[['bob@example.test'], 'At noon']]);
    // Gone by the client's own command: the next Sync sends no Delete for it.
    expect(commands(sent.collection, 'Delete').map((d) => textAt(d, 'ServerId'))).toEqual([]);
    const next = await c.sync(collection(textAt(sent.collection, 'SyncKey') ?? '', id));
    expect(commands(next.collection, 'Delete')).toEqual([]);
  });

  it('adds a client item once even when the Add is repeated, mapping ClientId to the same ServerId', async () => {
    const { c, s, id, key } = await synced('Contacts');
    const add = A(
      'Commands',
      A(
        'Add',
        A('ClientId', 'c-1'),
        A(
          'ApplicationData',
          { ns: 'Contacts', name: 'FirstName', children: ['Kenji'] },
          { ns: 'Contacts', name: 'LastName', children: ['Mori'] },
        ),
      ),
    );
    const r1 = await c.sync(collection(key, id, A('GetChanges', '0'), add));
    const resp1 = kids(kid(r1.collection as El, 'Responses') as El, 'Add');
    expect(textAt(resp1[0], 'Status')).toBe('1');
    const serverId = textAt(resp1[0], 'ServerId');
    // Response lost: the same request again with the previous key.
    const r2 = await c.sync(collection(key, id, A('GetChanges', '0'), add));
    expect(textAt(kid(kid(r2.collection as El, 'Responses') as El, 'Add'), 'ServerId')).toBe(serverId);
    const store = s.mock.world.mailboxes.get('alice')?.folders.get(id)?.store;
    expect(
      [...(store?.items.values() ?? [])].filter((i) => i.data.kind === 'pim' && JSON.stringify(i.data.props).includes('Kenji')),
    ).toHaveLength(1);
    // The client holds it already: the next sync does not send it back.
    const r3 = await c.sync(collection(textAt(r2.collection, 'SyncKey') ?? '', id));
    expect(r3.answer.tree).toBeNull();
  });

  it('answers Change and Delete of unknown items with Status 8', async () => {
    const { c, id, key } = await synced('Contacts');
    const r = await c.sync(
      collection(
        key,
        id,
        A(
          'Commands',
          A('Change', A('ServerId', 'nope:1'), A('ApplicationData', { ns: 'Contacts', name: 'FirstName', children: ['X'] })),
          A('Delete', A('ServerId', 'nope:2')),
        ),
      ),
    );
    const responses = kid(r.collection as El, 'Responses') as El;
    expect(textAt(kid(responses, 'Change'), 'Status')).toBe('8');
    expect(textAt(kid(responses, 'Delete'), 'Status')).toBe('8');
  });

  it('applies a client Change (Read flag) without echoing it, and others see it as a Change', async () => {
    const { c, s, id, key, ids } = await synced('Inbox');
    const target = [...ids][0] ?? '';
    const r = await c.sync(collection(key, id, A('Commands', A('Change', A('ServerId', target), A('ApplicationData', E('Read', '1'))))));
    expect(kid(r.collection as El, 'Responses')).toBeUndefined(); // success: no Responses entry
    expect(commands(r.collection, 'Change')).toEqual([]);
    const item = s.mock.world.mailboxes.get('alice')?.folders.get(id)?.store.items.get(target);
    expect(item?.data.kind === 'mail' && item.data.read).toBe(true);
    const other = new TestClient(s, { deviceId: 'DEV2' });
    await other.folderSync();
    const o = await fullSync(other, id, 512);
    const seen = o.adds.find((a) => textAt(a, 'ServerId') === target);
    expect(textAt(seen, 'ApplicationData', 'Read')).toBe('1');
  });

  it('sends another device’s flag change on a mail as a Change with only the changeable properties', async () => {
    const { c, s, id, key, ids } = await synced('Inbox');
    const target = [...ids][1] ?? '';
    const other = new TestClient(s, { deviceId: 'DEV2' });
    await other.folderSync();
    const o = await fullSync(other, id, 512);
    const flag = E('Flag', E('Status', '2'), E('FlagType', 'Flag for follow up'));
    await other.sync(collection(o.key, id, A('Commands', A('Change', A('ServerId', target), A('ApplicationData', E('Read', '1'), flag)))));
    const r = await c.sync(collection(key, id));
    const change = commands(r.collection, 'Change')[0] as El;
    const app = kid(change, 'ApplicationData') as El;
    expect(textAt(change, 'ServerId')).toBe(target);
    expect([textAt(app, 'Read'), textAt(app, 'Flag', 'Status')]).toEqual(['1', '2']);
    expect(kid(app, 'Subject')).toBeUndefined();
    expect(kid(app, 'Body')).toBeUndefined();
  });

  it('sends a mail Change with only the properties that changed since the device got it, a cleared flag as <Flag/>', async () => {
    const { c, s, id, key, ids } = await synced('Inbox');
    const target = [...ids][2] ?? '';
    s.control.otherDevice('alice', target, { kind: 'read', read: true });
    const first = await c.sync(collection(key, id));
    const read = kid(commands(first.collection, 'Change')[0] as El, 'ApplicationData') as El;
    expect(kids(read).map((e) => e.name)).toEqual(['Read']);
    s.control.otherDevice('alice', target, { kind: 'flag', flagged: true });
    s.control.otherDevice('alice', target, { kind: 'verb', verb: 3 });
    const second = await c.sync(collection(textAt(first.collection, 'SyncKey') ?? '', id));
    const flagged = kid(commands(second.collection, 'Change')[0] as El, 'ApplicationData') as El;
    expect(kids(flagged).map((e) => e.name)).toEqual(['Flag', 'LastVerbExecuted', 'LastVerbExecutionTime']);
    expect(textAt(flagged, 'Flag', 'Status')).toBe('2');
    s.control.otherDevice('alice', target, { kind: 'flag', flagged: false });
    const third = await c.sync(collection(textAt(second.collection, 'SyncKey') ?? '', id));
    const cleared = kid(commands(third.collection, 'Change')[0] as El, 'ApplicationData') as El;
    expect(kids(cleared).map((e) => [e.name, e.children.length])).toEqual([['Flag', 0]]);
  });

  it('lets the server win a conflict by default (Status 7, then the server version)', async () => {
    const { c, s, id, key } = await synced('Calendar');
    const edited = s.control.editEvent('alice');
    const r = await c.sync(
      collection(
        key,
        id,
        A(
          'Commands',
          A('Change', A('ServerId', edited?.id ?? ''), A('ApplicationData', { ns: 'Calendar', name: 'Subject', children: ['mine'] })),
        ),
      ),
    );
    expect(textAt(kid(kid(r.collection as El, 'Responses') as El, 'Change'), 'Status')).toBe('7');
    const change = commands(r.collection, 'Change')[0];
    expect(textAt(change, 'ApplicationData', 'Subject')).toMatch(/\(edit/);
  });

  it('deletes mail as a move to Deleted Items (DeletesAsMoves defaults to 1)', async () => {
    const { c, s, id, key, ids } = await synced('Inbox');
    const target = [...ids][3] ?? '';
    await c.sync(collection(key, id, A('Commands', A('Delete', A('ServerId', target)))));
    const box = s.mock.world.mailboxes.get('alice');
    const trash = [...(box?.folders.values() ?? [])].find((f) => f.type === 4);
    expect(box?.folders.get(id)?.store.items.has(target)).toBe(false);
    expect(trash?.store.items.size).toBe(3); // 2 demo mails + this one
  });

  it('soft-deletes items that leave the FilterType window and adds those that enter it', async () => {
    const { c, id } = await synced('Inbox', '14.1', [A('FilterType', 0)]);
    const first = await c.sync(collection('0', id, A('Options', A('FilterType', 3))));
    const week = await fullSync(c, id, 512, [A('FilterType', 3)]);
    const key = week.key;
    expect(first.collection).toBeDefined();
    // Narrow to 1 day: the rest of the week goes as SoftDelete.
    const r = await c.sync(collection(key, id, A('Options', A('FilterType', 1)), A('WindowSize', 512)));
    const soft = commands(r.collection, 'SoftDelete');
    expect(soft.length).toBeGreaterThan(0);
    expect(commands(r.collection, 'Delete')).toEqual([]);
    // Widen to 2 weeks: new Adds, nothing deleted.
    const r2 = await c.sync(collection(textAt(r.collection, 'SyncKey') ?? '', id, A('Options', A('FilterType', 4)), A('WindowSize', 512)));
    expect(commands(r2.collection, 'Add').length).toBeGreaterThan(soft.length);
    expect(commands(r2.collection, 'SoftDelete')).toEqual([]);
  });

  it('holds a Sync with HeartbeatInterval until a change arrives', async () => {
    const { c, s, id, key } = await synced('Inbox');
    const pending = c.sync(collection(key, id), [A('HeartbeatInterval', 100)]);
    await new Promise((r) => setTimeout(r, 50));
    const mail = s.control.newMail('alice');
    const r = await pending;
    expect(commands(r.collection, 'Add').map((a) => textAt(a, 'ServerId'))).toEqual([mail.id]);
  });

  it('answers Wait out of range with Status 14 and the Limit', async () => {
    const { c, id, key } = await synced('Notes');
    const r = await c.post('Sync', A('Sync', A('Collections', collection(key, id)), A('Wait', 90)));
    expect(textAt(r.tree as El, 'Status')).toBe('14');
    expect(textAt(r.tree as El, 'Limit')).toBe('59');
  });

  it('reuses the cached request for an empty Sync request, and answers 13 without one', async () => {
    const { c, s, id, key } = await synced('Inbox');
    const fresh = new TestClient(s, { deviceId: 'FRESH' });
    await fresh.folderSync();
    expect(textAt((await fresh.post('Sync', null)).tree as El, 'Status')).toBe('13');
    expect(textAt((await fresh.post('Sync', A('Sync', A('Partial')))).tree as El, 'Status')).toBe('13');
    expect((await c.sync(collection(key, id))).answer.tree).toBeNull();
    const mail = s.control.newMail('alice');
    const r = await c.post('Sync', null);
    const got = kid(kid(r.tree as El, 'Collections') as El, 'Collection') as El;
    expect(commands(got, 'Add').map((a) => textAt(a, 'ServerId'))).toEqual([mail.id]);
  });

  it('merges a Partial request with the cached collections, at the keys the device holds', async () => {
    const { c, s, adds } = await ready();
    const inbox = folderId(adds, 'Inbox');
    const notes = folderId(adds, 'Notes');
    const i = await fullSync(c, inbox, 512);
    const n = await fullSync(c, notes, 512);
    const both = await c.post('Sync', A('Sync', A('Collections', collection(i.key, inbox), collection(n.key, notes))));
    expect(both.tree).toBeNull();
    const mail = s.control.newMail('alice');
    const r = await c.post('Sync', A('Sync', A('Collections', collection(n.key, notes)), A('Partial')));
    const got = kids(kid(r.tree as El, 'Collections') as El, 'Collection');
    const inboxAnswer = got.find((x) => textAt(x, 'CollectionId') === inbox);
    expect(commands(inboxAnswer, 'Add').map((a) => textAt(a, 'ServerId'))).toEqual([mail.id]);
  });

  it('answers Status 12 before the first FolderSync and for a folder the device does not know', async () => {
    const s = testServer();
    const c = new TestClient(s);
    const r = await c.post('Sync', A('Sync', A('Collections', collection('0', '1'))));
    expect(textAt(r.tree as El, 'Status')).toBe('12');
    await c.folderSync();
    const u = await c.sync(collection('0', '9999'));
    expect(textAt(u.collection, 'Status')).toBe('12');
  });

  it('returns a Sync Fetch with the full item', async () => {
    const { c, id, key, ids } = await synced('Inbox', '14.1', [B('BodyPreference', B('Type', 1), B('TruncationSize', 10))]);
    const target = [...ids][0] ?? '';
    const r = await c.sync(collection(key, id, A('Commands', A('Fetch', A('ServerId', target)))));
    const fetch = kid(kid(r.collection as El, 'Responses') as El, 'Fetch');
    expect(textAt(fetch, 'Status')).toBe('1');
    expect(textAt(fetch, 'ApplicationData', 'Body', 'Truncated')).toBe('1');
  });
});

describe('GetItemEstimate', () => {
  const G = (name: string, ...c: (El | string | number)[]): El => ({
    ns: 'GetItemEstimate',
    name,
    children: c.map((x) => (typeof x === 'number' ? String(x) : x)),
  });

  it('counts what the next Sync would bring, and answers 3 for an unprimed and 4 for a bad key', async () => {
    const { c, s, id, key } = await synced('Inbox');
    s.control.newMail('alice');
    s.control.newMail('alice');
    const ask = (k: string, coll = id) =>
      c.post('GetItemEstimate', G('GetItemEstimate', G('Collections', G('Collection', A('SyncKey', k), G('CollectionId', coll)))));
    const est = (await ask(key)).tree as El;
    expect(textAt(est, 'Response', 'Collection', 'Estimate')).toBe('2');
    expect(textAt(est, 'Response', 'Status')).toBe('1');
    expect(textAt((await ask('0')).tree as El, 'Response', 'Status')).toBe('3');
    expect(textAt((await ask('77.7')).tree as El, 'Response', 'Status')).toBe('4');
    expect(textAt((await ask(key, '424242')).tree as El, 'Response', 'Status')).toBe('2');
  });
});

describe('occurrences of a series in 16.x (InstanceId)', () => {
  const C = (name: string, ...c: (El | string)[]): El => ({ ns: 'Calendar', name, children: c });

  async function series(): Promise<{
    c: TestClient;
    s: ReturnType<typeof testServer>;
    id: string;
    key: string;
    serverId: string;
    exceptions: number;
  }> {
    const { c, s, id, key } = await synced('Calendar', '16.1');
    const store = s.mock.world.mailboxes.get('alice')?.folders.get(id)?.store;
    const item = [...(store?.items.values() ?? [])].find(
      (i) => i.data.kind === 'pim' && JSON.stringify(i.data.props).includes('Weekly sync'),
    );
    const exceptions = item?.data.kind === 'pim' ? kids(item.data.props.find((p) => p.name === 'Exceptions') as El).length : 0;
    return { c, s, id, key, serverId: item?.id ?? '', exceptions };
  }

  const occurrence = '20260525T010000Z'; // a Monday 10:00 in Tokyo within the series, not yet an exception

  it('deletes one occurrence, keeping the series; a 14.1 device sees it as an exception', async () => {
    const { c, s, id, key, serverId, exceptions } = await series();
    const r = await c.sync(collection(key, id, A('Commands', A('Delete', A('ServerId', serverId), B('InstanceId', occurrence)))));
    expect(kid(r.collection as El, 'Responses')).toBeUndefined();
    const old = new TestClient(s, { deviceId: 'OLD', version: '14.1' });
    await old.folderSync();
    const o = await fullSync(old, id, 512);
    const app = kid(o.adds.find((a) => textAt(a, 'ServerId') === serverId) as El, 'ApplicationData') as El;
    const list = kids(kid(app, 'Exceptions') as El, 'Exception');
    expect(list).toHaveLength(exceptions + 1);
    const mine = list.find((x) => textAt(x, 'ExceptionStartTime') === occurrence);
    expect(textAt(mine, 'Deleted')).toBe('1');
  });

  it('changes one occurrence by InstanceId, and a change of the series subject keeps the exceptions', async () => {
    const { c, id, key, serverId, exceptions } = await series();
    const r1 = await c.sync(
      collection(
        key,
        id,
        A('Commands', A('Change', A('ServerId', serverId), B('InstanceId', occurrence), A('ApplicationData', C('Subject', 'moved once')))),
      ),
    );
    const k1 = textAt(r1.collection, 'SyncKey') ?? '';
    const fetch = async (k: string) => {
      const f = await c.sync(collection(k, id, A('Commands', A('Fetch', A('ServerId', serverId)))));
      return {
        key: textAt(f.collection, 'SyncKey') ?? k,
        app: kid(kid(kid(f.collection as El, 'Responses') as El, 'Fetch') as El, 'ApplicationData') as El,
      };
    };
    const f1 = await fetch(k1);
    const list = kids(kid(f1.app, 'Exceptions') as El, 'Exception');
    expect(list).toHaveLength(exceptions + 1);
    expect(
      textAt(
        list.find((x) => textAt(x, 'InstanceId') === occurrence),
        'Subject',
      ),
    ).toBe('moved once');
    const props = kids(f1.app).filter((p) => p.ns === 'Calendar' && p.name !== 'Exceptions' && p.name !== 'Subject');
    await c.sync(
      collection(
        f1.key,
        id,
        A('Commands', A('Change', A('ServerId', serverId), A('ApplicationData', C('Subject', 'Weekly sync v2'), props))),
      ),
    );
    const f2 = await fetch(f1.key);
    expect(textAt(f2.app, 'Subject')).toBe('Weekly sync v2');
    expect(kids(kid(f2.app, 'Exceptions') as El, 'Exception')).toHaveLength(exceptions + 1);
  });
});
