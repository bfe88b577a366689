import { describe, expect, it } from 'vitest';
import {
  buildItemOperations,
  describeItemOperationsStatus,
  itemOperationsStatusText,
  parseItemOperations,
} from '../../../src/eas/commands/itemoperations.ts';
import { EasProtocolError } from '../../../src/eas/command.ts';
import { decodeEas, easFromXml, encodeEas } from '../../../src/eas/wbxml.ts';
import type { El } from '../../../src/wbxml/tree.ts';
import { el, ns } from '../../../src/wbxml/tree.ts';

const io = ns('ItemOperations');
const as = ns('AirSync');
const asb = ns('AirSyncBase');
const v141 = { version: '14.1' } as const;
/** An email2:ConversationId: 16 bytes, opaque on the wire. */
const convId = new Uint8Array([0x1f, 0x3c, 0x5e, 0x70, 0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8, 0x09, 0x1a, 0x2b, 0x3c]);

describe('buildItemOperations', () => {
  it('fetches a mail body: Store, CollectionId, ServerId, Options', () => {
    const req = buildItemOperations(
      {
        operations: [
          {
            kind: 'Fetch',
            target: { collectionId: '5', serverId: '5:12' },
            options: { bodyPreferences: [{ type: 2, truncationSize: 1_000_000, allOrNone: true }], mimeSupport: 0 },
          },
        ],
      },
      v141,
    );
    expect(req.cmd).toBe('ItemOperations');
    expect(req.body).toEqual(
      io(
        'ItemOperations',
        io(
          'Fetch',
          io('Store', 'Mailbox'),
          as('CollectionId', '5'),
          as('ServerId', '5:12'),
          io(
            'Options',
            as('MIMESupport', '0'),
            asb('BodyPreference', asb('Type', '2'), asb('TruncationSize', '1000000'), asb('AllOrNone', '1')),
          ),
        ),
      ),
    );
  });

  it('fetches an attachment by FileReference, optionally a byte range', () => {
    const req = buildItemOperations(
      {
        operations: [
          { kind: 'Fetch', target: { fileReference: '5%3a12%3a0' } },
          { kind: 'Fetch', target: { fileReference: '5%3a12%3a1' }, options: { range: '0-65535' } },
        ],
      },
      v141,
    );
    expect((req.body as El).children).toEqual([
      io('Fetch', io('Store', 'Mailbox'), asb('FileReference', '5%3a12%3a0')),
      io('Fetch', io('Store', 'Mailbox'), asb('FileReference', '5%3a12%3a1'), io('Options', io('Range', '0-65535'))),
    ]);
  });

  it('fetches a Search result by LongId and a document by LinkId with credentials and Schema', () => {
    const req = buildItemOperations(
      {
        operations: [
          { kind: 'Fetch', target: { longId: 'RgAAAAD' }, options: { bodyPreferences: [{ type: 1 }] } },
          {
            kind: 'Fetch',
            target: { linkId: '\\\\fs\\share\\a.docx' },
            options: { schema: [el('DocumentLibrary', 'DisplayName')], range: '0-99', userName: 'alice', password: 'pw' },
          },
        ],
      },
      v141,
    );
    expect((req.body as El).children).toEqual([
      io('Fetch', io('Store', 'Mailbox'), el('Search', 'LongId', 'RgAAAAD'), io('Options', asb('BodyPreference', asb('Type', '1')))),
      io(
        'Fetch',
        io('Store', 'DocumentLibrary'),
        el('DocumentLibrary', 'LinkId', '\\\\fs\\share\\a.docx'),
        io(
          'Options',
          io('Schema', el('DocumentLibrary', 'DisplayName')),
          io('Range', '0-99'),
          io('UserName', 'alice'),
          io('Password', 'pw'),
        ),
      ),
    ]);
  });

  it('empties a folder (with subfolders) and moves a conversation', () => {
    const req = buildItemOperations(
      {
        operations: [
          { kind: 'EmptyFolderContents', collectionId: '4', deleteSubFolders: true },
          { kind: 'EmptyFolderContents', collectionId: '9' },
          { kind: 'Move', conversationId: convId, dstFldId: '12', moveAlways: true },
        ],
      },
      { version: '14.0' },
    );
    expect((req.body as El).children).toEqual([
      io('EmptyFolderContents', as('CollectionId', '4'), io('Options', io('DeleteSubFolders'))),
      io('EmptyFolderContents', as('CollectionId', '9')),
      io('Move', io('ConversationId', convId), io('DstFldId', '12'), io('Options', io('MoveAlways'))),
    ]);
  });

  it('asks for IRM handling on 14.1', () => {
    const req = buildItemOperations(
      {
        operations: [
          {
            kind: 'Fetch',
            target: { serverId: '5:1' },
            options: { rightsManagementSupport: true, bodyPartPreference: { type: 2, preview: 200 } },
            removeRightsManagementProtection: true,
          },
        ],
      },
      v141,
    );
    expect((req.body as El).children[0]).toEqual(
      io(
        'Fetch',
        io('Store', 'Mailbox'),
        as('ServerId', '5:1'),
        io(
          'Options',
          asb('BodyPartPreference', asb('Type', '2'), asb('Preview', '200')),
          el('RightsManagement', 'RightsManagementSupport', '1'),
        ),
        el('RightsManagement', 'RemoveRightsManagementProtection'),
      ),
    );
  });

  it('refuses options other than range with a FileReference, and version-less elements', () => {
    expect(() =>
      buildItemOperations(
        {
          operations: [{ kind: 'Fetch', target: { fileReference: 'f' }, options: { mimeSupport: 2 } }],
        },
        v141,
      ),
    ).toThrow(/only the range option/);
    expect(() =>
      buildItemOperations({ operations: [{ kind: 'Move', conversationId: convId, dstFldId: '1' }] }, { version: '12.1' }),
    ).toThrow(/Move needs EAS 14.0/);
    expect(() => buildItemOperations({ operations: [] }, { version: '2.5' })).toThrow(/12.0/);
    expect(() =>
      buildItemOperations(
        {
          operations: [{ kind: 'Fetch', target: { serverId: '1' }, removeRightsManagementProtection: true }],
        },
        { version: '14.0' },
      ),
    ).toThrow(/RemoveRightsManagementProtection/);
  });
});

