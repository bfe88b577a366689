import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { SyncCollectionResult } from '../../src/eas/commands/sync.ts';
import { encodeContact, type Contact } from '../../src/eas/items/contact.ts';
import type { CalendarItem } from '../../src/eas/items/calendar.ts';
import { blobForZone } from '../../src/eas/items/timezone.ts';
import { applyOps, type WriteOp } from '../../src/store/db.ts';
import type { AccountRecord, FolderRecord, PendingRecord } from '../../src/store/schema.ts';
import { planResponse, type SentCollection } from '../../src/sync/apply.ts';
import { draftAccount } from '../../src/sync/account.ts';
import { readItem, sameContent, type ReadItem } from '../../src/sync/classes.ts';
import { escapeText, eventToIcs, rrule, vtimezone } from '../../src/sync/export.ts';
import { folderOwner, planHierarchy } from '../../src/sync/folders.ts';
import { journaledStore } from './support.ts';
import { snapshot } from './machine.ts';

const ctx = { version: '14.1' as const };
const account: AccountRecord = {
  ...draftAccount({ email: 'a@x.test', password: 'p', server: 'x.test' }, 'https://x.test', 'DEV', 0, 'acc'),
  version: '14.1',
};

function folder(serverId: string, parentId: string, displayName: string, type: number, extra: Partial<FolderRecord> = {}): FolderRecord {
  return {
    accountId: 'acc',
    serverId,
    parentId,
    displayName,
    type,
    class: 'Contacts',
    syncKey: '0',
    enabled: true,
    status: { kind: 'idle' },
    count: 0,
    unread: 0,
    ...extra,
  };
}

describe('folder owners', () => {
  const all = new Map([
    ['10', folder('10', '0', 'Shared Folders', 1)],
    ['11', folder('11', '10', 'Bob Becker', 1)],
    ['12', folder('12', '11', 'Calendar', 13)],
    ['13', folder('13', '0', "Bob's calendar", 13)],
    ['14', folder('14', '0', 'Calendar', 8)],
  ]);
  it('reads the owner from a possessive name or from the level under a shared root', () => {
    expect(folderOwner(all.get('12')!, all)).toBe('Bob Becker');
    expect(folderOwner(all.get('13')!, all)).toBe('Bob');
    expect(folderOwner(all.get('14')!, all)).toBeUndefined();
    expect(folderOwner(all.get('11')!, all)).toBeUndefined();
  });
});

describe('hierarchy plan', () => {
  it('a reset (key 0) keeps the folders that still exist with their state, and removes the rest with items and edits', () => {
    const existing = [
      folder('1', '0', 'Contacts', 9, { syncKey: '5.7', count: 12 }),
      folder('2', '0', 'Old', 14, { syncKey: '3.3', count: 4 }),
      folder('3', '2', 'Old child', 14, { syncKey: '3.4', count: 1 }),
    ];
    const pending: PendingRecord[] = [
      {
        id: 9,
        accountId: 'acc',
        kind: 'change',
        folderId: '2',
        serverId: 'x',
        payload: { class: 'Email', change: {} },
        createdAt: 0,
        attempts: 0,
      },
    ];
    const res = { added: [{ serverId: '1', parentId: '0', displayName: 'Kontakte', type: 9 as const }], updated: [], deleted: [] };
    const plan = planHierarchy(account, existing, res, true, pending);
    const puts = plan.ops.filter((o) => o.op === 'put').map((o) => (o as { value: FolderRecord }).value);
    expect(puts).toEqual([{ ...existing[0], displayName: 'Kontakte', class: 'Contacts' }]);
    const deleted = plan.ops
      .filter((o) => o.op !== 'put')
      .map((o) => `${o.store}:${o.op}:${JSON.stringify('key' in o ? o.key : 'lower' in o ? o.lower : '')}`);
    expect(deleted).toEqual(
      expect.arrayContaining([
        'folders:delete:["acc","2"]',
        'items:deleteRange:["acc","2"]',
        'folders:delete:["acc","3"]',
        'items:deleteRange:["acc","3"]',
        'pending:delete:9',
      ]),
    );
    expect(plan.removed).toBe(2);
  });
});

