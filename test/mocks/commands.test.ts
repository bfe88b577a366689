/** ItemOperations, Search, ResolveRecipients, Settings and MoveItems against the demo mailbox. */
import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../../src/wbxml/base64.ts';
import { decodeEas } from '../../src/eas/wbxml.ts';
import { kid, kids, ns, textAt, textOf, type El } from '../../src/wbxml/tree.ts';
import { mailContent, type Mailbox } from '../../mocks/model.ts';
import { portrait } from '../../mocks/picture.ts';
import { pictureResult } from '../../src/eas/commands/search.ts';
import { A, B, TestClient, folderId, fullSync, testServer } from './helpers.ts';

const IO = ns('ItemOperations');
const S = ns('Search');
const R = ns('ResolveRecipients');
const ST = ns('Settings');
const M = ns('Move');

async function setup(version = '14.1'): Promise<{ s: ReturnType<typeof testServer>; c: TestClient; adds: El[]; alice: Mailbox }> {
  const s = testServer();
  const c = new TestClient(s, { version });
  const fs = await c.folderSync();
  return { s, c, adds: fs.adds, alice: s.mock.world.mailboxes.get('alice') as Mailbox };
}

function mailWithAttachment(alice: Mailbox, inbox: string): { id: string; bytes: Uint8Array; index: number } {
  for (const item of alice.folders.get(inbox)?.store.items.values() ?? []) {
    if (item.data.kind !== 'mail') continue;
    const atts = mailContent(item.data).attachments;
    const index = atts.findIndex((a) => !a.inline);
    if (index >= 0) return { id: item.id, bytes: (atts[index] as { bytes: Uint8Array }).bytes, index };
  }
  throw new Error('no attachment');
}

describe('ItemOperations', () => {
  it('fetches an attachment by FileReference, whole or by byte range', async () => {
    const { c, adds, alice } = await setup();
    const att = mailWithAttachment(alice, folderId(adds, 'Inbox'));
    const ref = `${att.id}:${att.index}`;
    const r = await c.post('ItemOperations', IO('ItemOperations', IO('Fetch', IO('Store', 'Mailbox'), B('FileReference', ref))));
    const fetch = kid(kid(r.tree as El, 'Response') as El, 'Fetch') as El;
    expect(textAt(fetch, 'Status')).toBe('1');
    expect(fromBase64(textAt(fetch, 'Properties', 'Data') ?? '')).toEqual(att.bytes);
    const part = await c.post(
      'ItemOperations',
      IO('ItemOperations', IO('Fetch', IO('Store', 'Mailbox'), B('FileReference', ref), IO('Options', IO('Range', '0-4')))),
    );
    const props = kid(kid(kid(part.tree as El, 'Response') as El, 'Fetch') as El, 'Properties') as El;
    expect([textAt(props, 'Range'), textAt(props, 'Total')]).toEqual(['0-4', String(att.bytes.length)]);
    expect(fromBase64(textAt(props, 'Data') ?? '')).toEqual(att.bytes.subarray(0, 5));
    const bad = await c.post('ItemOperations', IO('ItemOperations', IO('Fetch', IO('Store', 'Mailbox'), B('FileReference', 'x:1:0'))));
    expect(textAt(bad.tree as El, 'Response', 'Fetch', 'Status')).toBe('15');
  });

  it('fetches a whole mail as MIME, and answers multipart when asked (MS-ASCMD 2.2.1.10.1)', async () => {
    const { c, adds, alice } = await setup();
    const inbox = folderId(adds, 'Inbox');
    const att = mailWithAttachment(alice, inbox);
    const fetchMime = IO(
      'ItemOperations',
      IO(
        'Fetch',
        IO('Store', 'Mailbox'),
        A('CollectionId', inbox),
        A('ServerId', att.id),
        IO('Options', B('BodyPreference', B('Type', 4))),
      ),
    );
    const r = await c.post('ItemOperations', fetchMime);
    const body = kid(kid(kid(kid(r.tree as El, 'Response') as El, 'Fetch') as El, 'Properties') as El, 'Body') as El;
    expect(textAt(body, 'Type')).toBe('4');
    expect(textAt(body, 'Data')).toMatch(/^From: .*\r\nTo: /);
    expect(textAt(body, 'Data')).toContain('multipart/mixed');
    const multi = await c.post('ItemOperations', fetchMime, {}, { 'MS-ASAcceptMultiPart': 'T' });
    expect(multi.response.headers.get('Content-Type')).toBe('application/vnd.ms-sync.multipart');
    const bytes = new Uint8Array(await multi.response.arrayBuffer());
    const view = new DataView(bytes.buffer);
    expect(view.getInt32(0, true)).toBe(2);
    const wbxml = bytes.subarray(view.getInt32(4, true), view.getInt32(4, true) + view.getInt32(8, true));
    const tree = decodeEas(wbxml);
    const partNo = Number(textAt(tree, 'Response', 'Fetch', 'Properties', 'Body', 'Part'));
    const mime = bytes.subarray(
      view.getInt32(4 + partNo * 8, true),
      view.getInt32(4 + partNo * 8, true) + view.getInt32(8 + partNo * 8, true),
    );
    expect(new TextDecoder().decode(mime)).toBe(textAt(body, 'Data'));
  });

  it('moves a whole conversation (Move by ConversationId)', async () => {
    const { c, adds, alice } = await setup();
    const projects = folderId(adds, 'Projects プロジェクト');
    const archive = folderId(adds, 'Archive');
    const first = [...(alice.folders.get(projects)?.store.items.values() ?? [])][0];
    const conv = first?.data.kind === 'mail' ? first.data.conversationId : new Uint8Array();
    const r = await c.post('ItemOperations', IO('ItemOperations', IO('Move', IO('ConversationId', conv), IO('DstFldId', archive))));
    expect(textAt(r.tree as El, 'Response', 'Move', 'Status')).toBe('1');
    expect([...(alice.folders.get(archive)?.store.items.values() ?? [])].length).toBeGreaterThan(0);
  });

  it('empties a folder (EmptyFolderContents)', async () => {
    const { c, adds, alice } = await setup();
    const trash = folderId(adds, 'Deleted Items');
    const r = await c.post('ItemOperations', IO('ItemOperations', IO('EmptyFolderContents', A('CollectionId', trash))));
    expect(textAt(r.tree as El, 'Response', 'EmptyFolderContents', 'Status')).toBe('1');
    expect(alice.folders.get(trash)?.store.items.size).toBe(0);
  });
});

