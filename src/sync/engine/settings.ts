/**
 * An account's settings (engine.ts): password, folders and classes on or off, filters,
 * push or interval. Switching a folder or class off sends its queued edits first.
 */
import type { AccountRecord, FolderRecord } from '../../store/schema.ts';
import { clearFolderOps, foldersOf, unsentEdits, type SyncTarget } from '../disable.ts';
import { SyncError } from '../errors.ts';
import { getFolder, getFolders, getPending, putOp } from '../local.ts';
import type { Engine } from '../engine.ts';
import type { EngineCore } from './core.ts';
import type { SyncCycle } from './cycle.ts';

export type Settings = Pick<
  Engine,
  'setPassword' | 'setFolderEnabled' | 'setFolderFilter' | 'setClassEnabled' | 'setFilter' | 'setPushMode' | 'setSignature'
>;

export function settings(core: EngineCore, { syncFolders }: Pick<SyncCycle, 'syncFolders'>): Settings {
  const { store, emit, syncQueue, dataLock, idsReady, requireAccount } = core;

  async function updateAccount(accountId: string, patch: (a: AccountRecord) => Partial<AccountRecord>): Promise<void> {
    await dataLock.run(accountId, async () => {
      const account = await requireAccount(accountId);
      await store.commit([putOp('accounts', { ...account, ...patch(account) })]);
    });
  }

  async function updateFolder(accountId: string, folderId: string, patch: Partial<FolderRecord>): Promise<void> {
    await dataLock.run(accountId, async () => {
      const folder = await getFolder(store, accountId, folderId);
      if (folder) await store.commit([putOp('folders', { ...folder, ...patch })]);
    });
  }

  /**
   * A folder or class switched off (disable.ts): queued edits of its folders go out first
   * with a sync of just those folders; then, if none is left, their items go and their
   * keys return to 0 in one write set. Refused with a SyncError, nothing changed, while
   * an edit is still queued.
   */
  async function switchOff(accountId: string, target: SyncTarget): Promise<void> {
    await idsReady;
    const targeted = new Set(foldersOf(target, await getFolders(store, accountId)).map((f) => f.serverId));
    const waiting = unsentEdits(await getPending(store, accountId), targeted);
    const report = waiting.length > 0 ? await syncFolders(accountId, [...targeted]) : undefined;
    const cleared = await syncQueue.run(accountId, () =>
      dataLock.run(accountId, async () => {
        const account = await requireAccount(accountId);
        const folders = foldersOf(target, await getFolders(store, accountId));
        const pending = await getPending(store, accountId);
        const left = unsentEdits(pending, new Set(folders.map((f) => f.serverId)));
        if (left.length > 0) {
          const why = report?.error ? ` (${report.error.message})` : '';
          throw new SyncError(
            report?.error?.kind ?? 'server',
            `${left.length} local change(s) could not be sent to the server first${why}; nothing was removed`,
          );
        }
        const ops = folders.flatMap((f) => clearFolderOps(f, pending, 'folderId' in target ? false : f.enabled));
        if ('cls' in target) ops.push(putOp('accounts', { ...account, classes: { ...account.classes, [target.cls]: false } }));
        await store.commit(ops);
        return folders;
      }),
    );
    for (const f of cleared)
      if (f.count > 0) emit({ type: 'changes', accountId, folderId: f.serverId, added: 0, changed: 0, deleted: f.count });
    emit({ type: 'folders', accountId });
  }

  return {
    async setPassword(accountId, password) {
      await updateAccount(accountId, (a) => ({ password: a.password === undefined ? undefined : password, state: { kind: 'ok' } }));
      emit({ type: 'account', accountId, state: { kind: 'ok' } });
    },

    setFolderEnabled: (accountId, folderId, enabled) =>
      enabled ? updateFolder(accountId, folderId, { enabled }) : switchOff(accountId, { folderId }),

    setFolderFilter: (accountId, folderId, filterType) => updateFolder(accountId, folderId, { filterType }),

    setClassEnabled: (accountId, cls, enabled) =>
      enabled ? updateAccount(accountId, (a) => ({ classes: { ...a.classes, [cls]: enabled } })) : switchOff(accountId, { cls }),

    setFilter: (accountId, cls, filter) => updateAccount(accountId, (a) => ({ filters: { ...a.filters, [cls]: filter } })),

    setPushMode: (accountId, mode, intervalMinutes) =>
      updateAccount(accountId, (a) => ({ push: mode, intervalMinutes: intervalMinutes ?? a.intervalMinutes })),

    // A blank signature is none: nothing is added to the mails.
    setSignature: (accountId, signature) => updateAccount(accountId, () => ({ signature: signature?.text.trim() ? signature : undefined })),
  };
}