describe('hierarchy plan: a full list with every folder under a new id (Horde_ActiveSync)', () => {
  it('moves each folder to its new id with its state and queued edits, to download again; removes nothing', () => {
    const existing = [
      folder('F1a2b3c4d', '0', 'Inbox', 2, { syncKey: '{k}4', count: 30, unread: 6, filterType: 3 }),
      folder('F5e6f7a8b', 'F1a2b3c4d', 'Projects', 12, { syncKey: '{k}2', count: 5 }),
      folder('C11111111', '0', 'Contacts', 9, { syncKey: '{k}7', count: 4 }),
    ];
    const pending: PendingRecord[] = [
      {
        id: 9,
        accountId: 'acc',
        kind: 'change',
        folderId: 'C11111111',
        serverId: 'seed-alice-carol',
        payload: { class: 'Contacts', next: { lastName: 'Carol' } },
        createdAt: 0,
        attempts: 0,
      },
      {
        id: 10,
        accountId: 'acc',
        kind: 'move',
        folderId: 'F1a2b3c4d',
        serverId: '7',
        payload: { dstFolderId: 'F5e6f7a8b', placeholder: 'moved:7' },
        createdAt: 0,
        attempts: 0,
      },
    ];
    // Horde's FolderSync with key 0: the same folders, new ServerIds, in another order.
    const res = {
      updated: [],
      deleted: [],
      added: [
        { serverId: 'C22222222', parentId: '0', displayName: 'Contacts', type: 9 as const },
        { serverId: 'F9999aaaa', parentId: 'F0000bbbb', displayName: 'Projects', type: 12 as const },
        { serverId: 'F0000bbbb', parentId: '0', displayName: 'Inbox', type: 2 as const },
      ],
    };
    const plan = planHierarchy(account, existing, res, true, pending);
    expect([...plan.renamed]).toEqual([
      ['F1a2b3c4d', 'F0000bbbb'],
      ['F5e6f7a8b', 'F9999aaaa'],
      ['C11111111', 'C22222222'],
    ]);
    expect(plan.removed).toBe(0);
    const puts = (store: string) => plan.ops.filter((o) => o.op === 'put' && o.store === store).map((o) => (o as { value: unknown }).value);
    expect(puts('folders')).toEqual(
      expect.arrayContaining([
        { ...existing[0], serverId: 'F0000bbbb', syncKey: '0', class: 'Email' },
        { ...existing[1], serverId: 'F9999aaaa', parentId: 'F0000bbbb', syncKey: '0', class: 'Email' },
        { ...existing[2], serverId: 'C22222222', syncKey: '0' },
      ]),
    );
    expect(puts('pending')).toEqual([
      { ...pending[0], folderId: 'C22222222' },
      { ...pending[1], folderId: 'F0000bbbb', payload: { dstFolderId: 'F9999aaaa', placeholder: 'moved:7' } },
    ]);
    expect(plan.ops.filter((o) => o.store === 'pending' && o.op === 'delete')).toEqual([]);
    expect(plan.ops.filter((o) => o.store === 'folders' && o.op === 'delete').map((o) => (o as { key: unknown }).key)).toEqual([
      ['acc', 'F1a2b3c4d'],
      ['acc', 'F5e6f7a8b'],
      ['acc', 'C11111111'],
    ]);
  });

  it('matches only folders whose type and path of names are unique on both sides', () => {
    const existing = [folder('A1', '0', 'Same', 12), folder('A2', '0', 'Same', 12), folder('A3', '0', 'Alone', 12)];
    const res = {
      updated: [],
      deleted: [],
      added: [
        { serverId: 'B1', parentId: '0', displayName: 'Same', type: 12 as const },
        { serverId: 'B2', parentId: '0', displayName: 'Same', type: 12 as const },
        { serverId: 'B3', parentId: '0', displayName: 'Alone', type: 12 as const },
      ],
    };
    expect([...planHierarchy(account, existing, res, true).renamed]).toEqual([['A3', 'B3']]);
  });
});

describe('applying a Sync response', () => {
  const appData = (c: Contact) => readItem('Contacts', encodeContact(c, ctx), ctx);
  const response: SyncCollectionResult<ReadItem> = {
    collectionId: 'f',
    syncKey: '2',
    status: 1,
    moreAvailable: false,
    responses: [],
    commands: [
      { kind: 'Add', serverId: 's1', applicationData: appData({ fileAs: 'One' }) },
      { kind: 'Add', serverId: 's2', applicationData: appData({ fileAs: 'Two' }) },
      { kind: 'Change', serverId: 's1', applicationData: appData({ fileAs: 'One bis' }) },
      { kind: 'Delete', serverId: 's2' },
    ],
  };

  async function applyTwice() {
    const { store } = await journaledStore();
    const f = folder('f', '0', 'Contacts', 9, { syncKey: '1' });
    await store.commit([{ store: 'folders', op: 'put', value: f }]);
    const dumps: WriteOp[][] = [];
    for (let i = 0; i < 2; i++) {
      const fresh = (await store.db.get('folders', ['acc', 'f']))!;
      const items = new Map((await store.db.getAll('items')).map((x) => [x.serverId, x]));
      const sent = new Map<string, SentCollection>([
        ['f', { folder: { ...fresh, syncKey: '1' }, cls: 'Contacts', sent: [], items, complete: false }],
      ]);
      const plan = planResponse([response], sent, { account, ctx, now: 1000, generation: 0, pending: [], nextId: () => 1 });
      await applyOps(store.db, plan.ops);
      dumps.push(await snapshot(store));
    }
    return dumps;
  }

  it('is idempotent: the same response twice gives the same store; an Add of a held ServerId overwrites', async () => {
    const [first, second] = await applyTwice();
    expect(second).toEqual(first);
    const items = first!.filter((o) => o.store === 'items').map((o) => (o as { value: { serverId: string; data: Contact } }).value);
    expect(items.map((i) => [i.serverId, i.data.fileAs])).toEqual([['s1', 'One bis']]);
    const f = first!.find((o) => o.store === 'folders') as { value: FolderRecord };
    expect(f.value).toMatchObject({ syncKey: '2', count: 1 });
  });
});

