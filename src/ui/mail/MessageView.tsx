/**
 * One mail: header, actions, an invitation's one-tap answers, the sanitized body in a
 * sandboxed iframe (remote images only after consent, cid: parts inlined) and the
 * attachments to download.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Address } from '../../eas/items/addresses.ts';
import type { Email } from '../../eas/items/email.ts';
import type { Attachment } from '../../eas/items/airsyncbase.ts';
import type { BodyRecord, FolderRecord, ItemOf, ItemRecord } from '../../store/schema.ts';
import { Avatar } from '../components/Avatar.tsx';
import { Icon } from '../components/Icon.tsx';
import { refOf } from '../../runtime/engine-client.ts';
import { useI18n } from '../i18n/index.ts';
import { getBody } from '../data/read.ts';
import { useApp, useLive } from '../data/live.ts';
import { href, navigate } from '../router.ts';
import { Details, errorKey, technical } from '../status/error-text.tsx';
import { useOnline } from '../status/Status.tsx';
import { MailFrame } from './MailFrame.tsx';
import { MoveDialog } from './MoveDialog.tsx';
import { deleteMails, moveMails, thenBack } from './mail-actions.ts';
import { useSenderPhoto } from './sender-photo.ts';

type RenderModule = typeof import('./render.ts');
let renderModule: Promise<RenderModule> | undefined;
const loadRender = () => (renderModule ??= import('./render.ts'));

export function addressText(a: Address | undefined): string {
  if (!a) return '';
  return a.name ? `${a.name} <${a.email}>` : a.email;
}

export interface MessageViewProps {
  readonly item: ItemOf<'Email'>;
  readonly folders: readonly FolderRecord[];
  readonly onBack?: () => void;
}

export function MessageView({ item, folders, onBack }: MessageViewProps) {
  const { client } = useApp();
  const { t } = useI18n();
  const mail = item.data;
  const ref = refOf(item);
  const [moving, setMoving] = useState(false);
  const flagged = mail.flag?.status === 2;
  const photo = useSenderPhoto(item.accountId, mail.from?.email);

  useEffect(() => {
    if (item.read === 0) void client.markRead([ref], true);
  }, [item.id]);

  const act = (f: () => Promise<void>) => () => void f();
  const remove = act(() => thenBack(() => deleteMails(client, folders, [item]), onBack));
  const toggleFlag = act(() => client.setFlag(ref, flagged ? null : { status: 2, flagType: 'Flag for follow up' }));
  const markUnread = act(() => thenBack(() => client.markRead([ref], false), onBack));

  return (
    <article class="message" aria-labelledby="message-subject">
      <div class="toolbar" role="toolbar" aria-label={t('mail.messages')}>
        {onBack && (
          <button type="button" class="icon-btn back" onClick={onBack} aria-label={t('common.back')}>
            <Icon name="back" />
          </button>
        )}
        <a class="icon-btn" href={href.compose('reply', ref)} aria-label={t('mail.reply')} title={t('mail.reply')}>
          <Icon name="reply" />
        </a>
        <a class="icon-btn" href={href.compose('replyAll', ref)} aria-label={t('mail.replyAll')} title={t('mail.replyAll')}>
          <Icon name="replyAll" />
        </a>
        <a class="icon-btn" href={href.compose('forward', ref)} aria-label={t('mail.forward')} title={t('mail.forward')}>
          <Icon name="forward" />
        </a>
        <span class="spacer" />
        <button
          type="button"
          class="icon-btn"
          aria-pressed={flagged}
          onClick={toggleFlag}
          aria-label={flagged ? t('mail.unflag') : t('mail.flag')}
          title={flagged ? t('mail.unflag') : t('mail.flag')}
        >
          <Icon name="flag" />
        </button>
        <button type="button" class="icon-btn" onClick={markUnread} aria-label={t('mail.markUnread')} title={t('mail.markUnread')}>
          <Icon name="read" />
        </button>
        <button type="button" class="icon-btn" onClick={() => setMoving(true)} aria-label={t('mail.move')} title={t('mail.move')}>
          <Icon name="move" />
        </button>
        <button type="button" class="icon-btn" onClick={remove} aria-label={t('mail.delete')} title={t('mail.delete')}>
          <Icon name="trash" />
        </button>
      </div>
      <header class="message-head">
        <h2 id="message-subject">{mail.subject || t('common.noSubject')}</h2>
        {mail.importance === 2 && <p class="badge warn">{t('mail.importanceHigh')}</p>}
        <div class="sender">
          <Avatar name={mail.from?.name || mail.from?.email || '?'} picture={photo} />
          <Addresses mail={mail} />
        </div>
      </header>
      {mail.meetingRequest && <Invitation item={item} onAnswered={onBack} />}
      <MessageBody item={item} />
      <AttachmentList accountId={item.accountId} attachments={mail.attachments.filter((a) => !a.isInline)} />
      {moving && (
        <MoveDialog
          folders={folders.filter((f) => f.accountId === item.accountId && f.serverId !== item.folderId)}
          onCancel={() => setMoving(false)}
          onPick={async (folderId) => {
            setMoving(false);
            await thenBack(() => moveMails(client, [item], folderId, 'move'), onBack);
          }}
        />
      )}
    </article>
  );
}

/**
 * A meeting request's answers. The server retires the request mail once answered
 * (Exchange and the mock move it to Deleted Items), so the reader goes back to the list.
 */
