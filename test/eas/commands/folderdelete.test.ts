import { describe, expect, it } from 'vitest';
import {
  buildFolderDelete,
  describeFolderDeleteStatus,
  folderDeleteStatusText,
  parseFolderDelete,
} from '../../../src/eas/commands/folderdelete.ts';
import { EasProtocolError } from '../../../src/eas/command.ts';
import { ns } from '../../../src/wbxml/tree.ts';

const fh = ns('FolderHierarchy');
const ctx = { version: '12.1' } as const;

describe('FolderDelete', () => {
  it('builds SyncKey then ServerId', () => {
    const req = buildFolderDelete({ syncKey: '5', serverId: '27' }, ctx);
    expect(req).toEqual({ cmd: 'FolderDelete', body: fh('FolderDelete', fh('SyncKey', '5'), fh('ServerId', '27')) });
  });

  it('parses success and every error status', () => {
    expect(parseFolderDelete(fh('FolderDelete', fh('Status', '1'), fh('SyncKey', '6')), ctx)).toEqual({
      status: 1,
      syncKey: '6',
    });
    for (const code of [3, 4, 6, 9, 10, 11]) {
      expect(parseFolderDelete(fh('FolderDelete', fh('Status', String(code))), ctx).status).toBe(code);
      expect(describeFolderDeleteStatus).toHaveProperty(String(code));
    }
    expect(folderDeleteStatusText(3)).toMatch(/special system folder/);
  });

  it('throws on the wrong root element', () => {
    expect(() => parseFolderDelete(fh('FolderUpdate', fh('Status', '1')), ctx)).toThrow(EasProtocolError);
  });
});