describe('recognizing an add after the server lost the ClientIds', () => {
  it('matches when every field sent is on the server item, with extra server fields allowed', () => {
    expect(sameContent('Contacts', { fileAs: 'A', firstName: 'A' }, { fileAs: 'A', firstName: 'A', jobTitle: 'server' }, ctx)).toBe(true);
    expect(sameContent('Contacts', { fileAs: 'A', firstName: 'A' }, { fileAs: 'A' }, ctx)).toBe(false);
    expect(sameContent('Contacts', { fileAs: 'A' }, { fileAs: 'B' }, ctx)).toBe(false);
  });
});

describe('iCalendar export', () => {
  it('escapes text', () => {
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
  });

  it('writes RRULEs for every recurrence type', () => {
    expect(rrule({ type: 0, interval: 2, occurrences: 5 })).toBe('RRULE:FREQ=DAILY;INTERVAL=2;COUNT=5');
    expect(rrule({ type: 1, dayOfWeek: 2 + 8, until: new Date(Date.UTC(2026, 0, 31, 9)) })).toBe(
      'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260131T090000Z',
    );
    expect(rrule({ type: 2, dayOfMonth: 15 })).toBe('RRULE:FREQ=MONTHLY;BYMONTHDAY=15');
    expect(rrule({ type: 3, dayOfWeek: 4, weekOfMonth: 5 })).toBe('RRULE:FREQ=MONTHLY;BYDAY=-1TU');
    expect(rrule({ type: 3, dayOfWeek: 62, weekOfMonth: 1 })).toBe('RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1');
    expect(rrule({ type: 3, dayOfWeek: 127, weekOfMonth: 5 })).toBe('RRULE:FREQ=MONTHLY;BYMONTHDAY=-1');
    expect(rrule({ type: 5, monthOfYear: 12, dayOfMonth: 24 })).toBe('RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24');
    expect(rrule({ type: 6, monthOfYear: 11, dayOfWeek: 16, weekOfMonth: 4 })).toBe('RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH');
  });

  it('builds a VTIMEZONE with both transitions from a DST blob', () => {
    const tz = vtimezone('Europe/Berlin', blobForZone('Europe/Berlin', 2026));
    expect(tz).toEqual(
      expect.arrayContaining([
        'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
        'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
        'TZOFFSETFROM:+0200',
        'TZOFFSETTO:+0100',
        'TZOFFSETFROM:+0100',
        'TZOFFSETTO:+0200',
      ]),
    );
  });

  it('writes an all-day event as dates and a zoned event in its zone', () => {
    const allDay: CalendarItem = {
      subject: 'Holiday',
      startTime: new Date(Date.UTC(2026, 4, 3, 15)),
      endTime: new Date(Date.UTC(2026, 4, 4, 15)),
      allDayEvent: true,
      timezone: blobForZone('Asia/Tokyo', 2026),
    };
    expect(eventToIcs(allDay, 'u1')).toMatch(/DTSTART;VALUE=DATE:20260504\r\nDTEND;VALUE=DATE:20260505\r\n/);
    const zoned: CalendarItem = {
      subject: 'Meeting',
      startTime: new Date(Date.UTC(2026, 6, 1, 7)),
      endTime: new Date(Date.UTC(2026, 6, 1, 8)),
      timezone: blobForZone('Europe/Berlin', 2026),
    };
    expect(eventToIcs(zoned, 'u2')).toMatch(/DTSTART;TZID=[^:]+:20260701T090000\r\n/);
    const utc: CalendarItem = {
      subject: 'No zone',
      startTime: new Date(Date.UTC(2026, 6, 1, 7)),
      endTime: new Date(Date.UTC(2026, 6, 1, 8)),
    };
    expect(eventToIcs(utc, 'u3')).toMatch(/DTSTART:20260701T070000Z\r\n/);
  });
});
