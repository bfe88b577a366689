/**
 * The mail list as conversations (threads.ts): one row per conversation with its people,
 * the newest mail's subject and date, how many mails and how many unread; a conversation
 * of several opens in place to list its mails. Read from the newest THREAD_WINDOW mails of
 * the folder, so it stays quick on a large folder (older mails: the plain list).
 */
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { FolderRecord, ItemRecord } from '../../store/schema.ts';
import { useLive } from '../data/live.ts';
import { readPage } from '../data/read.ts';
import { useI18n } from '../i18n/index.ts';
import { href } from '../router.ts';
import { useMailRows } from './mail-rows.tsx';
import { MailRow, PullNotice, usePullRefresh } from './MessageList.tsx';
import type { Selection } from './selection.ts';
import { groupThreads, threadSenders, type Thread } from './threads.ts';

const THREAD_WINDOW = 2000;
const STORAGE_KEY = 'eas-pwa.mail.threads';

export function loadThreaded(): boolean {
  return localStorage.getItem(STORAGE_KEY) === '1';
}

export function saveThreaded(on: boolean): void {
  if (on) localStorage.setItem(STORAGE_KEY, '1');
  else localStorage.removeItem(STORAGE_KEY);
}

const mailHref = (i: ItemRecord) => href.mail(i.accountId, i.folderId, i.id);

export interface ThreadListProps {
  readonly accountId: string;
  readonly folderId: string;
  readonly label: string;
  readonly showRecipients: boolean;
  readonly selected?: string;
  readonly folders: readonly FolderRecord[];
  readonly selection: Selection;
  readonly onSelection: (next: Selection) => void;
  readonly onFailed: (e: unknown) => void;
}

/**
 * Habits as on the plain list (MessageList.tsx, through useMailRows): a swipe, Delete or
 * Space on a conversation acts on all its mails in the folder (one Undo for them all), on
 * one of its mails (opened in place) on that mail; a long press selects a conversation (all
 * its mails) or a mail, taps then add or drop rows; a pull at the top syncs the folder.
 */
export function ThreadList(props: ThreadListProps) {
  const { accountId, folderId, label, showRecipients, selected, selection } = props;
  const i18n = useI18n();
  const { t } = i18n;
  const pull = usePullRefresh(accountId, folderId);
  const items = useLive((db) => readPage(db, accountId, folderId, { offset: 0 }, THREAD_WINDOW), [accountId, folderId], ['items']);
  const [open, setOpen] = useState<string | undefined>();
  const threads = groupThreads(items.value?.items ?? []);
  const { row, live, dialog, container } = useMailRows({ ...props, onPull: () => void pull.refresh() });
  if (!items.loading && threads.length === 0) return <p class="empty">{t('mail.empty')}</p>;

  const selecting = selection !== null;
  const mail = (i: ItemRecord) => (
    <li key={i.id} class={i.id === selected ? 'selected' : ''}>
      {row([i], <MailRow item={i} showRecipients={showRecipients} selecting={selecting} />, { href: mailHref(i) })}
    </li>
  );
  return (
    <div class="mail-list swipe-list" {...container}>
      <PullNotice live={live} notice={pull.notice} i18n={i18n} />
      <div class="screen-body">
        <ul class="plain-list thread-list" aria-label={label}>
          {threads.map((thread) => {
            if (thread.items.length === 1) return mail(thread.items[0] as ItemRecord);
            const expanded = open === thread.key;
            return (
              <li key={thread.key}>
                {row(thread.items, <ThreadRow thread={thread} selecting={selecting} />, {
                  class: 'thread-head',
                  expanded,
                  onClick: () => setOpen(expanded ? undefined : thread.key),
                })}
                {expanded && <ul class="plain-list thread-mails">{thread.items.map(mail)}</ul>}
              </li>
            );
          })}
        </ul>
      </div>
      {dialog}
    </div>
  );
}

function ThreadRow({ thread, selecting }: { thread: Thread; selecting: boolean }) {
  const { t, short, number } = useI18n();
  const newest = thread.items[0]?.data;
  return (
    <div class={'mail-row' + (thread.unread > 0 ? ' unread' : '') + (selecting ? ' selecting' : '')}>
      {selecting && <span class="select-box" aria-hidden="true" />}
      <div class="line1">
        {thread.unread > 0 && <span class="dot" aria-hidden="true" />}
        <span class="who">{threadSenders(thread).join(', ') || t('common.unknownSender')}</span>
        {thread.newest && <time dateTime={thread.newest.toISOString()}>{short(thread.newest)}</time>}
      </div>
      <div class="line2">
        <span class="subject">{newest?.subject || t('common.noSubject')}</span>
      </div>
      <div class="line3">
        <span class="badge">{t('mail.threadCount', { count: number(thread.items.length) })}</span>
        {thread.unread > 0 && (
          <Fragment>
            {' '}
            <span class="badge unread-count">{t('mail.unread', { count: number(thread.unread) })}</span>
          </Fragment>
        )}
      </div>
    </div>
  );
}
