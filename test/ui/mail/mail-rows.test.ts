// @vitest-environment happy-dom
/**
 * The mail list's habits shared by the conversations and the search results (mail-rows.tsx):
 * one tab stop moved by the arrows, Space picks, Delete deletes the focused row's mail or the
 * selection (of several folders: one Undo offer that knows where each mail came from), and
 * the focus stays in the list when the focused row goes.
 */
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineClient, ItemRef } from '../../../src/runtime/engine-client.ts';
import type { FolderRecord, ItemRecord } from '../../../src/store/schema.ts';
import { AppContext, type AppHandles } from '../../../src/ui/data/live.ts';
import { createI18n, I18nContext } from '../../../src/ui/i18n/index.ts';
import { deleteMails } from '../../../src/ui/mail/mail-actions.ts';
import { useMailRows } from '../../../src/ui/mail/mail-rows.tsx';
import { allPicked, deleteTargets, picked, rowKey, toggled, type Selection } from '../../../src/ui/mail/selection.ts';
import { currentUndo, endUndo, movedByFolder } from '../../../src/ui/mail/undo.ts';

const folder = (serverId: string, type: number): FolderRecord =>
  ({ accountId: 'a', serverId, parentId: '0', displayName: serverId, type, syncKey: '1', enabled: true }) as FolderRecord;
const FOLDERS = [folder('inbox', 2), folder('trash', 4), folder('work', 12)];

const mail = (id: string, folderId = 'inbox'): ItemRecord =>
  ({ accountId: 'a', folderId, serverId: id, id, class: 'Email', read: 1, data: { subject: `Mail ${id}` } }) as unknown as ItemRecord;

function fakeClient() {
  const calls: string[] = [];
  const ids = (refs: readonly ItemRef[]) => refs.map((r) => r.itemId).join(',');
  const client = {
    moveItems: async (refs: readonly ItemRef[], to: string) => void calls.push(`move ${ids(refs)} to ${to}`),
    deleteItems: async (refs: readonly ItemRef[]) => void calls.push(`delete ${ids(refs)}`),
  } as unknown as EngineClient;
  return { client, calls };
}

describe('selection', () => {
  it('picks and drops a row of several mails, and starts selecting', () => {
    const a = mail('a');
    const b = mail('b');
    const one = picked(null, [a, b], true);
    expect([...one.keys()]).toEqual(['a', 'b']);
    expect(allPicked(one, [a, b])).toBe(true);
    expect(allPicked(picked(one, [a], false), [a, b])).toBe(false);
    expect([...toggled(one, [a, b]).keys()]).toEqual([]);
    expect([...toggled(picked(one, [a], false), [a, b]).keys()]).toEqual(['b', 'a']);
    expect(allPicked(new Map(), [])).toBe(false);
  });

  it('reads Delete, Backspace and Space; a Delete takes the selection when it holds any', () => {
    expect(['Delete', 'Backspace', ' ', 'Enter', 'a'].map(rowKey)).toEqual(['delete', 'delete', 'toggle', undefined, undefined]);
    const a = mail('a');
    const b = mail('b');
    expect(deleteTargets(null, [a])).toEqual([a]);
    expect(deleteTargets(new Map(), [a])).toEqual([a]);
    expect(deleteTargets(new Map([['b', b]]), [a])).toEqual([b]);
  });
});

describe('deleteMails over several folders (a selection in the search results)', () => {
  afterEach(() => endUndo());

  it('moves the mails of each folder to Deleted Items with one offer that knows each origin; those already there go for good', async () => {
    const { client, calls } = fakeClient();
    await deleteMails(client, FOLDERS, [mail('a'), mail('b', 'work'), mail('c', 'trash'), mail('d')]);
    expect(calls).toEqual(['move a,b,d to trash', 'delete c']);
    const offer = currentUndo();
    expect(offer?.kind).toBe('delete');
    expect(offer?.toFolderId).toBe('trash');
    expect([...movedByFolder(offer?.moved ?? [])]).toEqual([
      ['inbox', ['a', 'd']],
      ['work', ['b']],
    ]);
  });
});

