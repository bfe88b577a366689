/**
 * What the mail list does to one mail or a selection (swipes, the selection bar, the
 * Delete key). Delete moves mail to Deleted Items, so it can be undone like a move; in
 * Deleted Items itself (or with no such folder) it deletes for good, without an offer.
 * The mails may come from several folders of one account (a selection in the search results).
 */
import type { EngineClient } from '../../runtime/engine-client.ts';
import { refOf } from '../../runtime/engine-client.ts';
import type { FolderRecord, ItemRecord } from '../../store/schema.ts';
import { FOLDER_TYPE } from './folders.ts';
import { endUndo, offerUndo, UNDO_MS } from './undo.ts';

const mailOf = (item: ItemRecord) => (item.class === 'Email' ? item.data : undefined);

export const isFlagged = (item: ItemRecord): boolean => mailOf(item)?.flag?.status === 2;

/** The account's Deleted Items folder; undefined: none, a delete is for good. */
function trashOf(folders: readonly FolderRecord[], accountId: string): FolderRecord | undefined {
  return folders.find((f) => f.accountId === accountId && f.type === FOLDER_TYPE.deleted);
}

/**
 * Runs `work`, then goes back to the list, unless the user went elsewhere meanwhile: a move
 * answered late must not pull them out of the folder they opened since.
 */
export async function thenBack(
  work: () => Promise<void>,
  back: (() => void) | undefined,
  here: () => string = () => location.hash,
): Promise<void> {
  const started = here();
  await work();
  if (here() === started) back?.();
}

/**
 * Moves the mails (of one account; search results mix its folders; those already in the
 * target stay), first keeping the undo offer so that a reload in between loses nothing.
 */
export async function moveMails(
  client: EngineClient,
  items: readonly ItemRecord[],
  toFolderId: string,
  kind: 'delete' | 'move',
): Promise<void> {
  const moving = items.filter((i) => i.folderId !== toFolderId);
  const first = moving[0];
  if (!first) return;
  offerUndo({
    kind,
    accountId: first.accountId,
    toFolderId,
    moved: moving.map((i) => ({ itemId: i.id, fromFolderId: i.folderId })),
    until: Date.now() + UNDO_MS,
  });
  try {
    await client.moveItems(moving.map(refOf), toFolderId);
  } catch (e) {
    endUndo();
    throw e;
  }
}

/** Mails in Deleted Items (or of an account without one) are deleted for good; the others move there. */
export async function deleteMails(client: EngineClient, folders: readonly FolderRecord[], items: readonly ItemRecord[]): Promise<void> {
  const first = items[0];
  if (!first) return;
  const trash = trashOf(folders, first.accountId);
  const forGood = items.filter((i) => !trash || i.folderId === trash.serverId);
  if (trash) await moveMails(client, items, trash.serverId, 'delete');
  if (forGood.length > 0) await client.deleteItems(forGood.map(refOf));
}

/** All read when any is unread, else all unread. */
export function toggleRead(client: EngineClient, items: readonly ItemRecord[]): Promise<void> {
  return client.markRead(
    items.map(refOf),
    items.some((i) => i.read === 0),
  );
}

/** All flagged when any is not, else all cleared. */
export async function toggleFlag(client: EngineClient, items: readonly ItemRecord[]): Promise<void> {
  const flag = items.some((i) => !isFlagged(i));
  for (const i of items) await client.setFlag(refOf(i), flag ? { status: 2, flagType: 'Flag for follow up' } : null);
}
