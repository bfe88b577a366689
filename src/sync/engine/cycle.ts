/**
 * The sync itself (engine.ts): the outbox, the folder hierarchy, meeting answers, the
 * Sync rounds and mail moves, in the order one account's full cycle runs them.
 */
import { startResyncOps } from '../apply.ts';
import { syncCollections } from '../collections.ts';
import type { AccountRun } from '../context.ts';
import { SyncError } from '../errors.ts';
import { syncHierarchy } from '../folders.ts';
import { getFolders, getGeneration, putOp } from '../local.ts';
import { pushMeetingResponses, pushMoves } from '../edit-commands.ts';
import { sendQueuedMail } from '../outbox.ts';
import type { Engine, SyncReport } from '../engine.ts';
import type { EngineCore } from './core.ts';

export interface SyncCycle extends Pick<Engine, 'syncAccount' | 'syncFolders' | 'syncHierarchy' | 'fullResync'> {
  /** FolderSync in an account's run; tells the listeners when the hierarchy changed. */
  hierarchy(run: AccountRun): Promise<void>;
}

export function syncCycle(core: EngineCore): SyncCycle {
  const { store, emit, job, requireAccount } = core;

  /**
   * The outbox; hierarchy; meeting answers (so the pull sees their effect); Sync rounds (queued
   * changes out, server changes in); mail moves (after the changes queued before
   * them); and Sync again for edits that waited for a moved mail's new ServerId.
   */
  async function fullCycle(run: AccountRun, only?: readonly string[]): Promise<SyncReport['folderErrors']> {
    await sendQueuedMail(run);
    if (!only) await hierarchy(run);
    await pushMeetingResponses(run);
    const first = await collectionsWithHierarchy(run, only);
    if (!(await pushMoves(run))) return first;
    return [...first, ...(await collectionsWithHierarchy(run, only))];
  }

  /** Sync rounds; FolderSync once more if a collection asks (Sync Status 12, GetItemEstimate Status 2). */
  async function collectionsWithHierarchy(run: AccountRun, only?: readonly string[]): Promise<SyncReport['folderErrors']> {
    let report = await syncCollections(run, only);
    if (report.needFolderSync) {
      await hierarchy(run);
      report = await syncCollections(run, only);
      if (report.needFolderSync)
        throw new SyncError('server', 'the server keeps reporting a changed folder hierarchy (Sync status 12 or GetItemEstimate status 2)');
    }
    return report.errors;
  }

  async function hierarchy(run: AccountRun): Promise<void> {
    const r = await syncHierarchy(run.session, store, run.locked);
    if (r.added + r.updated + r.removed > 0 || r.reset) emit({ type: 'folders', accountId: run.session.account.id });
  }

  const syncAccount = (accountId: string): Promise<SyncReport> => job(accountId, (run) => fullCycle(run));
  const syncFolders = (accountId: string, folderIds: readonly string[]): Promise<SyncReport> =>
    job(accountId, (run) => fullCycle(run, folderIds));
  const syncHierarchyOnly = (accountId: string): Promise<SyncReport> =>
    job(accountId, async (run) => {
      await hierarchy(run);
      return [];
    });

  return {
    hierarchy,
    syncAccount,
    syncFolders,
    syncHierarchy: syncHierarchyOnly,
    fullResync: (accountId, folderId) =>
      job(accountId, async (run) => {
        await run.locked(async () => {
          const folders = (await getFolders(store, accountId)).filter((f) => folderId === undefined || f.serverId === folderId);
          const generation = await getGeneration(store, accountId);
          const ops = folders.flatMap((f) => startResyncOps(f, generation));
          const account = await requireAccount(accountId);
          if (folderId === undefined) ops.push(putOp('accounts', { ...account, folderSyncKey: '0' }));
          await store.commit(ops);
          if (folderId === undefined) run.session.remember({ folderSyncKey: '0' });
        });
        return fullCycle(run, folderId === undefined ? undefined : [folderId]);
      }),
  };
}
