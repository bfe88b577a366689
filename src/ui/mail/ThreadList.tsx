/**
 * The mail list as conversations (threads.ts): one row per conversation with its people,
 * the newest mail's subject and date, how many mails and how many unread; a conversation
 * of several opens in place to list its mails. Read from the newest THREAD_WINDOW mails of
 * the folder, so it stays quick on a large folder (older mails: the plain list).
 */
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { ItemRecord } from '../../store/schema.ts';
import { useLive } from '../data/live.ts';
import { readPage } from '../data/read.ts';
import { useI18n } from '../i18n/index.ts';
import { href } from '../router.ts';
import { MailRow } from './MessageList.tsx';
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

export function ThreadList({
  accountId,
  folderId,
  label,
  showRecipients,
  selected,
}: {
  accountId: string;
  folderId: string;
  label: string;
  showRecipients: boolean;
  selected?: string;
}) {
  const { t } = useI18n();
  const items = useLive((db) => readPage(db, accountId, folderId, { offset: 0 }, THREAD_WINDOW), [accountId, folderId], ['items']);
  const [open, setOpen] = useState<string | undefined>();
  const threads = groupThreads(items.value?.items ?? []);
  if (!items.loading && threads.length === 0) return <p class="empty">{t('mail.empty')}</p>;
  return (
    <div class="screen-body">
      <ul class="plain-list thread-list" aria-label={label}>
        {threads.map((thread) => {
          const first = thread.items[0] as ItemRecord;
          if (thread.items.length === 1)
            return (
              <li key={thread.key} class={first.id === selected ? 'selected' : ''}>
                <a href={mailHref(first)}>
                  <MailRow item={first} showRecipients={showRecipients} />
                </a>
              </li>
            );
          const expanded = open === thread.key;
          return (
            <li key={thread.key}>
              <button type="button" class="thread-head" aria-expanded={expanded} onClick={() => setOpen(expanded ? undefined : thread.key)}>
                <ThreadRow thread={thread} />
              </button>
              {expanded && (
                <ul class="plain-list thread-mails">
                  {thread.items.map((i) => (
                    <li key={i.id} class={i.id === selected ? 'selected' : ''}>
                      <a href={mailHref(i)}>
                        <MailRow item={i} showRecipients={showRecipients} />
                      </a>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function ThreadRow({ thread }: { thread: Thread }) {
  const { t, short, number } = useI18n();
  const newest = thread.items[0]?.data;
  return (
    <div class={'mail-row' + (thread.unread > 0 ? ' unread' : '')}>
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
