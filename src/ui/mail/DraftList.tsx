/**
 * The account's drafts: each opens compose again. At 16.x these are the mails of the
 * server's Drafts folder (those written here and on other devices, store/drafts.ts) and
 * any kept only here; below 16.0 drafts are on this device only, and the list says so.
 */
import { formatAddressList } from '../../eas/items/addresses.ts';
import type { ItemOf } from '../../store/schema.ts';
import type { LocalDraft } from '../../runtime/engine-client.ts';
import { Icon } from '../components/Icon.tsx';
import { useApp, useLive } from '../data/live.ts';
import { listDrafts, listServerDrafts, serverDraftsFolder } from '../data/read.ts';
import type { Db } from '../../store/db.ts';
import { useI18n } from '../i18n/index.ts';
import { href, type ComposeMode } from '../router.ts';
import { htmlText } from '../compose/html-text.ts';

/** One row of the list, from either kind of draft. */
interface DraftRow {
  readonly accountId: string;
  readonly id: string;
  readonly mode: ComposeMode;
  readonly source?: LocalDraft['source'];
  readonly to: string;
  readonly subject: string;
  readonly firstLine: string;
  readonly at: number;
}

const firstLine = (text: string): string => text.trim().split('\n')[0] ?? '';

function fromServer(item: ItemOf<'Email'>, mine: LocalDraft | undefined): DraftRow {
  const mail = item.data;
  const body = mail.body?.type === 2 ? htmlText(mail.body.data ?? '') : (mail.body?.data ?? mail.body?.preview ?? '');
  return {
    accountId: item.accountId,
    id: item.id,
    mode: mine?.mode ?? 'new',
    source: mine?.source,
    to: formatAddressList(mail.to),
    subject: mail.subject ?? '',
    firstLine: firstLine(body),
    at: mail.dateReceived?.getTime() ?? item.updatedAt,
  };
}

const fromDevice = (d: LocalDraft): DraftRow => ({ ...d, firstLine: firstLine(d.text), at: d.savedAt });

/** The server's drafts (with what this device kept of each), then those kept only here; newest first. */
async function draftRows(db: Db, accountId: string): Promise<{ rows: DraftRow[]; onServer: boolean }> {
  const [folder, server, mine] = await Promise.all([
    serverDraftsFolder(db, accountId),
    listServerDrafts(db, accountId),
    listDrafts(db, accountId),
  ]);
  const kept = new Map(mine.map((d) => [d.id, d]));
  const rows = [
    ...server.map((i) => fromServer(i, kept.get(i.id))),
    ...mine.filter((d) => !server.some((i) => i.id === d.id)).map(fromDevice),
  ];
  return { rows: rows.sort((a, b) => b.at - a.at), onServer: folder !== undefined };
}

export function DraftList({ accountId }: { accountId: string }) {
  const { t } = useI18n();
  const list = useLive((db) => draftRows(db, accountId), [accountId], ['meta', 'items', 'folders', 'accounts']).value;
  if (!list) return <p class="loading">{t('common.loading')}</p>;
  return (
    <>
      <p class="hint padded">{t(list.onServer ? 'drafts.onServer' : 'drafts.deviceOnly')}</p>
      {list.rows.length === 0 ? (
        <p class="empty">{t('drafts.empty')}</p>
      ) : (
        <ul class="plain-list outbox">
          {list.rows.map((d) => (
            <DraftItem key={d.id} d={d} />
          ))}
        </ul>
      )}
    </>
  );
}

function DraftItem({ d }: { d: DraftRow }) {
  const { client } = useApp();
  const { t, dateTime } = useI18n();
  const subject = d.subject || t('common.noSubject');
  const discard = () => confirm(t('drafts.discardConfirm')) && void client.deleteDraft(d.accountId, d.id);
  return (
    <li class="outbox-item">
      <a class="mail-row" href={href.draft(d)}>
        <div class="line1">
          <span class="who">{d.to || t('drafts.noRecipients')}</span>
          <time dateTime={new Date(d.at).toISOString()}>{dateTime(new Date(d.at))}</time>
        </div>
        <div class="line2">
          <span class="subject">{subject}</span>
        </div>
        <div class="line3">{d.firstLine}</div>
      </a>
      <button type="button" class="icon-btn" onClick={discard} aria-label={t('drafts.discardNamed', { subject })}>
        <Icon name="trash" />
      </button>
    </li>
  );
}
