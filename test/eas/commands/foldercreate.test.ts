import { describe, expect, it } from 'vitest';
import {
  buildFolderCreate,
  describeFolderCreateStatus,
  folderCreateStatusText,
  parseFolderCreate,
} from '../../../src/eas/commands/foldercreate.ts';
import { EasProtocolError } from '../../../src/eas/command.ts';
import { ns } from '../../../src/wbxml/tree.ts';

const fh = ns('FolderHierarchy');
const ctx = { version: '16.1' } as const;

describe('FolderCreate', () => {
  it('builds SyncKey, ParentId, DisplayName, Type in schema order', () => {
    const req = buildFolderCreate({ syncKey: '3', parentId: '5', displayName: 'Receipts', type: 12 }, ctx);
    expect(req.cmd).toBe('FolderCreate');
    expect(req.body).toEqual(fh('FolderCreate', fh('SyncKey', '3'), fh('ParentId', '5'), fh('DisplayName', 'Receipts'), fh('Type', '12')));
  });

  it('parses a success with the new ServerId and hierarchy key', () => {
    const r = parseFolderCreate(fh('FolderCreate', fh('Status', '1'), fh('SyncKey', '4'), fh('ServerId', '27')), ctx);
    expect(r).toEqual({ status: 1, syncKey: '4', serverId: '27' });
  });

  it('parses every error status without SyncKey or ServerId', () => {
    for (const code of Object.keys(describeFolderCreateStatus)
      .map(Number)
      .filter((c) => c !== 1)) {
      expect(parseFolderCreate(fh('FolderCreate', fh('Status', String(code))), ctx)).toEqual({
        status: code,
        syncKey: undefined,
        serverId: undefined,
      });
    }
  });

  it('describes statuses', () => {
    expect(folderCreateStatusText(2)).toMatch(/already exists/);
    expect(folderCreateStatusText(5)).toMatch(/parent folder was not found/);
    expect(folderCreateStatusText(4)).toBe('Unknown FolderCreate status 4');
  });

  it('throws when a success lacks ServerId, or Status is missing', () => {
    expect(() => parseFolderCreate(fh('FolderCreate', fh('Status', '1'), fh('SyncKey', '4')), ctx)).toThrow(/ServerId/);
    expect(() => parseFolderCreate(fh('FolderCreate'), ctx)).toThrow(EasProtocolError);
    expect(() => parseFolderCreate(null, ctx)).toThrow(EasProtocolError);
  });
});
