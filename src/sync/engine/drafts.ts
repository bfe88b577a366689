/**
 * Drafts as the engine offers them (engine.ts). Every draft is kept on the device
 * (store/drafts.ts: compose's state, its reply context and attachments); at 16.x it is
 * also an item of the server's Drafts folder, added, changed, deleted and sent through
 * the durable queue (sync/drafts.ts), in the same write set as the device's copy.
 */
import { deleteDraftOps, saveDraftOps, serverDrafts } from '../../store/drafts.ts';
import { writtenToOps } from '../../store/recents.ts';
import type { ItemRecord } from '../../store/schema.ts';
import { draftMail, sendsByDraft, sentDraftMail } from '../drafts.ts';
import { getFolders, getItemById } from '../local.ts';
import { addEdit, changeEdit, deleteEdit, sendDraftEdit, type Edit } from '../pending.ts';
import type { Engine } from '../engine.ts';
import type { EngineCore } from './core.ts';
import { editor } from './edits.ts';

export type Drafts = Pick<Engine, 'saveDraft' | 'deleteDraft' | 'sendDraft'>;

const withOps = (e: Edit, ops: Edit['ops']): Edit => ({ ...e, ops: [...e.ops, ...ops] });

export function drafts(core: EngineCore, queueMail: Engine['queueMail']): Drafts {
  const { store, requireAccount } = core;
  const { edit, editItem } = editor(core);

  /** The draft's item in a Drafts folder that syncs, if the account syncs drafts and the item is there. */
  async function serverItem(accountId: string, id: string): Promise<ItemRecord | undefined> {
    const account = await requireAccount(accountId);
    if (!serverDrafts(account, await getFolders(store, accountId))) return undefined;
    const item = await getItemById(store, accountId, id);
    return item?.class === 'Email' && item.data.isDraft ? item : undefined;
  }

  async function deleteDraft(accountId: string, id: string): Promise<void> {
    if (!(await serverItem(accountId, id))) return store.commit(deleteDraftOps(accountId, id));
    await editItem(accountId, id, (env, folder, item, queued) =>
      withOps(deleteEdit(env, folder, item, queued), deleteDraftOps(accountId, id)),
    );
  }

  return {
    async saveDraft(draft) {
      const account = await requireAccount(draft.accountId);
      const folder = serverDrafts(account, await getFolders(store, draft.accountId));
      if (!folder) return store.commit(saveDraftOps(draft));
      const mine = saveDraftOps(draft);
      if (await serverItem(draft.accountId, draft.id)) {
        return editItem(draft.accountId, draft.id, (env, f, item, queued) =>
          withOps(changeEdit(env, f, item, { class: 'Draft', next: draftMail(draft, env.account, env.now) }, queued), mine),
        );
      }
      // MS-ASCMD 2.2.3.7.2: a new draft is a Sync Add in the Drafts folder; its ClientId is the draft's id.
      await edit(draft.accountId, folder.serverId, async (env, f) =>
        withOps(addEdit(env, f, 'Email', draftMail(draft, env.account, env.now), draft.id), mine),
      );
    },

    deleteDraft,

    async sendDraft(mail, id) {
      if (!sendsByDraft(mail) || !(await serverItem(mail.accountId, id))) {
        await queueMail(mail);
        return deleteDraft(mail.accountId, id);
      }
      await editItem(mail.accountId, id, async (env, folder, item, queued) =>
        withOps(sendDraftEdit(env, folder, item, sentDraftMail(mail, env.account, env.now), queued), [
          ...deleteDraftOps(mail.accountId, id),
          ...(await writtenToOps(store, mail, env.now)),
        ]),
      );
    },
  };
}
