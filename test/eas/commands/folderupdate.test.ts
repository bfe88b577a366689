import { describe, expect, it } from 'vitest';
import {
  buildFolderUpdate,
  describeFolderUpdateStatus,
  folderUpdateStatusText,
  parseFolderUpdate,
} from '../../../src/eas/commands/folderupdate.ts';
import { EasProtocolError } from '../../../src/eas/command.ts';
import { ns } from '../../../src/wbxml/tree.ts';

const fh = ns('FolderHierarchy');
const ctx = { version: '14.0' } as const;

describe('FolderUpdate', () => {
  it('builds SyncKey, ServerId, ParentId, DisplayName in schema order', () => {
    const req = buildFolderUpdate({ syncKey: '4', serverId: '27', parentId: '0', displayName: 'Old receipts' }, ctx);
    expect(req.cmd).toBe('FolderUpdate');
    expect(req.body).toEqual(
      fh('FolderUpdate', fh('SyncKey', '4'), fh('ServerId', '27'), fh('ParentId', '0'), fh('DisplayName', 'Old receipts')),
    );
  });

  it('parses success and every error status', () => {
    expect(parseFolderUpdate(fh('FolderUpdate', fh('Status', '1'), fh('SyncKey', '5')), ctx)).toEqual({
      status: 1,
      syncKey: '5',
    });
    for (const code of [2, 3, 4, 5, 6, 9, 10, 11]) {
      expect(parseFolderUpdate(fh('FolderUpdate', fh('Status', String(code))), ctx).status).toBe(code);
      expect(describeFolderUpdateStatus).toHaveProperty(String(code));
    }
    expect(folderUpdateStatusText(4)).toMatch(/does not exist/);
  });

  it('throws on a success without SyncKey', () => {
    expect(() => parseFolderUpdate(fh('FolderUpdate', fh('Status', '1')), ctx)).toThrow(EasProtocolError);
  });
});