describe('parseItemOperations', () => {
  it('reads a fetched mail with its Properties and Body', () => {
    const r = parseItemOperations(
      io(
        'ItemOperations',
        io('Status', '1'),
        io(
          'Response',
          io(
            'Fetch',
            io('Status', '1'),
            as('CollectionId', '5'),
            as('ServerId', '5:12'),
            as('Class', 'Email'),
            io(
              'Properties',
              el('Email', 'Subject', 'Quarterly report'),
              asb('Body', asb('Type', '2'), asb('EstimatedDataSize', '48213'), asb('Truncated', '0'), asb('Data', '<html>…</html>')),
            ),
          ),
        ),
      ),
      v141,
    );
    expect(r.status).toBe(1);
    const f = r.results[0];
    if (f?.kind !== 'Fetch') throw new Error('expected a Fetch result');
    expect([f.status, f.collectionId, f.serverId, f.class]).toEqual([1, '5', '5:12', 'Email']);
    expect(f.properties?.body).toEqual({ type: 2, estimatedDataSize: 48213, truncated: false, data: '<html>…</html>', part: undefined });
    expect(f.properties?.el.children[0]).toEqual(el('Email', 'Subject', 'Quarterly report'));
  });

  it('reads an inline attachment: ContentType, Range, Total, base64 Data', () => {
    const r = parseItemOperations(
      io(
        'ItemOperations',
        io('Status', '1'),
        io(
          'Response',
          io(
            'Fetch',
            io('Status', '1'),
            asb('FileReference', '5%3a12%3a0'),
            io('Properties', asb('ContentType', 'application/pdf'), io('Range', '0-4'), io('Total', '5'), io('Data', 'JVBERi0=')),
          ),
        ),
      ),
      v141,
    );
    const f = r.results[0];
    if (f?.kind !== 'Fetch') throw new Error('expected a Fetch result');
    expect(f.fileReference).toBe('5%3a12%3a0');
    expect(f.properties).toMatchObject({ contentType: 'application/pdf', range: '0-4', total: 5, data: 'JVBERi0=', part: undefined });
  });

  it('reads Part indexes of a multipart response (attachment and body)', () => {
    const r = parseItemOperations(
      io(
        'ItemOperations',
        io('Status', '1'),
        io(
          'Response',
          io('Fetch', io('Status', '1'), asb('FileReference', 'a'), io('Properties', asb('ContentType', 'image/png'), io('Part', '1'))),
          io('Fetch', io('Status', '1'), as('ServerId', '5:1'), io('Properties', asb('Body', asb('Type', '4'), io('Part', '2')))),
        ),
      ),
      v141,
    );
    const [a, b] = r.results;
    expect(a?.kind === 'Fetch' && a.properties?.part).toBe(1);
    expect(b?.kind === 'Fetch' && b.properties?.body?.part).toBe(2);
    expect(b?.kind === 'Fetch' && b.properties?.body?.data).toBeUndefined();
  });

  it('reads EmptyFolderContents and Move results, and per-operation errors', () => {
    const r = parseItemOperations(
      io(
        'ItemOperations',
        io('Status', '1'),
        io(
          'Response',
          io('EmptyFolderContents', io('Status', '17'), as('CollectionId', '4')),
          io('Move', io('Status', '1'), io('ConversationId', convId)),
          io('Fetch', io('Status', '15'), asb('FileReference', 'bad')),
          io('Fetch', io('Status', '6')),
        ),
      ),
      v141,
    );
    expect(r.results).toEqual([
      { kind: 'EmptyFolderContents', status: 17, collectionId: '4' },
      { kind: 'Move', status: 1, conversationId: convId },
      {
        kind: 'Fetch',
        status: 15,
        collectionId: undefined,
        serverId: undefined,
        longId: undefined,
        linkId: undefined,
        fileReference: 'bad',
        class: undefined,
        properties: undefined,
      },
      {
        kind: 'Fetch',
        status: 6,
        collectionId: undefined,
        serverId: undefined,
        longId: undefined,
        linkId: undefined,
        fileReference: undefined,
        class: undefined,
        properties: undefined,
      },
    ]);
  });

  it('reads a global error without Response', () => {
    expect(parseItemOperations(io('ItemOperations', io('Status', '2')), v141)).toEqual({ status: 2, results: [] });
  });

  it('lists every status with text', () => {
    expect(Object.keys(describeItemOperationsStatus).map(Number)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 155, 156,
    ]);
    expect(itemOperationsStatusText(15)).toMatch(/attachment/i);
    expect(itemOperationsStatusText(13)).toBe('Unknown ItemOperations status 13');
  });

  it('throws on missing required elements', () => {
    expect(() => parseItemOperations(io('ItemOperations'), v141)).toThrow(EasProtocolError);
    expect(() => parseItemOperations(io('ItemOperations', io('Status', '1'), io('Response', io('Fetch'))), v141)).toThrow(/Fetch\/Status/);
    expect(() => parseItemOperations(io('ItemOperations', io('Status', '1'), io('Response', io('Move', io('Status', '1')))), v141)).toThrow(
      /ConversationId/,
    );
    expect(() =>
      parseItemOperations(
        io(
          'ItemOperations',
          io('Status', '1'),
          io('Response', io('Fetch', io('Status', '1'), io('Properties', asb('Body', asb('Data', 'x'))))),
        ),
        v141,
      ),
    ).toThrow(/Body\/Type/);
  });
});

