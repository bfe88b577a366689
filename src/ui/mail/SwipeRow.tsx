/**
 * A swipe on a row, shared by the folder list, the conversations and the search results:
 * what the revealed side shows and what the side's action (Settings) does. A row stands
 * for one mail or, in the conversations, for all mails of a conversation in the folder;
 * the action takes them all at once, so one Undo brings them all back.
 */
import { useState } from 'preact/hooks';
import type { FolderRecord, ItemRecord } from '../../store/schema.ts';
import { Icon, type IconName } from '../components/Icon.tsx';
import { useApp } from '../data/live.ts';
import { useI18n, type I18n } from '../i18n/index.ts';
import { folderName } from './folders.ts';
import type { SwipeSide } from './gestures.ts';
import { deleteMails, isFlagged, moveMails, toggleFlag, toggleRead } from './mail-actions.ts';
import { MoveDialog } from './MoveDialog.tsx';
import { loadSwipe, moveTarget, type SwipeAction } from './swipe-prefs.ts';

interface SwipeLook {
  readonly icon: IconName;
  readonly label: string;
  readonly tone: string;
}

/** What the revealed side shows for the mails: the action's icon and words (read and flag as toggleRead/toggleFlag decide). */
export function swipeLook(
  action: SwipeAction,
  items: readonly ItemRecord[],
  folders: readonly FolderRecord[],
  i18n: Pick<I18n, 't'>,
): SwipeLook | undefined {
  const { t } = i18n;
  const first = items[0];
  if (!first) return undefined;
  if (action === 'delete') return { icon: 'trash', label: t('mail.delete'), tone: 'danger' };
  if (action === 'read')
    return { icon: 'read', label: t(items.some((i) => i.read === 0) ? 'mail.markRead' : 'mail.markUnread'), tone: 'info' };
  if (action === 'flag') return { icon: 'flag', label: t(items.some((i) => !isFlagged(i)) ? 'mail.flag' : 'mail.unflag'), tone: 'warn' };
  const target = moveTarget(action);
  if (!target) return undefined;
  const folder = folders.find((f) => f.accountId === first.accountId && f.serverId === target.folderId);
  return { icon: 'move', label: folder ? t('mail.moveToFolder', { folder: folderName(folder, i18n) }) : t('mail.move'), tone: 'ok' };
}

export function SwipeRow({
  swipe,
  items,
  folders,
  children,
}: {
  swipe: { side: SwipeSide; offset: number; armed: boolean } | undefined;
  items: readonly ItemRecord[];
  folders: readonly FolderRecord[];
  children: preact.ComponentChildren;
}) {
  const i18n = useI18n();
  const look = swipe ? swipeLook(loadSwipe()[swipe.side], items, folders, i18n) : undefined;
  return (
    <div class="swipe">
      {swipe && look && (
        <div class={`swipe-reveal ${swipe.side} ${look.tone}${swipe.armed ? ' armed' : ''}`} aria-hidden="true">
          <Icon name={look.icon} />
          <span>{look.label}</span>
        </div>
      )}
      <div class="swipe-body" style={swipe && look ? { transform: `translateX(${swipe.offset}px)` } : undefined}>
        {children}
      </div>
    </div>
  );
}

/**
 * Runs a side's action on the mails of one row (all of one folder); a move whose folder
 * is not of their account (or is their own) asks for the folder. `dialog` is that question.
 */
export function useSwipeAction(folders: readonly FolderRecord[], onFailed: (e: unknown) => void) {
  const { client } = useApp();
  const [picking, setPicking] = useState<readonly ItemRecord[] | undefined>(undefined);
  const run = (work: Promise<void>) => void work.catch(onFailed);
  const act = (items: readonly ItemRecord[], side: SwipeSide) => {
    const first = items[0];
    const action = loadSwipe()[side];
    if (!first) return;
    if (action === 'delete') run(deleteMails(client, folders, items));
    else if (action === 'read') run(toggleRead(client, items));
    else if (action === 'flag') run(toggleFlag(client, items));
    else {
      const target = moveTarget(action);
      if (target?.accountId === first.accountId && target.folderId !== first.folderId)
        run(moveMails(client, items, target.folderId, 'move'));
      else if (target) setPicking(items);
    }
  };
  const first = picking?.[0];
  const dialog = picking && first && (
    <MoveDialog
      folders={folders.filter((f) => f.accountId === first.accountId && f.serverId !== first.folderId)}
      onCancel={() => setPicking(undefined)}
      onPick={(folderId) => {
        setPicking(undefined);
        run(moveMails(client, picking, folderId, 'move'));
      }}
    />
  );
  return { act, dialog };
}
