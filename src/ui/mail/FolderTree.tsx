/**
 * The mail folders of every account: Inbox and the default folders first, subfolders
 * indented, shared folders with their owner's name, unread counts, the initial sync's
 * progress (GetItemEstimate vs items stored) and the local outbox.
 */
import { sendsDraft, serverDrafts } from '../../store/drafts.ts';
import type { AccountRecord, FolderRecord, PendingRecord } from '../../store/schema.ts';
import { Icon, type IconName } from '../components/Icon.tsx';
import { useI18n } from '../i18n/index.ts';
import { href } from '../router.ts';
import { FOLDER_TYPE, folderName, mailFolderTree, syncProgress } from './folders.ts';

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
  readonly current?: { accountId: string; folderId?: string; outbox?: boolean; drafts?: boolean };
  readonly onPick?: () => void;
}

export function FolderTree({ accounts, folders, pending, current, onPick }: FolderTreeProps) {
  const i18n = useI18n();
  const { t, number } = i18n;
  return (
    <nav class="folder-tree" aria-label={t('mail.folders')}>
      {accounts.map((account) => {
        const own = folders.filter((f) => f.accountId === account.id);
        const rows = mailFolderTree(own);
        // At 16.x the server's Drafts folder is the drafts list (DraftList); below, a list of this device's drafts is added.
        const drafts = serverDrafts(account, own);
        const queued = pending.filter((p) => p.accountId === account.id && (p.kind === 'send' || sendsDraft(p))).length;
        const outboxCurrent = current?.accountId === account.id && current.outbox;
        const draftsCurrent = current?.accountId === account.id && current.drafts;
        return (
          <section key={account.id} aria-label={account.email}>
            {accounts.length > 1 && <h2 class="tree-account">{account.displayName ?? account.email}</h2>}
            <ul>
              {rows.map(({ folder, depth }, i) => {
                const isDrafts = folder === drafts;
                const isCurrent = current?.accountId === account.id && (isDrafts ? !!current.drafts : current.folderId === folder.serverId);
                const sharedStart = folder.owner !== undefined && depth === 0 && rows[i - 1]?.folder.owner !== folder.owner;
                const progress = syncProgress(folder);
                return (
                  <li key={folder.serverId}>
                    {sharedStart && <p class="tree-group">{t('mail.sharedBy', { owner: folder.owner ?? '' })}</p>}
                    <a
                      href={isDrafts ? href.drafts(account.id) : href.mail(account.id, folder.serverId)}
                      class={'tree-item' + (isCurrent ? ' current' : '')}
                      aria-current={isCurrent ? 'page' : undefined}
                      style={{ paddingInlineStart: `${12 + depth * 16}px` }}
                      onClick={onPick}
                    >
                      <Icon name={ICONS[folder.type] ?? 'folder'} />
                      <span class="tree-name">{folderName(folder, i18n)}</span>
                      {folder.status.kind === 'error' && <Icon name="warn" label={t('status.folderError')} />}
                      {folder.unread > 0 && (
                        <span class="count">
                          {/* A span's aria-label is not announced: the words go in hidden text. */}
                          <span aria-hidden="true">{number(folder.unread)}</span>
                          <span class="visually-hidden">{t('mail.unread', { count: folder.unread })}</span>
                        </span>
                      )}
                    </a>
                    {progress !== undefined && (
                      <progress
                        class="tree-progress"
                        max={folder.estimate}
                        value={folder.count}
                        aria-label={`${folderName(folder, i18n)}: ${t('status.progress', { count: number(folder.count), total: number(folder.estimate ?? 0) })}`}
                      />
                    )}
                  </li>
                );
              })}
              <li>
                <a
                  href={href.outbox(account.id)}
                  class={'tree-item' + (outboxCurrent ? ' current' : '')}
                  aria-current={outboxCurrent ? 'page' : undefined}
                  onClick={onPick}
                >
                  <Icon name="outbox" />
                  <span class="tree-name">{t('mail.outbox')}</span>
                  {queued > 0 && <span class="count">{number(queued)}</span>}
                </a>
              </li>
              {!drafts && (
                <li>
                  <a
                    href={href.drafts(account.id)}
                    class={'tree-item' + (draftsCurrent ? ' current' : '')}
                    aria-current={draftsCurrent ? 'page' : undefined}
                    onClick={onPick}
                  >
                    <Icon name="compose" />
                    <span class="tree-name">{t('drafts.title')}</span>
                  </a>
                </li>
              )}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