/** A mail's sender, recipients and date, as the reader and a server search hit show them. */
export function Addresses({ mail }: { mail: Pick<Email, 'from' | 'to' | 'cc' | 'dateReceived'> }) {
  const { t, dateTime } = useI18n();
  const list = (key: 'mail.to' | 'mail.cc', who: readonly Address[]) =>
    who.length > 0 && (
      <>
        <dt>{t(key)}</dt>
        <dd>{who.map(addressText).join(', ')}</dd>
      </>
    );
  return (
    <dl class="addresses">
      <dt>{t('mail.from')}</dt>
      <dd>{addressText(mail.from) || t('common.unknownSender')}</dd>
      {list('mail.to', mail.to)}
      {list('mail.cc', mail.cc)}
      {mail.dateReceived && (
        <>
          <dt>{t('mail.date')}</dt>
          <dd>
            <time dateTime={mail.dateReceived.toISOString()}>{dateTime(mail.dateReceived)}</time>
          </dd>
        </>
      )}
    </dl>
  );
}

function Invitation({ item, onAnswered }: { item: ItemOf<'Email'>; onAnswered?: () => void }) {
  const { client } = useApp();
  const { t, dateTime, time } = useI18n();
  const m = item.data.meetingRequest;
  const [answer, setAnswer] = useState<string | undefined>();
  if (!m) return null;
  const respond = (response: 1 | 2 | 3, label: string) => () =>
    thenBack(async () => {
      await client.respondToMeeting(refOf(item), response);
      setAnswer(label);
    }, onAnswered);
  return (
    <section class="invitation" aria-label={t('mail.invitation')}>
      <p class="invitation-when">
        <Icon name="calendar" /> {m.startTime && dateTime(m.startTime)}
        {m.endTime && ` – ${time(m.endTime)}`}
      </p>
      {(m.location || m.locationDetail?.displayName) && (
        <p>
          <Icon name="pin" /> {m.location ?? m.locationDetail?.displayName}
        </p>
      )}
      {answer ? (
        <p role="status">{t('mail.answered', { answer })}</p>
      ) : (
        <div class="button-row">
          <button type="button" class="btn primary" onClick={respond(1, t('mail.accept'))}>
            {t('mail.accept')}
          </button>
          <button type="button" class="btn" onClick={respond(2, t('mail.tentative'))}>
            {t('mail.tentative')}
          </button>
          <button type="button" class="btn" onClick={respond(3, t('mail.decline'))}>
            {t('mail.decline')}
          </button>
        </div>
      )}
    </section>
  );
}

type BodyState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly detail: string }
  | { readonly kind: 'ready'; readonly srcdoc: string; readonly blocked: number };

/**
 * The body: from the store, else fetched. Offline, a body that is not on the device says
 * so at once (no spinner that cannot end) and is fetched when the connection is back;
 * a failed fetch says why in the user's language.
 */
export function MessageBody({ item }: { item: ItemOf<'Email'> }) {
  const { client } = useApp();
  const { t } = useI18n();
  const online = useOnline();
  const place = { accountId: item.accountId, folderId: item.folderId, serverId: item.serverId };
  const mail = item.data;
  const stored = useLive((db) => getBody(db, place), [item.accountId, item.folderId, item.serverId], ['bodies']);
  const [fetchError, setFetchError] = useState<unknown>();
  // What the download answered: shown at once, without waiting for a store-change event.
  const [fetched, setFetched] = useState<BodyRecord | undefined>();
  const body = stored.value ?? (fetched?.serverId === item.serverId ? fetched : undefined);

  useEffect(() => {
    if (stored.loading || stored.value || !online) return;
    setFetchError(undefined);
    client.fetchBody(place).then(setFetched, setFetchError);
  }, [stored.loading, stored.value === undefined, item.serverId, online]);

  if (!body) {
    const preview = mail.body?.preview ?? (mail.body?.truncated === false ? mail.body.data : undefined);
    const failed = online && fetchError !== undefined;
    return (
      <div class="message-body pending">
        {preview && <p class="preview">{preview}</p>}
        <p role="status">
          {!online ? t('mail.bodyOffline') : failed ? t('mail.bodyFailed', { reason: t(errorKey(fetchError)) }) : t('mail.bodyLoading')}
        </p>
        {failed && <Details detail={technical(fetchError)} />}
      </div>
    );
  }
  return <BodyFrame key={item.serverId} accountId={item.accountId} attachments={mail.attachments} body={body} />;
}

