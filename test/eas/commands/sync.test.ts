import { describe, expect, it } from 'vitest';
import {
  buildSync,
  describeSyncStatus,
  parseSync,
  serverIdsByClientId,
  syncStatusText,
  type SyncCollection,
} from '../../../src/eas/commands/sync.ts';
import { EasProtocolError } from '../../../src/eas/command.ts';
import type { El } from '../../../src/wbxml/tree.ts';
import { decodeEas, easFromXml, encodeEas } from '../../../src/eas/wbxml.ts';
import { el, ns } from '../../../src/wbxml/tree.ts';
import type { EasVersion } from '../../../src/eas/version.ts';

const as = ns('AirSync');
const asb = ns('AirSyncBase');
const em = ns('Email');
const ctx = (version: EasVersion) => ({ version });
const v141 = ctx('14.1');

const body = (c: SyncCollection, version: EasVersion = '14.1'): El => {
  const b = buildSync({ collections: [c] }, ctx(version)).body as El;
  return b;
};
const collectionOf = (b: El): El => (b.children[0] as El).children[0] as El;
const names = (e: El): string[] => e.children.map((c) => (c as El).name);

describe('buildSync: request shape', () => {
  it('primes a collection with SyncKey 0 (no GetChanges, no Commands)', () => {
    const req = buildSync({ collections: [{ syncKey: '0', collectionId: '5' }] }, v141);
    expect(req.cmd).toBe('Sync');
    expect(req.body).toEqual(as('Sync', as('Collections', as('Collection', as('SyncKey', '0'), as('CollectionId', '5')))));
  });

  it('writes Collection children in the strict order of MS-ASCMD 2.2.3.29.2', () => {
    const c = collectionOf(
      body({
        syncKey: '12',
        collectionId: '5',
        deletesAsMoves: true,
        getChanges: true,
        windowSize: 100,
        conversationMode: true,
        options: [{ filterType: 3, bodyPreferences: [{ type: 2, truncationSize: 51200, allOrNone: false, preview: 255 }] }],
        commands: [{ kind: 'Delete', serverId: '5:1' }],
      }),
    );
    expect(names(c)).toEqual([
      'SyncKey',
      'CollectionId',
      'DeletesAsMoves',
      'GetChanges',
      'WindowSize',
      'ConversationMode',
      'Options',
      'Commands',
    ]);
    expect(c.children[2]).toEqual(as('DeletesAsMoves', '1'));
    expect(c.children[6]).toEqual(
      as(
        'Options',
        as('FilterType', '3'),
        asb('BodyPreference', asb('Type', '2'), asb('TruncationSize', '51200'), asb('AllOrNone', '0'), asb('Preview', '255')),
      ),
    );
  });

  it('sends Supported for the initial contacts sync (ghosting)', () => {
    const supported = [el('Contacts', 'Email1Address'), el('Contacts', 'FileAs')];
    const c = collectionOf(body({ syncKey: '0', collectionId: '2', supported }));
    expect(c.children[2]).toEqual(as('Supported', el('Contacts', 'Email1Address'), el('Contacts', 'FileAs')));
  });

  it('writes all Options children', () => {
    const c = collectionOf(
      body({
        syncKey: '3',
        collectionId: '5',
        options: [
          {
            filterType: 0,
            bodyPreferences: [{ type: 1, truncationSize: 2048 }, { type: 4 }],
            bodyPartPreference: { type: 2, truncationSize: 5120, allOrNone: true, preview: 100 },
            conflict: 1,
            mimeSupport: 2,
            mimeTruncation: 8,
            maxItems: 50,
            rightsManagementSupport: true,
          },
        ],
      }),
    );
    const o = c.children[2] as El;
    expect(o.children).toEqual([
      as('FilterType', '0'),
      asb('BodyPreference', asb('Type', '1'), asb('TruncationSize', '2048')),
      asb('BodyPreference', asb('Type', '4')),
      asb('BodyPartPreference', asb('Type', '2'), asb('TruncationSize', '5120'), asb('AllOrNone', '1'), asb('Preview', '100')),
      as('Conflict', '1'),
      as('MIMESupport', '2'),
      as('MIMETruncation', '8'),
      as('MaxItems', '50'),
      el('RightsManagement', 'RightsManagementSupport', '1'),
    ]);
  });

  it('writes two Options with Class for an Email folder that also holds SMS (14.0+)', () => {
    const c = collectionOf(
      body(
        {
          syncKey: '3',
          collectionId: '5',
          options: [
            { class: 'Email', filterType: 3 },
            { class: 'SMS', filterType: 1 },
          ],
        },
        '14.0',
      ),
    );
    expect(c.children.slice(2)).toEqual([
      as('Options', as('Class', 'Email'), as('FilterType', '3')),
      as('Options', as('Class', 'SMS'), as('FilterType', '1')),
    ]);
  });

  it('puts Class first in a 12.1 Collection', () => {
    const c = collectionOf(body({ class: 'Email', syncKey: '0', collectionId: '5' }, '12.1'));
    expect(names(c)).toEqual(['Class', 'SyncKey', 'CollectionId']);
  });

  it('uploads Add, Change, Delete and Fetch commands', () => {
    const data = as('ApplicationData', el('Tasks', 'Subject', 'Buy milk'));
    const c = collectionOf(
      body({
        syncKey: '9',
        collectionId: '7',
        commands: [
          { kind: 'Add', clientId: 'c-1', applicationData: data },
          { kind: 'Change', serverId: '7:3', applicationData: data },
          { kind: 'Delete', serverId: '7:4' },
          { kind: 'Fetch', serverId: '7:5' },
        ],
      }),
    );
    expect(c.children[2]).toEqual(
      as(
        'Commands',
        as('Add', as('ClientId', 'c-1'), data),
        as('Change', as('ServerId', '7:3'), data),
        as('Delete', as('ServerId', '7:4')),
        as('Fetch', as('ServerId', '7:5')),
      ),
    );
  });

  it('sends InstanceId in Change and Delete for one occurrence (16.0+) and Add/Class (14.0+)', () => {
    const data = as('ApplicationData', el('Calendar', 'Subject', 'Moved'));
    const c = collectionOf(
      body(
        {
          syncKey: '9',
          collectionId: '1',
          commands: [
            { kind: 'Change', serverId: '1:2', instanceId: '20250301T090000Z', applicationData: data },
            { kind: 'Delete', serverId: '1:2', instanceId: '20250308T090000Z' },
            { kind: 'Add', clientId: 'x', class: 'SMS', applicationData: as('ApplicationData') },
          ],
        },
        '16.1',
      ),
    );
    expect(c.children[2]).toEqual(
      as(
        'Commands',
        as('Change', as('ServerId', '1:2'), asb('InstanceId', '20250301T090000Z'), data),
        as('Delete', as('ServerId', '1:2'), asb('InstanceId', '20250308T090000Z')),
        as('Add', as('Class', 'SMS'), as('ClientId', 'x'), as('ApplicationData')),
      ),
    );
  });

  it('16.x: a Change that sends a draft carries email2:Send after ApplicationData (MS-ASEMAIL 2.2.2.69); 14.1 refuses it', () => {
    const data = as('ApplicationData', em('Subject', 'Lunch'));
    const change = { kind: 'Change' as const, serverId: '3:1', applicationData: data, send: true };
    const c = collectionOf(body({ syncKey: '9', collectionId: '3', commands: [change] }, '16.0'));
    expect(c.children[2]).toEqual(as('Commands', as('Change', as('ServerId', '3:1'), data, el('Email2', 'Send'))));
    expect(() => buildSync({ collections: [{ syncKey: '9', collectionId: '3', commands: [change] }] }, v141)).toThrow(
      /email2:Send needs EAS 16\.0/,
    );
  });

  it('writes request-level HeartbeatInterval, WindowSize and Partial after Collections', () => {
    const req = buildSync(
      { collections: [{ syncKey: '4', collectionId: '5' }], heartbeatInterval: 480, windowSize: 200, partial: true },
      v141,
    );
    expect(names(req.body as El)).toEqual(['Collections', 'HeartbeatInterval', 'WindowSize', 'Partial']);
    expect((req.body as El).children[3]).toEqual(as('Partial'));
    const waiting = buildSync({ wait: 10, partial: true }, ctx('12.1'));
    expect(waiting.body).toEqual(as('Sync', as('Wait', '10'), as('Partial')));
  });

  it('sends no body for an empty Sync request (12.1+)', () => {
    expect(buildSync({}, v141)).toEqual({ cmd: 'Sync' });
    expect(buildSync({ collections: [] }, ctx('16.0'))).toEqual({ cmd: 'Sync' });
  });
});