describe('Search', () => {
  it('finds GAL entries by name prefix, both demo users included, with Range and Total', async () => {
    const { c } = await setup();
    const q = (query: string, range = '0-9') =>
      c.post('Search', S('Search', S('Store', S('Name', 'GAL'), S('Query', query), S('Options', S('Range', range)))));
    const bob = (await q('bob')).tree as El;
    const store = kid(kid(bob, 'Response') as El, 'Store') as El;
    expect(textAt(store, 'Status')).toBe('1');
    expect(kids(store, 'Result').map((r) => textAt(r, 'Properties', 'EmailAddress'))).toContain('bob@example.test');
    const many = kid(kid((await q('a', '0-4')).tree as El, 'Response') as El, 'Store') as El;
    expect(kids(many, 'Result')).toHaveLength(5);
    expect(textAt(many, 'Range')).toBe('0-4');
    expect(Number(textAt(many, 'Total'))).toBeGreaterThan(5);
    const none = kid(kid((await q('zzzz')).tree as El, 'Response') as El, 'Store') as El;
    expect(textAt(none, 'Total')).toBe('0');
    // The empty Result of no match is for mailbox searches only (MS-ASCMD 2.2.3.155.3).
    expect(kids(none, 'Result')).toEqual([]);
  });

  it('GAL photos on 14.1 when asked (MS-ASCMD 2.2.3.135.3): PNG Data for the first MaxPictures, 173 none, 174 too large, 175 past the limit; none on 14.0', async () => {
    const ask = (c: TestClient, picture: El) =>
      c.post('Search', S('Search', S('Store', S('Name', 'GAL'), S('Query', 'b'), S('Options', S('Range', '0-99'), picture))));
    const pictures = async (c: TestClient, picture: El) => {
      const store = kid(kid((await ask(c, picture)).tree as El, 'Response') as El, 'Store') as El;
      return kids(store, 'Result').map((r) => {
        const p = kid(kid(r, 'Properties') as El, 'Picture');
        return { email: textAt(r, 'Properties', 'EmailAddress'), status: p && textAt(p, 'Status'), data: p && kid(p, 'Data')?.children[0] };
      });
    };
    const { c } = await setup();
    const all = await pictures(c, S('Picture', S('MaxSize', 102400), S('MaxPictures', 2)));
    const bob = all.find((r) => r.email === 'bob@example.test');
    expect(bob?.status).toBe('1');
    expect([...(bob?.data as Uint8Array).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(all.filter((r) => r.status === '1')).toHaveLength(2);
    expect(all.some((r) => r.status === '175')).toBe(true);
    expect(all.find((r) => r.email === 'borislav.novak@example.test')).toEqual({
      email: 'borislav.novak@example.test',
      status: '173',
      data: undefined,
    });
    expect((await pictures(c, S('Picture', S('MaxSize', 100)))).find((r) => r.email === 'bob@example.test')?.status).toBe('174');
    const old = await pictures(new TestClient(c.server, { version: '14.0' }), S('Picture'));
    expect(old.every((r) => r.status === undefined)).toBe(true);
  });

  it('searches the mailbox by free text within a folder and its subfolders (DeepTraversal)', async () => {
    const { c, adds } = await setup();
    const inbox = folderId(adds, 'Inbox');
    const q = (deep: boolean) =>
      c.post(
        'Search',
        S(
          'Search',
          S(
            'Store',
            S('Name', 'Mailbox'),
            S('Query', S('And', A('Class', 'Email'), A('CollectionId', inbox), S('FreeText', 'Project Sakura'))),
            S('Options', S('Range', '0-99'), deep && S('DeepTraversal'), B('BodyPreference', B('Type', 1), B('TruncationSize', 100))),
          ),
        ),
      );
    const shallow = kid(kid((await q(false)).tree as El, 'Response') as El, 'Store') as El;
    const deep = kid(kid((await q(true)).tree as El, 'Response') as El, 'Store') as El;
    expect(Number(textAt(deep, 'Total'))).toBeGreaterThan(Number(textAt(shallow, 'Total')));
    const first = kid(deep, 'Result') as El;
    expect(textAt(first, 'LongId')).toMatch(/:\d+$/);
    expect(textAt(first, 'Properties', 'Subject')).toMatch(/Project Sakura|キックオフ/);
    const none = await c.post(
      'Search',
      S(
        'Search',
        S(
          'Store',
          S('Name', 'Mailbox'),
          S('Query', S('And', A('Class', 'Email'), A('CollectionId', inbox), S('FreeText', 'zzzz-no-such-words'))),
          S('Options', S('Range', '0-9')),
        ),
      ),
    );
    const empty = kid(kid(none.tree as El, 'Response') as El, 'Store') as El;
    expect([textAt(empty, 'Total'), kids(empty, 'Result').map((r) => r.children.length)]).toEqual(['0', [0]]);
  });
});

describe('ResolveRecipients', () => {
  it('resolves an address, reports ambiguity and failure, and gives free/busy of a local user', async () => {
    const { c } = await setup();
    const r = await c.post(
      'ResolveRecipients',
      R(
        'ResolveRecipients',
        R('To', 'bob@example.test'),
        R('To', 'a'),
        R('To', 'nobody@nowhere.test'),
        R('Options', R('Availability', R('StartTime', '2026-05-15T00:00:00.000Z'), R('EndTime', '2026-05-16T00:00:00.000Z'))),
      ),
    );
    const [bob, ambiguous, none] = kids(r.tree as El, 'Response');
    expect([textAt(bob, 'Status'), textAt(bob, 'Recipient', 'EmailAddress'), textAt(bob, 'Recipient', 'Type')]).toEqual([
      '1',
      'bob@example.test',
      '1',
    ]);
    expect(textAt(bob, 'Recipient', 'Availability', 'MergedFreeBusy')).toMatch(/^[0-4]{48}$/);
    expect(['2', '3']).toContain(textAt(ambiguous, 'Status'));
    expect(Number(textAt(ambiguous, 'RecipientCount'))).toBeGreaterThan(1);
    expect(textAt(none, 'Status')).toBe('4');
  });

  it("14.1: Options/Picture gives a directory person's photo, Status 173 for one without, 175 past MaxPictures (XSD-valid)", async () => {
    const { c } = await setup();
    const ask = (max: number, ...to: string[]) =>
      c.post(
        'ResolveRecipients',
        R(
          'ResolveRecipients',
          to.map((t) => R('To', t)),
          R('Options', R('Picture', R('MaxSize', 36_864), R('MaxPictures', max))),
        ),
      );
    const [ingrid, borislav, stranger] = kids(
      (await ask(5, 'ingrid.halvorsen@example.test', 'borislav.novak@example.test', 'x@nowhere.test')).tree as El,
      'Response',
    );
    const picture = pictureResult(kid(kid(ingrid as El, 'Recipient') as El, 'Picture') as El, 'ResolveRecipients');
    expect(picture).toEqual({ status: 1, data: portrait(7) });
    expect(textAt(borislav, 'Recipient', 'Picture', 'Status')).toBe('173');
    expect(textAt(borislav, 'Recipient', 'Picture', 'Data')).toBeUndefined();
    expect([textAt(stranger, 'Status'), kids(stranger as El, 'Recipient')]).toEqual(['4', []]);
    const [first, second] = kids((await ask(1, 'ingrid.halvorsen@example.test', 'bob@example.test')).tree as El, 'Response');
    expect([textAt(first, 'Recipient', 'Picture', 'Status'), textAt(second, 'Recipient', 'Picture', 'Status')]).toEqual(['1', '175']);
  });
});

describe('Settings', () => {
  it('sets and gets Oof', async () => {
    const { c } = await setup();
    const set = await c.post(
      'Settings',
      ST(
        'Settings',
        ST(
          'Oof',
          ST(
            'Set',
            ST('OofState', 1),
            ST('OofMessage', ST('AppliesToInternal'), ST('Enabled', 1), ST('ReplyMessage', '休暇中です'), ST('BodyType', 'Text')),
          ),
        ),
      ),
    );
    expect(textAt(set.tree as El, 'Oof', 'Status')).toBe('1');
    const get = await c.post('Settings', ST('Settings', ST('Oof', ST('Get', ST('BodyType', 'Text')))));
    const got = kid(kid(get.tree as El, 'Oof') as El, 'Get') as El;
    expect(textAt(got, 'OofState')).toBe('1');
    const internal = kids(got, 'OofMessage').find((m) => kid(m, 'AppliesToInternal'));
    expect(textAt(internal, 'ReplyMessage')).toBe('休暇中です');
    const bad = await c.post('Settings', ST('Settings', ST('Oof', ST('Set', ST('OofState', 2)))));
    expect(textAt(bad.tree as El, 'Oof', 'Status')).toBe('5');
  });

  it('keeps a time-based Oof per user and gives it back (XSD-valid) to that user only', async () => {
    const { c, s } = await setup();
    const set = await c.post(
      'Settings',
      ST(
        'Settings',
        ST(
          'Oof',
          ST(
            'Set',
            ST('OofState', 2),
            ST('StartTime', '2026-12-24T00:00:00.000Z'),
            ST('EndTime', '2027-01-04T00:00:00.000Z'),
            ST(
              'OofMessage',
              ST('AppliesToExternalUnknown'),
              ST('Enabled', 1),
              ST('ReplyMessage', 'Away until Jan 4'),
              ST('BodyType', 'Text'),
            ),
          ),
        ),
      ),
    );
    expect(textAt(set.tree as El, 'Oof', 'Status')).toBe('1');
    const got = kid(
      kid((await c.post('Settings', ST('Settings', ST('Oof', ST('Get', ST('BodyType', 'Text')))))).tree as El, 'Oof') as El,
      'Get',
    ) as El;
    expect([textAt(got, 'OofState'), textAt(got, 'StartTime'), textAt(got, 'EndTime')]).toEqual([
      '2',
      '2026-12-24T00:00:00.000Z',
      '2027-01-04T00:00:00.000Z',
    ]);
    expect(
      textAt(
        kids(got, 'OofMessage').find((m) => kid(m, 'AppliesToExternalUnknown')),
        'ReplyMessage',
      ),
    ).toBe('Away until Jan 4');
    expect(s.mock.world.users.get('bob')?.oof.state).toBe(0);
  });

  it.each([
    ['12.1', 'EmailAddresses'],
    ['14.0', 'EmailAddresses'],
    ['14.1', 'Accounts'],
    ['16.1', 'Accounts'],
  ])('gives UserInformation in the %s shape (%s) and takes DeviceInformation', async (version, shape) => {
    const { c, s } = await setup(version);
    const r = await c.post(
      'Settings',
      ST(
        'Settings',
        ST('UserInformation', ST('Get')),
        ST('DeviceInformation', ST('Set', ST('Model', 'Test'), ST('FriendlyName', 'テスト端末'))),
        version >= '14.1' && ST('RightsManagementInformation', ST('Get')),
      ),
    );
    const get = kid(kid(r.tree as El, 'UserInformation') as El, 'Get') as El;
    expect(kid(get, shape)).toBeDefined();
    expect(JSON.stringify(get)).toContain('alice@example.test');
    expect(textAt(r.tree as El, 'DeviceInformation', 'Status')).toBe('1');
    expect(s.mock.devices.find('alice', 'DEV1')?.information['FriendlyName']).toBe('テスト端末');
  });
});

describe('MoveItems', () => {
  it('moves a mail with a new ServerId and reports the statuses of MS-ASCMD 2.2.3.177.10', async () => {
    const { c, adds, alice } = await setup();
    const inbox = folderId(adds, 'Inbox');
    const archive = folderId(adds, 'Archive');
    const id = [...(alice.folders.get(inbox)?.store.items.keys() ?? [])][0] ?? '';
    const move = (src: string, from: string, to: string) => M('Move', M('SrcMsgId', src), M('SrcFldId', from), M('DstFldId', to));
    const r = await c.post(
      'MoveItems',
      M(
        'MoveItems',
        move(id, inbox, archive),
        move(id, inbox, archive),
        move('7:1', inbox, '4242'),
        move(id, archive, archive),
        move('x', archive, folderId(adds, 'Calendar')),
      ),
    );
    const results = kids(r.tree as El, 'Response').map((x) => textAt(x, 'Status'));
    expect(results).toEqual(['3', '1', '1', '4', '1']);
    const dst = textAt(kids(r.tree as El, 'Response')[0], 'DstMsgId') ?? '';
    expect(alice.folders.get(archive)?.store.items.has(dst)).toBe(true);
    expect(alice.folders.get(inbox)?.store.items.has(id)).toBe(false);
    expect(textOf(kid(kids(r.tree as El, 'Response')[0] as El, 'SrcMsgId'))).toBe(id);
  });

  it("tells the mover too: a Delete on its next Sync of the source, an Add on the destination's (MS-ASCMD 2.2.1.12)", async () => {
    const { c, adds, alice } = await setup();
    const inbox = folderId(adds, 'Inbox');
    const archive = folderId(adds, 'Archive');
    const src = await fullSync(c, inbox);
    const dst = await fullSync(c, archive);
    const id = [...src.ids][0] ?? '';
    const r = await c.post('MoveItems', M('MoveItems', M('Move', M('SrcMsgId', id), M('SrcFldId', inbox), M('DstFldId', archive))));
    const moved = textAt(kid(r.tree as El, 'Response') as El, 'DstMsgId') ?? '';
    const commands = async (folder: string, key: string) => {
      const next = await c.sync(A('Collection', A('SyncKey', key), A('CollectionId', folder), A('GetChanges', '1')));
      return kids(kid(next.collection as El, 'Commands') ?? A('Commands')).map((x) => `${x.name} ${textAt(x, 'ServerId')}`);
    };
    expect(await commands(inbox, src.key)).toEqual([`Delete ${id}`]);
    expect(await commands(archive, dst.key)).toEqual([`Add ${moved}`]);
    expect(alice.folders.get(archive)?.store.items.has(moved)).toBe(true);
  });
});

describe('Find (16.1)', () => {
  const FD = ns('Find');
  const find = (c: TestClient, criterion: El) =>
    c.post('Find', FD('Find', FD('SearchId', '6f1a2b3c-0000-4000-8000-000000000001'), FD('ExecuteSearch', criterion)));

  it('searches the mailbox and the GAL, and refuses a range not starting at 0 (Status 4)', async () => {
    const { c, adds } = await setup('16.1');
    const mailbox = await find(
      c,
      FD(
        'MailBoxSearchCriterion',
        FD('Query', FD('FreeText', 'Project Sakura'), A('Class', 'Email'), A('CollectionId', folderId(adds, 'Inbox'))),
        FD('Options', FD('Range', '0-4'), FD('DeepTraversal')),
      ),
    );
    const r = kid(mailbox.tree as El, 'Response') as El;
    expect([textAt(mailbox.tree as El, 'Status'), textAt(r, 'Status'), textAt(r, 'Store'), textAt(r, 'Range')]).toEqual([
      '1',
      '1',
      'Mailbox',
      '0-4',
    ]);
    expect(textAt(kid(r, 'Result'), 'Properties', 'Subject')).toMatch(/Project Sakura|キックオフ/);
    const gal = await find(c, FD('GalSearchCriterion', FD('Query', 'bob'), FD('Options', FD('Range', '0-9'))));
    const g = kid(gal.tree as El, 'Response') as El;
    expect(kids(g, 'Result').map((x) => textAt(x, 'Properties', 'EmailAddress'))).toContain('bob@example.test');
    const bad = await find(c, FD('GalSearchCriterion', FD('Query', 'bob'), FD('Options', FD('Range', '5-9'))));
    expect(textAt(bad.tree as El, 'Response', 'Status')).toBe('4');
    expect((await find(new TestClient(c.server, { version: '14.1' }), FD('GalSearchCriterion', FD('Query', 'bob')))).status).toBe(501);
  });
});
