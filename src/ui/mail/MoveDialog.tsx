/** Picks the folder to move mail to. */
import type { FolderRecord } from '../../store/schema.ts';
import { Dialog } from '../components/Dialog.tsx';
import { useI18n } from '../i18n/index.ts';
import { folderName, mailFolderTree } from './folders.ts';

export function MoveDialog({
  folders,
  onPick,
  onCancel,
}: {
  folders: readonly FolderRecord[];
  onPick: (folderId: string) => void;
  onCancel: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const rows = mailFolderTree(folders);
  return (
    <Dialog title={t('mail.moveTitle')} onClose={onCancel}>
      <ul class="pick-list">
        {rows.map(({ folder, depth }) => (
          <li key={folder.serverId}>
            <button type="button" style={{ paddingInlineStart: `${12 + depth * 16}px` }} onClick={() => onPick(folder.serverId)}>
              {folderName(folder, i18n)}
            </button>
          </li>
        ))}
      </ul>
      <div class="button-row end">
        <button type="button" class="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </Dialog>
  );
}