describe('buildSync: refuses what the spec forbids', () => {
  it('GetChanges or Commands with SyncKey 0', () => {
    expect(() => body({ syncKey: '0', collectionId: '5', getChanges: true })).toThrow(/GetChanges/);
    expect(() => body({ syncKey: '0', collectionId: '5', commands: [{ kind: 'Fetch', serverId: '1' }] })).toThrow(/Commands/);
    expect(collectionOf(body({ syncKey: '0', collectionId: '5', getChanges: false })).children[2]).toEqual(as('GetChanges', '0'));
  });

  it('Partial alone', () => {
    expect(() => buildSync({ partial: true }, v141)).toThrow(/Partial cannot be sent alone/);
    expect(buildSync({ partial: true, windowSize: 10 }, v141).body).toEqual(as('Sync', as('WindowSize', '10'), as('Partial')));
  });

  it('Wait together with HeartbeatInterval', () => {
    expect(() => buildSync({ wait: 5, heartbeatInterval: 300 }, v141)).toThrow(/not both/);
  });

  it('elements the negotiated version does not have', () => {
    const data = as('ApplicationData');
    expect(() => buildSync({ heartbeatInterval: 300 }, ctx('12.1'))).toThrow(/HeartbeatInterval needs EAS 14.0/);
    expect(() => buildSync({ wait: 5 }, ctx('12.0'))).toThrow(/Wait needs EAS 12.1/);
    expect(() => buildSync({}, ctx('12.0'))).toThrow(/empty Sync request/);
    expect(() => body({ syncKey: '1', collectionId: '1', conversationMode: true }, '12.1')).toThrow(/ConversationMode/);
    expect(() => body({ syncKey: '1', collectionId: '1', options: [{ class: 'SMS' }] }, '12.1')).toThrow(/Options\/Class/);
    expect(() => body({ syncKey: '1', collectionId: '1', options: [{}, {}] }, '12.1')).toThrow(/second Options/);
    expect(() => body({ syncKey: '1', collectionId: '1', class: 'Email' }, '14.0')).toThrow(/Collection\/Class/);
    expect(() => body({ syncKey: '1', collectionId: '1', options: [{ bodyPreferences: [{ type: 2, preview: 100 }] }] }, '12.1')).toThrow(
      /Preview/,
    );
    expect(() => body({ syncKey: '1', collectionId: '1', options: [{ bodyPartPreference: { type: 2 } }] }, '14.0')).toThrow(
      /BodyPartPreference/,
    );
    expect(() => body({ syncKey: '1', collectionId: '1', options: [{ rightsManagementSupport: true }] }, '14.0')).toThrow(
      /RightsManagementSupport/,
    );
    expect(() => body({ syncKey: '1', collectionId: '1', commands: [{ kind: 'Delete', serverId: 'a', instanceId: 'x' }] }, '14.1')).toThrow(
      /InstanceId needs EAS 16.0/,
    );
    expect(() =>
      body({ syncKey: '1', collectionId: '1', commands: [{ kind: 'Add', clientId: 'a', class: 'SMS', applicationData: data }] }, '12.1'),
    ).toThrow(/Add\/Class/);
  });

  it('ApplicationData that is not AirSync:ApplicationData', () => {
    const wrong = em('Subject', 'x');
    expect(() => body({ syncKey: '1', collectionId: '1', commands: [{ kind: 'Add', clientId: 'a', applicationData: wrong }] })).toThrow(
      /ApplicationData/,
    );
  });
});

