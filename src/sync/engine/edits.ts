/**
 * Local edits (engine.ts): each reads what it touches and commits its write set (the
 * item changed at once, the change queued in `pending`) under the account's data lock.
 */
import type { CalendarItem } from '../../eas/items/calendar.ts';
import type { Contact } from '../../eas/items/contact.ts';
import type { Task } from '../../eas/items/task.ts';
import type { FolderRecord, ItemRecord, PendingRecord, SyncClass } from '../../store/schema.ts';
import type { ChangePayload } from '../classes.ts';
import { getFolder, getGeneration, getItemById, getPending } from '../local.ts';
import { addEdit, changeEdit, deleteEdit, meetingResponseEdit, moveEdit, undoMoveEdit, type Edit, type EditEnv } from '../pending.ts';
import type { Engine } from '../engine.ts';
import { seedIds, type EngineCore } from './core.ts';

export type LocalEdits = Pick<
  Engine,
  'addItem' | 'updateItem' | 'markRead' | 'setFlag' | 'deleteItem' | 'moveItem' | 'undoMove' | 'respondToMeeting'
>;

/** How a local edit is made (localEdits, drafts.ts): under the data lock, in one write set. */
export interface Editor {
  /** Reads what the edit touches and commits its write set; returns the item's stable id. */
  edit(
    accountId: string,
    folderOf: string | ((env: EditEnv) => Promise<string>),
    build: (env: EditEnv, folder: FolderRecord) => Promise<Edit>,
  ): Promise<string>;
  /** An edit of one item found by its stable id, with its queued edits. */
  editItem(
    accountId: string,
    itemId: string,
    build: (env: EditEnv, folder: FolderRecord, item: ItemRecord, queued: PendingRecord[]) => Edit | Promise<Edit>,
  ): Promise<void>;
}

export function editor(core: EngineCore): Editor {
  const { store, clock, emit, dataLock, ids, inFlight, idsReady, requireAccount } = core;

  /** A local edit: read what it touches and commit its write set under the data lock. */
  async function edit(
    accountId: string,
    folderOf: string | ((env: EditEnv) => Promise<string>),
    build: (env: EditEnv, folder: FolderRecord) => Promise<Edit>,
  ): Promise<string> {
    await idsReady;
    return dataLock.run(accountId, async () => {
      await seedIds(store, ids); // records queued by someone else (autoIncrement) stay untouched
      const account = await requireAccount(accountId);
      const generation = await getGeneration(store, accountId);
      const env: EditEnv = {
        account,
        ctx: { version: account.version ?? '14.1' },
        now: clock.now(),
        generation,
        nextId: () => ids.next(),
        inFlight,
      };
      const folderId = typeof folderOf === 'string' ? folderOf : await folderOf(env);
      const folder = await getFolder(store, accountId, folderId);
      if (!folder) throw new RangeError(`no folder ${folderId}`);
      const result = await build(env, folder);
      await store.commit(result.ops);
      emit({ type: 'changes', accountId, folderId, added: 0, changed: 1, deleted: 0 });
      return result.itemId;
    });
  }

  /**
   * An edit of one item, found by its stable id under the lock (wherever its ServerId
   * has gone meanwhile), with its queued edits that still name where it is now.
   */
  async function editItem(
    accountId: string,
    itemId: string,
    build: (env: EditEnv, folder: FolderRecord, item: ItemRecord, queued: PendingRecord[]) => Edit | Promise<Edit>,
  ): Promise<void> {
    let item: ItemRecord | undefined;
    const folderOf = async (): Promise<string> => {
      item = await getItemById(store, accountId, itemId);
      if (!item) throw new RangeError(`no item ${itemId}`);
      return item.folderId;
    };
    await edit(accountId, folderOf, async (env, folder) => {
      const found = item as ItemRecord;
      const queued = (await getPending(store, accountId)).filter((p) => p.folderId === found.folderId && p.serverId === found.serverId);
      return build(env, folder, found, queued);
    });
  }

  return { edit, editItem };
}

export function localEdits(core: EngineCore): LocalEdits {
  const { store } = core;
  const { edit, editItem } = editor(core);

  async function change(accountId: string, itemId: string, payload: (item: ItemRecord) => ChangePayload): Promise<void> {
    await editItem(accountId, itemId, (env, folder, item, queued) => changeEdit(env, folder, item, payload(item), queued));
  }

  return {
    addItem: (accountId, folderId, data) => edit(accountId, folderId, async (env, folder) => addEdit(env, folder, classOf(folder), data)),

    updateItem: (accountId, itemId, next) => change(accountId, itemId, (item) => pimChange(item, next)),

    markRead: (accountId, itemId, read) => change(accountId, itemId, () => ({ class: 'Email', change: { read } })),

    setFlag: (accountId, itemId, flag) => change(accountId, itemId, () => ({ class: 'Email', change: { flag } })),

    deleteItem: (accountId, itemId) => editItem(accountId, itemId, (env, folder, item, queued) => deleteEdit(env, folder, item, queued)),

    async moveItem(accountId, itemId, dstFolderId) {
      const dst = await getFolder(store, accountId, dstFolderId);
      await editItem(accountId, itemId, (env, folder, item) => {
        if (dst?.class !== 'Email' || folder.class !== 'Email') throw new RangeError('mail moves go between mail folders');
        return moveEdit(env, folder, item, dst);
      });
    },

    undoMove: (accountId, itemId, srcFolderId) =>
      editItem(accountId, itemId, async (env, folder, item) => {
        const src = await getFolder(store, accountId, srcFolderId);
        if (src?.class !== 'Email' || folder.class !== 'Email') throw new RangeError('mail moves go between mail folders');
        return undoMoveEdit(env, folder, item, src, await getPending(store, accountId));
      }),

    respondToMeeting: (accountId, itemId, answer, occurrence) =>
      editItem(accountId, itemId, (env, folder, item) =>
        meetingResponseEdit(env, folder, item, { accept: 1, tentative: 2, decline: 3 }[answer] as 1 | 2 | 3, occurrence),
      ),
  };
}

function classOf(folder: FolderRecord): SyncClass {
  if (folder.class === 'Calendar' || folder.class === 'Contacts' || folder.class === 'Tasks') return folder.class;
  throw new RangeError(`items cannot be added to a ${folder.class ?? 'generic'} folder`);
}

function pimChange(item: ItemRecord, next: unknown): ChangePayload {
  switch (item.class) {
    case 'Calendar': {
      // The UID names the event everywhere (meetings, other clients): an edit keeps it (MS-ASCAL 2.2.2.46).
      const previous = item.data;
      const edited = next as CalendarItem;
      return {
        class: 'Calendar',
        previous,
        next: edited.uid === undefined && previous.uid !== undefined ? { ...edited, uid: previous.uid } : edited,
      };
    }
    case 'Contacts':
      return { class: 'Contacts', next: next as Contact };
    case 'Tasks':
      return { class: 'Tasks', next: next as Task };
    default:
      throw new RangeError('mail is changed with markRead/setFlag');
  }
}
