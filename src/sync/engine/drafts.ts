/**
 * Drafts as the engine offers them (engine.ts). Every draft is kept on the device
 * (store/drafts.ts: compose's state, its reply context and attachments); at 16.x it is
 * also an item of the server's Drafts folder, added, changed, deleted and sent through
 * the durable queue (sync/drafts.ts), in the same write set as the device's copy.
 */
import { deleteDraftOps, saveDraftOps, serverDrafts } from '../../store/drafts.ts';
import { writtenToOps } from '../../store/recents.ts';
import type { AttachmentChanges } from '../../eas/items/airsyncbase.ts';
import type { Email } from '../../eas/items/email.ts';
import type { ChangePayload } from '../../store/payloads.ts';
import type { ItemRecord, PendingOf, PendingRecord } from '../../store/schema.ts';
import { draftMail, sendsByDraft, sentDraftMail, withAttachmentIds } from '../drafts.ts';
import { getFolders, getItemById, putOp } from '../local.ts';
import { addEdit, changeEdit, deleteEdit, sendDraftEdit, type Edit, type EditEnv } from '../pending.ts';
import type { Engine } from '../engine.ts';
import type { EngineCore } from './core.ts';
import { editor } from './edits.ts';

export type Drafts = Pick<Engine, 'saveDraft' | 'deleteDraft' | 'sendDraft'>;

const withOps = (e: Edit, ops: Edit['ops']): Edit => ({ ...e, ops: [...e.ops, ...ops] });

/**
 * An attachment removed while the draft's Add that uploads it is still queued (not on its
 * way): the upload is taken out of the Add, and nothing is deleted on the server.
 */
function cancelUploads(env: EditEnv, queued: readonly PendingRecord[], changes: AttachmentChanges | undefined) {
  const add = queued.find((p): p is PendingOf<'add'> => p.kind === 'add' && !env.inFlight.has(p.id as number));
  const uploads = add?.payload.attachments?.add ?? [];
  const cancelled = (changes?.delete ?? []).filter((ref) => uploads.some((u) => u.clientId === ref));
  if (!add || cancelled.length === 0) return { attachments: changes, ops: [] };
  const keep = (ref: string) => !cancelled.includes(ref);
  const upload = { ...add.payload.attachments, add: uploads.filter((u) => keep(u.clientId)) };
  const rest = { ...changes, delete: changes?.delete?.filter(keep) };
  return {
    attachments: (rest.add?.length ?? 0) + (rest.delete?.length ?? 0) > 0 ? rest : undefined,
    ops: [putOp('pending', { ...add, payload: { ...add.payload, attachments: upload } })],
  };
}

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

  /** `sentBy`: the outbox record that sends the draft as a reply or forward; it leaves no copy in Deleted Items. */
  async function deleteDraft(accountId: string, id: string, sentBy?: number): Promise<void> {
    if (!(await serverItem(accountId, id))) return store.commit(deleteDraftOps(accountId, id));
    await editItem(accountId, id, (env, folder, item, queued) =>
      withOps(deleteEdit(env, folder, item, queued, sentBy), deleteDraftOps(accountId, id)),
    );
  }

  return {
    async saveDraft(given) {
      const account = await requireAccount(given.accountId);
      const folder = serverDrafts(account, await getFolders(store, given.accountId));
      if (!folder) return store.commit(saveDraftOps(given));
      // Each attachment keeps the id it is uploaded with, so the next save does not upload it again.
      const draft = withAttachmentIds(given);
      const mine = saveDraftOps(draft);
      if (await serverItem(draft.accountId, draft.id)) {
        return editItem(draft.accountId, draft.id, (env, f, item, queued) => {
          const version = draftMail(draft, env.account, env.now, (item.data as Email).attachments);
          const { attachments, ops } = cancelUploads(env, queued, version.attachments);
          const change: ChangePayload = { class: 'Draft', next: version.mail, ...(attachments && { attachments }) };
          return withOps(changeEdit(env, f, item, change, queued), [...mine, ...ops]);
        });
      }
      // MS-ASCMD 2.2.3.7.2: a new draft is a Sync Add in the Drafts folder; its ClientId is the draft's id.
      await edit(draft.accountId, folder.serverId, async (env, f) => {
        const { mail, attachments } = draftMail(draft, env.account, env.now);
        return withOps(addEdit(env, f, 'Email', mail, draft.id, attachments), mine);
      });
    },

    deleteDraft: (accountId, id) => deleteDraft(accountId, id),

    async sendDraft(mail, id) {
      if (!sendsByDraft(mail) || !(await serverItem(mail.accountId, id))) {
        return deleteDraft(mail.accountId, id, await queueMail(mail));
      }
      await editItem(mail.accountId, id, async (env, folder, item, queued) => {
        const version = sentDraftMail(mail, env.account, env.now, (item.data as Email).attachments);
        const { attachments, ops } = cancelUploads(env, queued, version.attachments);
        return withOps(sendDraftEdit(env, folder, item, { mail: version.mail, attachments }, queued), [
          ...ops,
          ...deleteDraftOps(mail.accountId, id),
          ...(await writtenToOps(store, mail, env.now)),
        ]);
      });
    },
  };
}