/** A whole body, sanitized, cid: parts inlined, remote content on consent, in the sandboxed frame. */
export function BodyFrame({
  accountId,
  attachments,
  body,
}: {
  accountId: string;
  attachments: readonly Attachment[];
  body: Pick<BodyRecord, 'type' | 'data'>;
}) {
  const { client } = useApp();
  const { t } = useI18n();
  const [allowRemote, setAllowRemote] = useState(false);
  const [state, setState] = useState<BodyState>({ kind: 'loading' });

  useEffect(() => {
    let alive = true;
    void (async () => {
      const r = await loadRender();
      const content = await r.contentOf(body);
      const cid = await inlineParts(r.cidReferences(content.html), content.inline, r.dataUrl);
      const out = r.render(content, cid, allowRemote);
      if (alive) setState({ kind: 'ready', srcdoc: out.srcdoc, blocked: out.blocked });
    })().catch((e: unknown) => alive && setState({ kind: 'failed', detail: technical(e) }));
    return () => {
      alive = false;
    };
  }, [body, allowRemote]);

  async function inlineParts(
    wanted: readonly string[],
    have: ReadonlyMap<string, string>,
    toDataUrl: (type: string, bytes: Uint8Array) => string,
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of wanted) {
      if (have.has(id)) continue;
      const a = attachments.find((x) => x.contentId?.replace(/^<|>$/g, '') === id);
      if (!a) continue;
      try {
        const got = await client.fetchAttachment(accountId, a.fileReference);
        if (got.contentType.startsWith('image/')) out.set(id, toDataUrl(got.contentType, got.bytes));
      } catch {
        // left out: the image shows as missing, the rest of the mail still renders
      }
    }
    return out;
  }

  if (state.kind === 'failed') {
    return (
      <div role="alert">
        <p>{t('mail.bodyFailed', { reason: t('error.unknown') })}</p>
        <Details detail={state.detail} />
      </div>
    );
  }
  if (state.kind === 'loading') return <p role="status">{t('mail.bodyLoading')}</p>;
  return (
    <div class="message-body">
      {state.blocked > 0 && !allowRemote && (
        <div class="notice" role="note">
          <Icon name="image" /> <span>{t('mail.remoteBlocked')}</span>
          <button type="button" class="btn small" onClick={() => setAllowRemote(true)}>
            {t('mail.remoteAllow')}
          </button>
        </div>
      )}
      <MailFrame srcdoc={state.srcdoc} title={t('mail.messageContent')} />
    </div>
  );
}

function AttachmentList({ accountId, attachments }: { accountId: string; attachments: readonly Attachment[] }) {
  const { client } = useApp();
  const { t, bytes } = useI18n();
  const [error, setError] = useState<unknown>();
  if (attachments.length === 0) return null;
  const download = (a: Attachment) => async () => {
    try {
      setError(undefined);
      const got = await client.fetchAttachment(accountId, a.fileReference);
      const url = URL.createObjectURL(new Blob([got.bytes as BlobPart], { type: got.contentType }));
      const link = document.createElement('a');
      link.href = url;
      link.download = a.displayName ?? 'attachment';
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="attachments" aria-label={t('mail.attachments')}>
      <h3>{t('mail.attachments')}</h3>
      <ul>
        {attachments.map((a) => (
          <li key={a.fileReference}>
            <button type="button" class="attachment" onClick={download(a)} title={t('mail.download', { name: a.displayName ?? '' })}>
              <Icon name="attach" />
              <span class="name">{a.displayName}</span>
              {a.estimatedDataSize !== undefined && <span class="size">{bytes(a.estimatedDataSize)}</span>}
              <Icon name="download" />
            </button>
          </li>
        ))}
      </ul>
      {error !== undefined && (
        <div role="alert">
          <p>{t('mail.attachmentFailed', { reason: t(errorKey(error)) })}</p>
          <Details detail={technical(error)} />
        </div>
      )}
    </section>
  );
}

/** After a move or delete on a small screen: back to the folder. */
export function backToFolder(item: ItemRecord): void {
  navigate(href.mail(item.accountId, item.folderId));
}
