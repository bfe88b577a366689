import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFolderSync, folderSyncStatusText, folderClass, FolderType, parseFolderSync } from '../../../src/eas/commands/foldersync.ts';
import { EasProtocolError } from '../../../src/eas/command.ts';
import { decodeEas, easFromXml } from '../../../src/eas/wbxml.ts';
import { el, ns } from '../../../src/wbxml/tree.ts';
import { LIBWBXML_ENCODED } from '../../support/corpus.ts';

const fh = ns('FolderHierarchy');
const ctx = { version: '14.1' } as const;

const folder = (kind: 'Add' | 'Update', id: string, parent: string, name: string, type: number) =>
  fh(kind, fh('ServerId', id), fh('ParentId', parent), fh('DisplayName', name), fh('Type', type));

describe('buildFolderSync', () => {
  it('sends the hierarchy SyncKey in FolderHierarchy:FolderSync', () => {
    const req = buildFolderSync({ syncKey: '0' }, ctx);
    expect(req.cmd).toBe('FolderSync');
    expect(req.body).toEqual(el('FolderHierarchy', 'FolderSync', el('FolderHierarchy', 'SyncKey', '0')));
  });
});

describe('parseFolderSync', () => {
  it('reads the initial hierarchy of an Exchange-like server', () => {
    const root = fh(
      'FolderSync',
      fh('Status', '1'),
      fh('SyncKey', '1'),
      fh(
        'Changes',
        fh('Count', '5'),
        folder('Add', '1', '0', 'Calendar', 8),
        folder('Add', '2', '0', 'Contacts', 9),
        folder('Add', '5', '0', 'Inbox', 2),
        folder('Add', '12', '5', 'Projects', 12),
        folder('Add', '19', '0', 'Suggested Contacts', 19),
      ),
    );
    const r = parseFolderSync(root, ctx);
    expect(r.status).toBe(1);
    expect(r.syncKey).toBe('1');
    expect(r.count).toBe(5);
    expect(r.added).toHaveLength(5);
    expect(r.added[3]).toEqual({ serverId: '12', parentId: '5', displayName: 'Projects', type: FolderType.UserMail });
    expect(r.updated).toEqual([]);
    expect(r.deleted).toEqual([]);
  });

  it('reads updates and deletes of an incremental sync', () => {
    const root = fh(
      'FolderSync',
      fh('Status', '1'),
      fh('SyncKey', '7'),
      fh('Changes', fh('Count', '2'), folder('Update', '12', '0', 'Renamed', 12), fh('Delete', fh('ServerId', '13'))),
    );
    const r = parseFolderSync(root, ctx);
    expect(r.updated).toEqual([{ serverId: '12', parentId: '0', displayName: 'Renamed', type: 12 }]);
    expect(r.deleted).toEqual(['13']);
    expect(r.added).toEqual([]);
  });

  it('accepts a response without Changes (nothing changed)', () => {
    const r = parseFolderSync(fh('FolderSync', fh('Status', '1'), fh('SyncKey', '8')), ctx);
    expect(r).toEqual({ status: 1, syncKey: '8', count: undefined, added: [], updated: [], deleted: [] });
  });

  it('returns error statuses without a SyncKey (9: start over with SyncKey 0)', () => {
    for (const code of [6, 9, 10, 11, 12]) {
      const r = parseFolderSync(fh('FolderSync', fh('Status', String(code))), ctx);
      expect(r.status).toBe(code);
      expect(r.syncKey).toBeUndefined();
    }
  });

  it('passes common status codes through (e.g. 142 device not provisioned)', () => {
    expect(parseFolderSync(fh('FolderSync', fh('Status', '142')), ctx).status).toBe(142);
  });

  it('reads an out-of-range Type as Unknown (18)', () => {
    const root = fh('FolderSync', fh('Status', '1'), fh('SyncKey', '2'), fh('Changes', folder('Add', 'x', '0', 'X', 42)));
    expect(parseFolderSync(root, ctx).added[0]?.type).toBe(FolderType.Unknown);
  });

  it('ignores unknown extra elements', () => {
    const root = fh('FolderSync', fh('Status', '1'), fh('SyncKey', '2'), el('Vendor', 'Extra', 'x'));
    expect(parseFolderSync(root, ctx).syncKey).toBe('2');
  });

  it('throws on missing required elements and on an empty body', () => {
    expect(() => parseFolderSync(null, ctx)).toThrow(EasProtocolError);
    expect(() => parseFolderSync(fh('FolderSync', fh('SyncKey', '1')), ctx)).toThrow(/Status/);
    expect(() => parseFolderSync(fh('FolderSync', fh('Status', '1')), ctx)).toThrow(/SyncKey/);
    const noType = fh(
      'FolderSync',
      fh('Status', '1'),
      fh('SyncKey', '1'),
      fh('Changes', fh('Add', fh('ServerId', '1'), fh('ParentId', '0'), fh('DisplayName', 'A'))),
    );
    expect(() => parseFolderSync(noType, ctx)).toThrow(/Add\/Type/);
    expect(() => parseFolderSync(fh('FolderCreate', fh('Status', '1')), ctx)).toThrow(/expected <FolderSync>/);
  });
});