const mail = (id: string, subject: string) => as('Add', as('ServerId', id), as('ApplicationData', em('Subject', subject), em('Read', '0')));

describe('parseSync', () => {
  it('treats an empty body as "no changes"', () => {
    expect(parseSync(null, v141)).toEqual({ empty: true, status: 1, collections: [] });
  });

  it('reads the priming response of SyncKey 0', () => {
    const r = parseSync(
      as('Sync', as('Collections', as('Collection', as('SyncKey', '1055'), as('CollectionId', '5'), as('Status', '1')))),
      v141,
    );
    expect(r.empty).toBe(false);
    expect(r.status).toBe(1);
    expect(r.collections).toEqual([
      {
        collectionId: '5',
        syncKey: '1055',
        status: 1,
        class: undefined,
        moreAvailable: false,
        commands: [],
        responses: [],
      },
    ]);
  });

  it('pages with MoreAvailable and keeps server commands in document order', () => {
    const page1 = as(
      'Sync',
      as(
        'Collections',
        as(
          'Collection',
          as('SyncKey', '2'),
          as('CollectionId', '5'),
          as('Status', '1'),
          as('MoreAvailable'),
          as(
            'Commands',
            mail('5:1', 'one'),
            mail('5:2', 'two'),
            as('Change', as('ServerId', '5:0'), as('ApplicationData', em('Read', '1'))),
            as('Delete', as('ServerId', '5:9')),
            as('SoftDelete', as('ServerId', '5:8')),
          ),
        ),
      ),
    );
    const c1 = parseSync(page1, v141).collections[0];
    expect(c1?.moreAvailable).toBe(true);
    expect(c1?.syncKey).toBe('2');
    expect(c1?.commands.map((c) => `${c.kind} ${c.serverId}`)).toEqual([
      'Add 5:1',
      'Add 5:2',
      'Change 5:0',
      'Delete 5:9',
      'SoftDelete 5:8',
    ]);
    const first = c1?.commands[0];
    expect(first?.kind === 'Add' && first.applicationData).toEqual(as('ApplicationData', em('Subject', 'one'), em('Read', '0')));

    const page2 = as(
      'Sync',
      as(
        'Collections',
        as('Collection', as('SyncKey', '3'), as('CollectionId', '5'), as('Status', '1'), as('Commands', mail('5:3', 'three'))),
      ),
    );
    const c2 = parseSync(page2, v141).collections[0];
    expect(c2?.moreAvailable).toBe(false);
    expect(c2?.commands).toHaveLength(1);
  });

  it('maps ClientId to ServerId from Responses, with per-item statuses', () => {
    const r = parseSync(
      as(
        'Sync',
        as(
          'Collections',
          as(
            'Collection',
            as('SyncKey', '8'),
            as('CollectionId', '7'),
            as('Status', '1'),
            as(
              'Responses',
              as('Add', as('ClientId', 'c-1'), as('ServerId', '7:20'), as('Status', '1')),
              as('Add', as('ClientId', 'c-2'), as('Status', '6')),
              as('Add', as('ClientId', 'c-3'), as('ServerId', '7:21'), as('Status', '1')),
              as('Change', as('ServerId', '7:3'), as('Status', '7')),
              as('Delete', as('ServerId', '7:4'), asb('InstanceId', '20250308T090000Z'), as('Status', '8')),
              as('Fetch', as('ServerId', '7:5'), as('Status', '1'), as('ApplicationData', el('Tasks', 'Subject', 'full'))),
            ),
          ),
        ),
      ),
      ctx('16.0'),
    );
    const c = r.collections[0]!;
    expect(serverIdsByClientId(c)).toEqual(
      new Map([
        ['c-1', '7:20'],
        ['c-3', '7:21'],
      ]),
    );
    expect(c.responses[1]).toEqual({
      kind: 'Add',
      clientId: 'c-2',
      serverId: undefined,
      status: 6,
      class: undefined,
      applicationData: undefined,
    });
    expect(c.responses[3]).toEqual({ kind: 'Change', serverId: '7:3', instanceId: undefined, status: 7, class: undefined });
    expect(c.responses[4]).toEqual({ kind: 'Delete', serverId: '7:4', instanceId: '20250308T090000Z', status: 8 });
    const fetch = c.responses[5];
    expect(fetch?.kind === 'Fetch' && fetch.applicationData).toEqual(as('ApplicationData', el('Tasks', 'Subject', 'full')));
  });

  it('reads 16.x Add responses that carry ApplicationData', () => {
    const r = parseSync(
      as(
        'Sync',
        as(
          'Collections',
          as(
            'Collection',
            as('SyncKey', '8'),
            as('CollectionId', '1'),
            as('Status', '1'),
            as(
              'Responses',
              as(
                'Add',
                as('ClientId', 'e1'),
                as('ServerId', '1:9'),
                as('Status', '1'),
                as('ApplicationData', el('Calendar', 'UID', 'abc')),
              ),
            ),
          ),
        ),
      ),
      ctx('16.1'),
    );
    const add = r.collections[0]?.responses[0];
    expect(add?.kind === 'Add' && add.applicationData).toEqual(as('ApplicationData', el('Calendar', 'UID', 'abc')));
  });

  it('reads Class in 12.1 collections and commands', () => {
    const r = parseSync(
      as(
        'Sync',
        as(
          'Collections',
          as(
            'Collection',
            as('Class', 'Email'),
            as('SyncKey', '2'),
            as('CollectionId', '5'),
            as('Status', '1'),
            as('Commands', as('Delete', as('Class', 'Email'), as('ServerId', '5:1'))),
          ),
        ),
      ),
      ctx('12.1'),
    );
    expect(r.collections[0]?.class).toBe('Email');
    expect(r.collections[0]?.commands[0]).toEqual({ kind: 'Delete', serverId: '5:1', class: 'Email' });
  });

  it('reads collection errors without a SyncKey (3: start over, 12: FolderSync first)', () => {
    for (const code of [3, 5, 8, 9, 12, 16]) {
      const r = parseSync(as('Sync', as('Collections', as('Collection', as('CollectionId', '5'), as('Status', String(code))))), v141);
      expect(r.collections[0]?.status).toBe(code);
      expect(r.collections[0]?.syncKey).toBeUndefined();
    }
  });

  it('reads request-wide errors with Limit (14 and 15) and without (4, 13)', () => {
    expect(parseSync(as('Sync', as('Status', '14'), as('Limit', '3540')), v141)).toEqual({
      empty: false,
      status: 14,
      limit: 3540,
      collections: [],
    });
    expect(parseSync(as('Sync', as('Status', '15'), as('Limit', '1000')), v141).limit).toBe(1000);
    expect(parseSync(as('Sync', as('Status', '13')), v141)).toEqual({ empty: false, status: 13, limit: undefined, collections: [] });
    expect(parseSync(as('Sync', as('Status', '4')), v141).status).toBe(4);
  });

  it('skips unknown elements', () => {
    const r = parseSync(
      as(
        'Sync',
        as(
          'Collections',
          as(
            'Collection',
            as('SyncKey', '2'),
            as('CollectionId', '5'),
            as('Status', '1'),
            el('X', 'Vendor'),
            as('Commands', el('X', 'Oddity'), mail('5:1', 'a')),
            as('Responses', el('X', 'Other')),
          ),
        ),
      ),
      v141,
    );
    expect(r.collections[0]?.commands).toHaveLength(1);
    expect(r.collections[0]?.responses).toEqual([]);
  });

  it('passes over a successful Change response without ServerId (Horde_ActiveSync at 16.0), counting it', () => {
    // Horde 5.2's answer to a Contacts Change at 16.0, byte for byte: Responses/Change holds only
    // Status 1 (MS-ASCMD 2.2.3.166.8 requires the ServerId). The new SyncKey must not be lost.
    const raw =
      '03016a00454e033100015c4f4b037b36623134663139332d323336382d346561652d386238382d3164626637663030303030317d340001' +
      '520343316264343739653100014e0331000146484e033100010101010101';
    const r = parseSync(decodeEas(Uint8Array.from(Buffer.from(raw, 'hex'))), ctx('16.0'));
    expect(r.collections).toEqual([
      {
        collectionId: 'C1bd479e1',
        syncKey: '{6b14f193-2368-4eae-8b88-1dbf7f000001}4',
        status: 1,
        class: undefined,
        moreAvailable: false,
        commands: [],
        responses: [],
        changesWithoutServerId: 1,
      },
    ]);
  });

  it('still refuses a failed Change response without ServerId: the failure names no item', () => {
    const failed = as(
      'Sync',
      as(
        'Collections',
        as('Collection', as('SyncKey', '2'), as('CollectionId', '5'), as('Status', '1'), as('Responses', as('Change', as('Status', '6')))),
      ),
    );
    expect(() => parseSync(failed, v141)).toThrow(/Change\/ServerId/);
  });

  it('throws when required elements are missing', () => {
    const coll = (...c: El[]) => as('Sync', as('Collections', as('Collection', ...c)));
    expect(() => parseSync(coll(as('SyncKey', '1'), as('CollectionId', '5')), v141)).toThrow(/Collection\/Status/);
    expect(() => parseSync(coll(as('CollectionId', '5'), as('Status', '1')), v141)).toThrow(/SyncKey/);
    expect(() => parseSync(coll(as('SyncKey', '1'), as('Status', '1')), v141)).toThrow(/CollectionId/);
    expect(() =>
      parseSync(
        coll(as('SyncKey', '1'), as('CollectionId', '5'), as('Status', '1'), as('Commands', as('Add', as('ServerId', '5:1')))),
        v141,
      ),
    ).toThrow(/Add\/ApplicationData/);
    expect(() =>
      parseSync(
        coll(
          as('SyncKey', '1'),
          as('CollectionId', '5'),
          as('Status', '1'),
          as('Responses', as('Add', as('ServerId', '5:1'), as('Status', '1'))),
        ),
        v141,
      ),
    ).toThrow(/ClientId/);
    expect(() => parseSync(as('Ping'), v141)).toThrow(EasProtocolError);
  });
});

