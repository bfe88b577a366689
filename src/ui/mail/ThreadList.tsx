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
import { useListGestures } from './list-gestures.ts';
import { MailRow, PullNotice, usePullRefresh, type Selection } from './MessageList.tsx';
import { SwipeRow, useSwipeAction } from './SwipeRow.tsx';
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
 * Touch habits as on the plain list (MessageList.tsx): a swipe on a conversation acts on all
 * its mails in the folder (one Undo for them all), a swipe on one of its mails (opened in
 * place) on that mail; a long press selects a conversation (all its mails), taps then add
 * or drop conversations; a pull at the top syncs the folder.
 */
export function ThreadList(props: ThreadListProps) {
  const { accountId, folderId, label, showRecipients, selected, selection } = props;
  const i18n = useI18n();
  const { t } = i18n;
  const pull = usePullRefresh(accountId, folderId);
  const items = useLive((db) => readPage(db, accountId, folderId, { offset: 0 }, THREAD_WINDOW), [accountId, folderId], ['items']);
  const [open, setOpen] = useState<string | undefined>();
  const threads = groupThreads(items.value?.items ?? []);
  // The swipeable rows in screen order: a conversation's row, then its mails when open.
  const rows: (readonly ItemRecord[])[] = [];
  const swipe = useSwipeAction(props.folders, props.onFailed);
  const isPicked = (list: readonly ItemRecord[]) => !!selection && list.every((i) => selection.has(i.id));
  const pick = (list: readonly ItemRecord[], on: boolean) => {
    const next = new Map(selection ?? []);
    for (const i of list) on ? next.set(i.id, i) : next.delete(i.id);
    props.onSelection(next);
  };
  const { live, handlers } = useListGestures({
    onSwipe: (index, side) => rows[index] && swipe.act(rows[index], side),
    onHold: (index) => rows[index] && !isPicked(rows[index]) && pick(rows[index], true),
    onPull: () => void pull.refresh(),
  });
  if (!items.loading && threads.length === 0) return <p class="empty">{t('mail.empty')}</p>;

  /** One swipeable row: while selecting, a tap picks or drops it instead of opening. */
  const row = (list: readonly ItemRecord[], body: preact.ComponentChildren) => {
    const index = rows.push(list) - 1;
    const picked = isPicked(list);
    const onClickCapture = (e: MouseEvent) => {
      if (!selection) return;
      e.preventDefault();
      e.stopPropagation();
      pick(list, !picked);
    };
    return (
      <div data-row={index} class={'swipe-list-row' + (picked ? ' picked' : '')} onClickCapture={onClickCapture}>
        <SwipeRow swipe={live?.kind === 'swipe' && live.index === index ? live : undefined} items={list} folders={props.folders}>
          {body}
        </SwipeRow>
      </div>
    );
  };
  const selecting = selection !== null;
  return (
    <div class="mail-list swipe-list" {...handlers}>
      <PullNotice live={live} notice={pull.notice} i18n={i18n} />
      <div class="screen-body">
        <ul class="plain-list thread-list" aria-label={label}>
          {threads.map((thread) => {
            const first = thread.items[0] as ItemRecord;
            if (thread.items.length === 1)
              return (
                <li key={thread.key} class={first.id === selected ? 'selected' : ''}>
                  {row(
                    thread.items,
                    <a href={mailHref(first)} draggable={false}>
                      <MailRow item={first} showRecipients={showRecipients} selecting={selecting} />
                    </a>,
                  )}
                </li>
              );
            const expanded = open === thread.key;
            return (
              <li key={thread.key}>
                {row(
                  thread.items,
                  <button
                    type="button"
                    class="thread-head"
                    aria-expanded={expanded}
                    aria-pressed={selecting ? isPicked(thread.items) : undefined}
                    onClick={() => setOpen(expanded ? undefined : thread.key)}
                  >
                    <ThreadRow thread={thread} selecting={selecting} />
                  </button>,
                )}
                {expanded && (
                  <ul class="plain-list thread-mails">
                    {thread.items.map((i) => (
                      <li key={i.id} class={i.id === selected ? 'selected' : ''}>
                        {row(
                          [i],
                          <a href={mailHref(i)} draggable={false}>
                            <MailRow item={i} showRecipients={showRecipients} selecting={selecting} />
                          </a>,
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ul>
      </div>
      {swipe.dialog}
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