describe('useMailRows', () => {
  let root: HTMLElement;
  let selection: Selection;
  let calls: string[];
  let rerender: (list: readonly ItemRecord[]) => void;

  function Rows({ list }: { list: readonly ItemRecord[] }) {
    const { row, container } = useMailRows({
      folders: FOLDERS,
      selection,
      onSelection: (next) => {
        selection = next;
      },
      onFailed: (e) => calls.push(`failed ${String(e)}`),
    });
    return h(
      'div',
      container,
      h(
        'ul',
        null,
        list.map((m) => h('li', { key: m.id }, row([m], h('span', null, `Mail ${m.id}`), { href: `#/mail/${m.id}` }))),
      ),
    );
  }

  beforeEach(() => {
    selection = null;
    const fake = fakeClient();
    calls = fake.calls;
    root = document.createElement('div');
    document.body.append(root);
    const app = (list: readonly ItemRecord[]) =>
      h(
        I18nContext.Provider,
        { value: createI18n('en') },
        h(AppContext.Provider, { value: { db: {} as AppHandles['db'], client: fake.client } }, h(Rows, { list })),
      );
    rerender = (list) => act(() => render(app(list), root));
  });

  afterEach(() => {
    render(null, root);
    root.remove();
    endUndo();
  });

  const links = () => [...root.querySelectorAll('a')];
  const focused = () => (document.activeElement as HTMLElement | null)?.textContent;
  const press = (key: string) =>
    act(() => {
      document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    });

  it('keeps one tab stop and moves it with the arrows, Home and End', () => {
    rerender([mail('1'), mail('2'), mail('3')]);
    expect(links().map((a) => a.tabIndex)).toEqual([0, -1, -1]);
    act(() => links()[0]?.focus());
    press('ArrowDown');
    expect(focused()).toBe('Mail 2');
    press('End');
    expect(focused()).toBe('Mail 3');
    press('ArrowDown');
    expect(focused()).toBe('Mail 3');
    press('Home');
    press('ArrowUp');
    expect(focused()).toBe('Mail 1');
    press('End');
    expect(links().map((a) => a.tabIndex)).toEqual([-1, -1, 0]);
  });

  it('Space picks the focused mail, Delete deletes it, and the row that takes its place gets the focus', async () => {
    const list = [mail('1'), mail('2'), mail('3')];
    rerender(list);
    act(() => links()[1]?.focus());
    press(' ');
    expect([...(selection?.keys() ?? [])]).toEqual(['2']);
    selection = null;
    rerender(list);
    press('Delete');
    await expect.poll(() => calls).toEqual(['move 2 to trash']);
    expect(currentUndo()?.moved).toEqual([{ itemId: '2', fromFolderId: 'inbox' }]);
    // The engine's change removes the row: the focus goes to the mail now at its place.
    rerender([list[0] as ItemRecord, list[2] as ItemRecord]);
    rerender([list[0] as ItemRecord, list[2] as ItemRecord]);
    expect(focused()).toBe('Mail 3');
  });

  it('Delete with a selection deletes the selection (of several folders) and leaves selecting', async () => {
    const list = [mail('1'), mail('2', 'work'), mail('3')];
    selection = new Map([
      ['2', list[1] as ItemRecord],
      ['3', list[2] as ItemRecord],
    ]);
    rerender(list);
    expect(links().map((a) => [a.getAttribute('role'), a.getAttribute('aria-pressed')])).toEqual([
      ['button', 'false'],
      ['button', 'true'],
      ['button', 'true'],
    ]);
    act(() => links()[0]?.focus());
    press('Backspace');
    await expect.poll(() => calls).toEqual(['move 2,3 to trash']);
    expect(selection).toBeNull();
    expect([...movedByFolder(currentUndo()?.moved ?? [])]).toEqual([
      ['work', ['2']],
      ['inbox', ['3']],
    ]);
  });
});
