import { describe, expect, it } from 'vitest';
import type { FolderRecord } from '../../../src/store/schema.ts';
import { targetFolder } from '../../../src/ui/components/FolderSelect.tsx';
import { folderTree, mailFolderTree } from '../../../src/ui/mail/folders.ts';

const folder = (serverId: string, displayName: string, type: number, parentId = '0', owner?: string): FolderRecord => ({
  accountId: 'a',
  serverId,
  parentId,
  displayName,
  type,
  syncKey: '1',
  enabled: true,
  status: { kind: 'idle' },
  count: 0,
  unread: 0,
  ...(owner ? { owner } : {}),
});

const FOLDERS = [
  folder('1', 'Inbox', 2),
  folder('k2', '家族 Family', 14, 'k1'),
  folder('k1', 'Contacts', 9),
  folder('k3', 'Bob の連絡先', 14, '0', 'Bob'),
  folder('k4', 'Clients', 14, 'k1'),
  folder('t1', 'Tasks', 7),
  folder('t2', 'Errands', 15, 't1'),
  folder('6', 'Outbox', 6),
];

const shown = (rows: ReturnType<typeof folderTree>) => rows.map((r) => `${'  '.repeat(r.depth)}${r.folder.displayName}`);

describe('folder trees of every class', () => {
  it('lists contacts with their subfolders under the default folder, shared ones last', () => {
    expect(shown(folderTree(FOLDERS, 'Contacts'))).toEqual(['Contacts', '  Clients', '  家族 Family', 'Bob の連絡先']);
    expect(shown(folderTree(FOLDERS, 'Tasks'))).toEqual(['Tasks', '  Errands']);
    expect(shown(mailFolderTree(FOLDERS))).toEqual(['Inbox']);
  });

  it('puts a new item in the chosen folder, else the default one', () => {
    const rows = folderTree(FOLDERS, 'Contacts');
    expect(targetFolder(rows, 'a/k2', 9)?.displayName).toBe('家族 Family');
    expect(targetFolder(rows, '', 9)?.displayName).toBe('Contacts');
    expect(targetFolder(rows, 'a/gone', 9)?.displayName).toBe('Contacts');
  });
});