describe('folderClass', () => {
  it('maps every folder type to its item class', () => {
    const expected: Record<number, string | undefined> = {
      1: undefined,
      2: 'Email',
      3: 'Email',
      4: 'Email',
      5: 'Email',
      6: 'Email',
      7: 'Tasks',
      8: 'Calendar',
      9: 'Contacts',
      10: 'Notes',
      11: 'Journal',
      12: 'Email',
      13: 'Calendar',
      14: 'Contacts',
      15: 'Tasks',
      16: 'Journal',
      17: 'Notes',
      18: undefined,
      19: undefined,
    };
    for (let t = 1; t <= 19; t++) expect(folderClass(t), `type ${t}`).toBe(expected[t]);
    expect(folderClass(0)).toBeUndefined();
  });

  it('numbers the folder types 1..19 as MS-ASCMD 2.2.3.186.3 does', () => {
    expect(Object.values(FolderType)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
  });
});

describe('folderSyncStatusText', () => {
  it('has text for known codes and a fallback', () => {
    expect(folderSyncStatusText(9)).toMatch(/synchronization key/i);
    expect(folderSyncStatusText(77)).toBe('Unknown FolderSync status 77');
  });
});

describe('FolderSync on the wire', () => {
  const fixture = (name: string) => new Uint8Array(readFileSync(join(LIBWBXML_ENCODED, name)));

  it('builds the request libwbxml encodes in its fixture', () => {
    const theirs = decodeEas(fixture('activesync-020-folder_sync_initial_request.wbxml'));
    expect(buildFolderSync({ syncKey: '0' }, ctx).body).toEqual(theirs);
  });

  it('parses the initial response as libwbxml encodes it', () => {
    const r = parseFolderSync(decodeEas(fixture('activesync-021-folder_sync_initial_response.wbxml')), ctx);
    expect(r.syncKey).toBe('1');
    expect(r.count).toBe(5);
    expect(r.added.map((f) => [f.serverId, f.parentId, f.displayName, f.type, folderClass(f.type)])).toEqual([
      ['1', '0', 'Calendar', 8, 'Calendar'],
      ['2', '0', 'Contacts', 9, 'Contacts'],
      ['3', '0', 'INBOX', 5, 'Email'],
      ['12', '3', 'Family', 12, 'Email'],
      ['RI', '0', 'RecipientInfo', 19, undefined],
    ]);
  });

  it('parses a response written as XML', () => {
    const r = parseFolderSync(
      easFromXml(`<?xml version="1.0" encoding="utf-8"?>
      <FolderSync xmlns="FolderHierarchy">
        <Status>1</Status><SyncKey>8</SyncKey>
        <Changes><Count>1</Count><Delete><ServerId>12</ServerId></Delete></Changes>
      </FolderSync>`),
      ctx,
    );
    expect(r).toEqual({ status: 1, syncKey: '8', count: 1, added: [], updated: [], deleted: ['12'] });
  });
});