describe('Sync status codes', () => {
  it('lists 1, 3-9 and 12-16 with text', () => {
    expect(Object.keys(describeSyncStatus).map(Number)).toEqual([1, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16]);
    expect(syncStatusText(3)).toBe('Invalid synchronization key');
    expect(syncStatusText(2)).toBe('Unknown Sync status 2');
  });
});

describe('Sync on the wire', () => {
  const wire = (e: El): El => decodeEas(encodeEas(e));

  it('every element a full 16.1 request uses exists in the code pages', () => {
    const req = buildSync(
      {
        collections: [
          {
            syncKey: '0',
            collectionId: '2',
            supported: [el('Contacts', 'Email1Address'), el('Contacts', 'FileAs'), el('Contacts', 'Picture')],
          },
          {
            syncKey: '44',
            collectionId: '5',
            deletesAsMoves: true,
            getChanges: true,
            windowSize: 50,
            conversationMode: true,
            options: [
              {
                class: 'Email',
                filterType: 3,
                conflict: 1,
                mimeSupport: 1,
                mimeTruncation: 8,
                rightsManagementSupport: true,
                bodyPreferences: [{ type: 2, truncationSize: 32768, allOrNone: false, preview: 255 }],
                bodyPartPreference: { type: 2, truncationSize: 1024, preview: 100 },
              },
              { class: 'SMS', filterType: 1 },
            ],
            commands: [
              { kind: 'Add', clientId: 'n1', applicationData: as('ApplicationData', em('Subject', 'Draft')) },
              { kind: 'Change', serverId: '5:1', instanceId: '20250301T090000Z', applicationData: as('ApplicationData', em('Read', '1')) },
              { kind: 'Delete', serverId: '5:2' },
              { kind: 'Fetch', serverId: '5:3' },
            ],
          },
          { syncKey: '3', collectionId: 'RI', options: [{ maxItems: 200 }] },
        ],
        heartbeatInterval: 600,
        windowSize: 100,
        partial: true,
      },
      ctx('16.1'),
    );
    const body = req.body as El;
    expect(wire(body)).toEqual(body);
  });

  it('parses an Exchange-style response written as XML', () => {
    const root = easFromXml(`<?xml version="1.0" encoding="utf-8"?>
      <Sync xmlns="AirSync" xmlns:email="Email" xmlns:airsyncbase="AirSyncBase">
        <Collections>
          <Collection>
            <SyncKey>1346298462</SyncKey>
            <CollectionId>5</CollectionId>
            <Status>1</Status>
            <Commands>
              <Add>
                <ServerId>5:12</ServerId>
                <ApplicationData>
                  <email:To>"Alice" &lt;alice@example.test&gt;</email:To>
                  <email:Subject>Lunch?</email:Subject>
                  <email:DateReceived>2025-03-01T11:02:03.000Z</email:DateReceived>
                  <email:Read>0</email:Read>
                  <airsyncbase:Body>
                    <airsyncbase:Type>1</airsyncbase:Type>
                    <airsyncbase:EstimatedDataSize>512</airsyncbase:EstimatedDataSize>
                    <airsyncbase:Truncated>1</airsyncbase:Truncated>
                    <airsyncbase:Data>Shall we meet at noon</airsyncbase:Data>
                  </airsyncbase:Body>
                </ApplicationData>
              </Add>
            </Commands>
            <Responses>
              <Add><ClientId>n1</ClientId><ServerId>5:13</ServerId><Status>1</Status></Add>
            </Responses>
            <MoreAvailable/>
          </Collection>
        </Collections>
      </Sync>`);
    const c = parseSync(wire(root), v141).collections[0]!;
    expect(c.syncKey).toBe('1346298462');
    expect(c.moreAvailable).toBe(true);
    expect(serverIdsByClientId(c).get('n1')).toBe('5:13');
    const add = c.commands[0];
    if (add?.kind !== 'Add') throw new Error('expected an Add');
    expect(add.applicationData.children.map((x) => (x as El).name)).toEqual(['To', 'Subject', 'DateReceived', 'Read', 'Body']);
  });
});
