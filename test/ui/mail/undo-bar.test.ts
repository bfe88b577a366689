// @vitest-environment happy-dom
/**
 * Undo of a move or delete of mails from several folders (a selection in the search
 * results): each mail goes back to the folder it left, one undoMove per folder.
 */
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineClient, ItemRef } from '../../../src/runtime/engine-client.ts';
import type { FolderRecord } from '../../../src/store/schema.ts';
import { AppContext, type AppHandles } from '../../../src/ui/data/live.ts';
import { createI18n, I18nContext } from '../../../src/ui/i18n/index.ts';
import { UndoBar } from '../../../src/ui/mail/UndoBar.tsx';
import { endUndo, offerUndo, UNDO_MS } from '../../../src/ui/mail/undo.ts';

const trash = { accountId: 'a', serverId: 'trash', parentId: '0', displayName: 'Deleted Items', type: 4, syncKey: '1', enabled: true };

describe('UndoBar', () => {
  afterEach(() => endUndo());

  it('puts each mail back in the folder it left and says how many were deleted', async () => {
    const calls: string[] = [];
    const client = {
      undoMove: async (refs: readonly ItemRef[], from: string) => void calls.push(`${refs.map((r) => r.itemId).join(',')} to ${from}`),
    } as unknown as EngineClient;
    offerUndo({
      kind: 'delete',
      accountId: 'a',
      toFolderId: 'trash',
      moved: [
        { itemId: '1', fromFolderId: 'inbox' },
        { itemId: '2', fromFolderId: 'work' },
        { itemId: '3', fromFolderId: 'inbox' },
      ],
      until: Date.now() + UNDO_MS,
    });
    const root = document.createElement('div');
    const app = h(AppContext.Provider, { value: { db: {} as AppHandles['db'], client } }, h(UndoBar, { folders: [trash as FolderRecord] }));
    act(() => render(h(I18nContext.Provider, { value: createI18n('en') }, app), root));
    expect(root.querySelector('.snackbar span')?.textContent).toBe('Deleted 3 mails');
    act(() => root.querySelector('button')?.click());
    await expect.poll(() => calls).toEqual(['1,3 to inbox', '2 to work']);
    expect(root.querySelector('.snackbar')).toBeNull();
    render(null, root);
  });
});
