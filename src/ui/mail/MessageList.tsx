/**
 * The virtualized list of one folder. Rows come from PagedFolder (pages of the
 * byFolderSort index), so the list costs the same at 100 mails and at 100,000.
 * Touch habits (list-gestures.ts): a swipe on a row runs the side's action from
 * Settings, a pull at the top syncs, a long press starts selecting; the keyboard has
 * the same (Space selects, Delete deletes, the reader's buttons do the rest).
 */
import { useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import type { FolderRecord, ItemRecord } from '../../store/schema.ts';
import { Icon } from '../components/Icon.tsx';
import { VirtualList } from '../components/VirtualList.tsx';
import { PagedFolder } from '../data/paged-folder.ts';
import { useApp } from '../data/live.ts';
import { useI18n, type I18n } from '../i18n/index.ts';
import { errorKey } from '../status/error-text.tsx';
import { useOnline } from '../status/Status.tsx';
import { useListGestures, type LiveGesture } from './list-gestures.ts';
import { useRowKeyAction } from './mail-rows.tsx';
import { allPicked, toggled, type Selection } from './selection.ts';
import { SwipeRow, useSwipeAction } from './SwipeRow.tsx';

export const MAIL_ROW_HEIGHT = 76;

export interface MessageListProps {
  readonly accountId: string;
  readonly folderId: string;
  readonly label: string;
  /** Sent and Drafts show the recipients instead of the sender. */
  readonly showRecipients: boolean;
  readonly selected?: string;
  readonly onOpen: (item: ItemRecord) => void;
  readonly folders: readonly FolderRecord[];
  readonly selection: Selection;
  readonly onSelection: (next: Selection) => void;
}

type Notice = 'refreshing' | 'offline' | { readonly failed: unknown } | undefined;

export function MessageList(props: MessageListProps) {
  const { db, client } = useApp();
  const i18n = useI18n();
  const { t } = i18n;
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const [active, setActive] = useState(-1);
  const { notice, setNotice, refresh } = usePullRefresh(props.accountId, props.folderId);
  const paged = useMemo(
    () => new PagedFolder(db, props.accountId, props.folderId, { onChange: () => redraw(0) }),
    [db, props.accountId, props.folderId],
  );
  const { selection } = props;

  useEffect(() => {
    setActive(-1);
    void paged.refresh();
    return client.subscribe((e) => {
      if (e.type !== 'changed' || !e.stores.includes('items')) return;
      if (e.accountId !== undefined && e.accountId !== props.accountId) return;
      if (e.folderIds && !e.folderIds.includes(props.folderId)) return;
      void paged.refresh();
    });
  }, [paged]);
  const onFailed = (e: unknown) => setNotice({ failed: e });
  const swipe = useSwipeAction(props.folders, onFailed);
  const keyAction = useRowKeyAction({ ...props, onFailed });
  const toggle = (item: ItemRecord) => props.onSelection(toggled(selection, [item]));

  // A row tapped while its page was still being read (it shows as a placeholder) opens once it is read.
  const wanted = useRef<number | undefined>(undefined);
  const open = (i: number) => {
    const item = paged.row(i);
    wanted.current = item ? undefined : i;
    if (!item) return;
    if (selection) toggle(item);
    else props.onOpen(item);
  };
  useEffect(() => {
    if (wanted.current !== undefined) open(wanted.current);
  });

  const { live, handlers } = useListGestures({
    onSwipe: (i, side) => {
      const item = paged.row(i);
      if (item) swipe.act([item], side);
    },
    onHold: (i) => {
      const item = paged.row(i);
      if (item && !allPicked(selection, [item])) toggle(item);
    },
    onPull: () => void refresh(),
  });

  const onKey = (e: KeyboardEvent, index: number) => void keyAction(e, rowItems(paged.row(index)));

  const swipeOf = (i: number) => (live?.kind === 'swipe' && live.index === i ? live : undefined);
  return (
    <div class="mail-list" {...handlers}>
      <PullNotice live={live} notice={notice} i18n={i18n} />
      <VirtualList
        count={paged.count}
        rowHeight={MAIL_ROW_HEIGHT}
        label={props.label}
        idPrefix="mail"
        active={active}
        onActive={setActive}
        onOpen={open}
        onKey={onKey}
        onRange={(first, last) => paged.ensure(first, last)}
        multiselectable={selection !== null}
        isSelected={(i) => {
          const id = paged.row(i)?.id;
          return selection ? id !== undefined && selection.has(id) : id === props.selected;
        }}
        empty={<p class="empty">{t('mail.empty')}</p>}
        renderRow={(i) => (
          <SwipeRow swipe={swipeOf(i)} items={rowItems(paged.row(i))} folders={props.folders}>
            <MailRow item={paged.row(i)} showRecipients={props.showRecipients} selecting={selection !== null} />
          </SwipeRow>
        )}
      />
      {swipe.dialog}
    </div>
  );
}

/** A pull's refresh of the folder (a sync now) and what it is doing, for PullNotice. */
export function usePullRefresh(accountId: string, folderId: string) {
  const { client } = useApp();
  const online = useOnline();
  const [notice, setNotice] = useState<Notice>(undefined);
  useEffect(() => {
    if (online && notice === 'offline') setNotice(undefined);
  }, [online]);
  const refresh = async () => {
    if (!online) return setNotice('offline');
    setNotice('refreshing');
    try {
      await client.syncNow(accountId, folderId);
      setNotice(undefined);
    } catch (e) {
      setNotice({ failed: e });
    }
  };
  return { notice, setNotice, refresh };
}

/** The pull indicator while pulling, then what the refresh is doing. */
export function PullNotice({ live, notice, i18n }: { live: LiveGesture | undefined; notice: Notice; i18n: I18n }) {
  const { t } = i18n;
  const pulling = live?.kind === 'pull' ? live : undefined;
  return (
    <>
      {pulling && (
        <div class={'pull' + (pulling.armed ? ' armed' : '')} style={{ height: `${pulling.distance}px` }} aria-hidden="true">
          <Icon name="sync" />
          <span>{t(pulling.armed ? 'mail.releaseToRefresh' : 'mail.pullToRefresh')}</span>
        </div>
      )}
      <div role="status" class={notice ? 'pull-status' : 'visually-hidden'}>
        {notice === 'refreshing' && (
          <>
            <span class="spinning" aria-hidden="true">
              <Icon name="sync" size={16} />
            </span>
            {t('mail.refreshing')}
          </>
        )}
        {notice === 'offline' && t('mail.refreshOffline')}
        {typeof notice === 'object' && t('mail.actionFailed', { reason: t(errorKey(notice.failed)) })}
      </div>
    </>
  );
}

const rowItems = (item: ItemRecord | undefined): ItemRecord[] => (item ? [item] : []);

export function MailRow({
  item,
  showRecipients,
  selecting,
}: {
  item: ItemRecord | undefined;
  showRecipients: boolean;
  selecting?: boolean;
}) {
  const { t, short } = useI18n();
  if (item?.class !== 'Email') return <div class="mail-row placeholder" aria-busy="true" />;
  const mail = item.data;
  const who = showRecipients ? mail.to.map((a) => a.name || a.email).join(', ') : mail.from?.name || mail.from?.email;
  const unread = item.read === 0;
  return (
    <div class={'mail-row' + (unread ? ' unread' : '') + (selecting ? ' selecting' : '')}>
      {selecting && <span class="select-box" aria-hidden="true" />}
      <div class="line1">
        {unread && <span class="dot" role="img" aria-label={t('mail.unreadMark')} />}
        <span class="who">{who || t('common.unknownSender')}</span>
        {mail.dateReceived && <time dateTime={mail.dateReceived.toISOString()}>{short(mail.dateReceived)}</time>}
      </div>
      <div class="line2">
        <span class="subject">{mail.subject || t('common.noSubject')}</span>
        {mail.meetingRequest && <Icon name="calendar" label={t('mail.invitation')} size={16} />}
        {mail.attachments.some((a) => !a.isInline) && <Icon name="attach" label={t('mail.hasAttachments')} size={16} />}
        {mail.flag?.status === 2 && <Icon name="flag" label={t('mail.flagged')} size={16} />}
      </div>
      <div class="line3">{mail.body?.preview ?? ''}</div>
    </div>
  );
}
