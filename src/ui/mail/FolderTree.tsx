/**
 * The mail folders of every account: Inbox and the default folders first, subfolders
 * indented, shared folders with their owner's name, unread counts, the initial sync's
 * progress (GetItemEstimate vs items stored) and the local outbox.
 */
import type { AccountRecord, FolderRecord, PendingRecord } from '../../store/schema.ts';
import { Icon, type IconName } from '../components/Icon.tsx';
import { useI18n } from '../i18n/index.ts';
import { href } from '../router.ts';
import { FOLDER_TYPE, mailFolderTree, syncProgress } from './folders.ts';

const ICONS: Readonly<Record<number, IconName>> = {
  [FOLDER_TYPE.inbox]: 'inbox',
  [FOLDER_TYPE.sent]: 'send',
  [FOLDER_TYPE.deleted]: 'trash',
  [FOLDER_TYPE.drafts]: 'edit',
  [FOLDER_TYPE.outbox]: 'outbox',
};

export interface FolderTreeProps {
  readonly accounts: readonly AccountRecord[];
  readonly folders: readonly FolderRecord[];
  readonly pending: readonly PendingRecord[];
  readonly current?: { accountId: string; folderId?: string; outbox?: boolean };
  readonly onPick?: () => void;
}

export function FolderTree({ accounts, folders, pending, current, onPick }: FolderTreeProps) {
  const { t, number } = useI18n();
  return (
    <nav class="folder-tree" aria-label={t('mail.folders')}>
      {accounts.map((account) => {
        const rows = mailFolderTree(folders.filter((f) => f.accountId === account.id));
        const queued = pending.filter((p) => p.accountId === account.id && p.kind === 'send').length;
        const outboxCurrent = current?.accountId === account.id && current.outbox;
        return (
          <section key={account.id} aria-label={account.email}>
            {accounts.length > 1 && <h2 class="tree-account">{account.displayName ?? account.email}</h2>}
            <ul>
              {rows.map(({ folder, depth }, i) => {
                const isCurrent = current?.accountId === account.id && current.folderId === folder.serverId;
                const sharedStart = folder.owner !== undefined && depth === 0 && rows[i - 1]?.folder.owner !== folder.owner;
                const progress = syncProgress(folder);
                return (
                  <li key={folder.serverId}>
                    {sharedStart && <p class="tree-group">{t('mail.sharedBy', { owner: folder.owner ?? '' })}</p>}
                    <a
                      href={href.mail(account.id, folder.serverId)}
                      class={'tree-item' + (isCurrent ? ' current' : '')}
                      aria-current={isCurrent ? 'page' : undefined}
                      style={{ paddingInlineStart: `${12 + depth * 16}px` }}
                      onClick={onPick}
                    >
                      <Icon name={ICONS[folder.type] ?? 'folder'} />
                      <span class="tree-name">{folder.displayName}</span>
                      {folder.status.kind === 'error' && <Icon name="warn" label={t('status.folderError', { message: folder.status.message })} />}
                      {folder.unread > 0 && (
                        <span class="count" aria-label={t('mail.unread', { count: folder.unread })}>
                          {number(folder.unread)}
                        </span>
                      )}
                    </a>
                    {progress !== undefined && (
                      <progress
                        class="tree-progress"
                        max={folder.estimate}
                        value={folder.count}
                        aria-label={`${folder.displayName}: ${t('status.progress', { count: number(folder.count), total: number(folder.estimate ?? 0) })}`}
                      />
                    )}
                  </li>
                );
              })}
              <li>
                <a href={href.outbox(account.id)} class={'tree-item' + (outboxCurrent ? ' current' : '')} aria-current={outboxCurrent ? 'page' : undefined} onClick={onPick}>
                  <Icon name="outbox" />
                  <span class="tree-name">{t('mail.outbox')}</span>
                  {queued > 0 && <span class="count">{number(queued)}</span>}
                </a>
              </li>
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
