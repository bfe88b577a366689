/** The bar over the mail list while mails are selected: how many, and what to do with them. */
import { useState } from 'preact/hooks';
import type { FolderRecord, ItemRecord } from '../../store/schema.ts';
import { Icon } from '../components/Icon.tsx';
import { useApp } from '../data/live.ts';
import { useI18n } from '../i18n/index.ts';
import { deleteMails, isFlagged, moveMails, toggleFlag, toggleRead } from './mail-actions.ts';
import { MoveDialog } from './MoveDialog.tsx';

export function SelectionBar({
  items,
  folders,
  onLeave,
  onFailed,
}: {
  items: readonly ItemRecord[];
  folders: readonly FolderRecord[];
  onLeave: () => void;
  onFailed: (e: unknown) => void;
}) {
  const { client } = useApp();
  const { t } = useI18n();
  const [moving, setMoving] = useState(false);
  const first = items[0];
  // Search results mix folders: a folder is left out of the choice only when it holds them all.
  const from = new Set(items.map((i) => i.folderId));
  const act = (work: () => Promise<void>) => () => {
    if (items.length === 0) return;
    onLeave();
    work().catch(onFailed);
  };
  const readLabel = t(items.some((i) => i.read === 0) ? 'mail.markRead' : 'mail.markUnread');
  const flagLabel = t(items.some((i) => !isFlagged(i)) ? 'mail.flag' : 'mail.unflag');
  const button = (icon: 'trash' | 'move' | 'read' | 'flag', label: string, onClick: () => void) => (
    <button type="button" class="icon-btn" onClick={onClick} aria-label={label} title={label} disabled={items.length === 0}>
      <Icon name={icon} />
    </button>
  );
  return (
    <div class="bar selection-bar" role="toolbar" aria-label={t('mail.selectionActions')}>
      <button type="button" class="icon-btn" onClick={onLeave} aria-label={t('mail.leaveSelection')} title={t('mail.leaveSelection')}>
        <Icon name="close" />
      </button>
      <h1 aria-live="polite">{t('mail.selectedCount', { count: items.length })}</h1>
      {button(
        'trash',
        t('mail.delete'),
        act(() => deleteMails(client, folders, items)),
      )}
      {button('move', t('mail.move'), () => items.length > 0 && setMoving(true))}
      {button(
        'read',
        readLabel,
        act(() => toggleRead(client, items)),
      )}
      {button(
        'flag',
        flagLabel,
        act(() => toggleFlag(client, items)),
      )}
      {moving && first && (
        <MoveDialog
          folders={folders.filter((f) => f.accountId === first.accountId && !(from.size === 1 && from.has(f.serverId)))}
          onCancel={() => setMoving(false)}
          onPick={(folderId) => {
            setMoving(false);
            act(() => moveMails(client, items, folderId, 'move'))();
          }}
        />
      )}
    </div>
  );
}
