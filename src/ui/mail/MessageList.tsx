/**
 * The virtualized list of one folder. Rows come from PagedFolder (pages of the
 * byFolderSort index), so the list costs the same at 100 mails and at 100,000.
 */
import { useEffect, useMemo, useReducer, useState } from 'preact/hooks';
import type { Email } from '../../eas/items/email.ts';
import type { ItemRecord } from '../../store/schema.ts';
import { Icon } from '../components/Icon.tsx';
import { VirtualList } from '../components/VirtualList.tsx';
import { PagedFolder } from '../data/paged-folder.ts';
import { useApp } from '../data/live.ts';
import { useI18n } from '../i18n/index.ts';
import { refOf } from './MessageView.tsx';

export const MAIL_ROW_HEIGHT = 76;

export interface MessageListProps {
  readonly accountId: string;
  readonly folderId: string;
  readonly label: string;
  /** Sent and Drafts show the recipients instead of the sender. */
  readonly showRecipients: boolean;
  readonly selected?: string;
  readonly onOpen: (item: ItemRecord) => void;
}

export function MessageList(props: MessageListProps) {
  const { db, client } = useApp();
  const { t } = useI18n();
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const [active, setActive] = useState(-1);
  const paged = useMemo(() => new PagedFolder(db, props.accountId, props.folderId, { onChange: () => redraw(0) }), [db, props.accountId, props.folderId]);

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

  const onKey = (e: KeyboardEvent, index: number) => {
    const item = paged.row(index);
    if (!item) return;
    if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      void client.deleteItems([refOf(item)]);
    }
  };

  return (
    <VirtualList
      count={paged.count}
      rowHeight={MAIL_ROW_HEIGHT}
      label={props.label}
      idPrefix="mail"
      active={active}
      onActive={setActive}
      onOpen={(i) => {
        const item = paged.row(i);
        if (item) props.onOpen(item);
      }}
      onKey={onKey}
      onRange={(first, last) => paged.ensure(first, last)}
      isSelected={(i) => paged.row(i)?.serverId === props.selected}
      empty={<p class="empty">{t('mail.empty')}</p>}
      renderRow={(i) => <MailRow item={paged.row(i)} showRecipients={props.showRecipients} />}
    />
  );
}

export function MailRow({ item, showRecipients }: { item: ItemRecord | undefined; showRecipients: boolean }) {
  const { t, short } = useI18n();
  if (!item) return <div class="mail-row placeholder" aria-busy="true" />;
  const mail = item.data as Email;
  const who = showRecipients ? mail.to.map((a) => a.name || a.email).join(', ') : mail.from?.name || mail.from?.email;
  const unread = item.read === 0;
  return (
    <div class={'mail-row' + (unread ? ' unread' : '')}>
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