describe('ItemOperations on the wire', () => {
  it('round-trips every operation kind', () => {
    const body = buildItemOperations(
      {
        operations: [
          {
            kind: 'Fetch',
            target: { collectionId: '5', serverId: '5:1' },
            removeRightsManagementProtection: true,
            options: {
              schema: [el('Email', 'Subject')],
              mimeSupport: 2,
              bodyPreferences: [{ type: 4 }],
              bodyPartPreference: { type: 2 },
              rightsManagementSupport: false,
            },
          },
          { kind: 'Fetch', target: { fileReference: 'f' }, options: { range: '0-9' } },
          { kind: 'Fetch', target: { longId: 'l' } },
          { kind: 'Fetch', target: { linkId: 'file://x' }, options: { userName: 'u', password: 'p' } },
          { kind: 'EmptyFolderContents', collectionId: '4', deleteSubFolders: true },
          { kind: 'Move', conversationId: convId, dstFldId: '9', moveAlways: true },
        ],
      },
      { version: '16.1' },
    ).body as El;
    expect(decodeEas(encodeEas(body))).toEqual(body);
  });

  it('parses an attachment response written as XML', () => {
    const r = parseItemOperations(
      easFromXml(`<ItemOperations xmlns="ItemOperations" xmlns:airsyncbase="AirSyncBase">
      <Status>1</Status>
      <Response>
        <Fetch>
          <Status>1</Status>
          <airsyncbase:FileReference>5%3a12%3a0</airsyncbase:FileReference>
          <Properties><airsyncbase:ContentType>text/plain</airsyncbase:ContentType><Data>aGVsbG8=</Data></Properties>
        </Fetch>
      </Response>
    </ItemOperations>`),
      v141,
    );
    const f = r.results[0];
    expect(f?.kind === 'Fetch' && f.properties?.data).toBe('aGVsbG8=');
    expect(f?.kind === 'Fetch' && f.properties?.contentType).toBe('text/plain');
  });
});
