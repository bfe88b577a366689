/**
 * New mail, reply, reply-all and forward, with attachments. Sending puts the mail in
 * the durable outbox (visible under Mail → Outbox); it leaves when the engine is online.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatAddressList, parseAddressList, type Address } from '../../eas/items/addresses.ts';
import type { Email } from '../../eas/items/email.ts';
import type { AccountRecord, BodyRecord, ItemRecord } from '../../store/schema.ts';
import { Icon } from '../components/Icon.tsx';
import type { ComposeMode, Route } from '../router.ts';
import { refOf, type EngineClient, type LocalDraft, type OutgoingAttachment, type OutgoingMail } from '../../runtime/engine-client.ts';
import type { Db } from '../../store/db.ts';
import { draftFiles } from '../../store/drafts.ts';
import { useApp } from '../data/live.ts';
import { getBody, getDraft, getItem, listAccounts, serverDraftsFolder } from '../data/read.ts';
import { useI18n, type I18n } from '../i18n/index.ts';
import { href, navigate } from '../router.ts';
import { looksLikeEmail } from '../setup/user-name.ts';
import { htmlText } from './html-text.ts';
import { RecipientField } from './RecipientField.tsx';
import { htmlWithSignature, signatureBlock } from './signature.ts';

type ComposeRoute = Extract<Route, { name: 'compose' }>;

export interface Draft {
  accountId: string;
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  text: string;
  attachments: OutgoingAttachment[];
}

const prefix = (p: string, subject = '') => (subject.toLowerCase().startsWith(p.toLowerCase()) ? subject : `${p} ${subject}`);

/** The text of a stored body for quoting: HTML is reduced to its text. */
export function bodyText(body: BodyRecord | undefined, fallback = ''): string {
  if (!body) return fallback;
  if (body.type === 1) return body.data;
  if (body.type === 2) return htmlText(body.data);
  return fallback;
}

export function quote(text: string): string {
  return text
    .trimEnd()
    .split(/\r?\n/)
    .map((l) => (l.startsWith('>') ? '>' + l : '> ' + l))
    .join('\n');
}

const sameAddress = (a: Address, b: Address) => a.email.toLowerCase() === b.email.toLowerCase();

/** Who a reply goes to: Reply-To or From; reply-all adds To and Cc without the user. */
export function replyRecipients(mail: Email, all: boolean, self: string): { to: Address[]; cc: Address[] } {
  const sender = mail.replyTo.length > 0 ? [...mail.replyTo] : mail.from ? [mail.from] : [];
  if (!all) return { to: sender, cc: [] };
  const me = (a: Address) => a.email.toLowerCase() === self.toLowerCase();
  const to = [...sender, ...mail.to.filter((a) => !me(a) && !sender.some((s) => sameAddress(s, a)))];
  const cc = mail.cc.filter((a) => !me(a) && !to.some((s) => sameAddress(s, a)));
  return { to, cc };
}

export function initialDraft(
  mode: ComposeMode,
  account: AccountRecord,
  original: ItemRecord | undefined,
  body: BodyRecord | undefined,
  i18n: I18n,
  to = '',
): Draft {
  // The signature goes above the quote, after a blank line for the user's text.
  const block = signatureBlock(account.signature);
  const sig = block ? `\n\n${block}` : '';
  const empty: Draft = { accountId: account.id, to, cc: '', bcc: '', subject: '', text: sig, attachments: [] };
  if (mode === 'new' || original?.class !== 'Email') return empty;
  const mail = original.data;
  const text = bodyText(body, mail.body?.preview ?? '');
  const date = mail.dateReceived ? i18n.dateTime(mail.dateReceived) : '';
  const name = mail.from?.name ?? mail.from?.email ?? '';
  if (mode === 'forward') {
    const header = [
      i18n.t('mail.forwardHeader'),
      `${i18n.t('mail.from')}: ${formatAddressList(mail.from ? [mail.from] : [])}`,
      `${i18n.t('mail.date')}: ${date}`,
      `${i18n.t('mail.subject')}: ${mail.subject ?? ''}`,
      `${i18n.t('mail.to')}: ${formatAddressList(mail.to)}`,
    ];
    return { ...empty, subject: prefix('Fwd:', mail.subject), text: `${sig}\n\n${header.join('\n')}\n\n${text}` };
  }
  const r = replyRecipients(mail, mode === 'replyAll', account.email);
  return {
    ...empty,
    to: formatAddressList(r.to),
    cc: formatAddressList(r.cc),
    subject: prefix('Re:', mail.subject),
    text: `${sig}\n\n${i18n.t('mail.quoteHeader', { date, name })}\n${quote(text)}`,
  };
}

/** Another From account: its signature takes the place of the previous one's, where the text still has it. */
export function switchSignature(text: string, from: AccountRecord | undefined, to: AccountRecord | undefined): string {
  const old = signatureBlock(from?.signature);
  const next = signatureBlock(to?.signature);
  if (old && text.includes(`\n\n${old}`)) return text.replace(`\n\n${old}`, () => (next ? `\n\n${next}` : ''));
  return !old && next && text === '' ? `\n\n${next}` : text;
}

/**
 * A draft opened again: what this device kept of it, with the recipients, subject and text
 * of its mail in the server's Drafts folder when there is one (16.x: another device may
 * have changed it, or written it). A body the sync cut short is fetched whole when online.
 */
async function openDraft(db: Db, client: EngineClient, ref: { accountId: string; id: string }): Promise<LocalDraft | undefined> {
  const saved = await getDraft(db, ref.accountId, ref.id);
  const item = await getItem(db, { accountId: ref.accountId, itemId: ref.id });
  if (item?.class !== 'Email' || !item.data.isDraft) return saved;
  const mail = item.data;
  const whole = mail.body?.truncated ? await client.fetchBody(item).catch(() => undefined) : undefined;
  const text = bodyText(
    whole ?? (mail.body && { ...item, type: mail.body.type, data: mail.body.data ?? '', fetchedAt: 0 }),
    mail.body?.preview ?? '',
  );
  return {
    id: ref.id,
    accountId: ref.accountId,
    mode: saved?.mode ?? 'new',
    source: saved?.source,
    attachments: await draftFiles(mail.attachments, saved, (fileReference) => client.fetchAttachment(ref.accountId, fileReference)),
    to: formatAddressList(mail.to),
    cc: formatAddressList(mail.cc),
    bcc: formatAddressList(mail.bcc),
    subject: mail.subject ?? '',
    text,
    savedAt: saved?.savedAt ?? item.updatedAt,
  };
}

/**
 * The draft's files that are only on the server of the account it was kept under (opened
 * offline, store/drafts.ts draftFiles), when it is to be sent from another account: that
 * account's outbox cannot fetch them, and the draft they are in would be deleted.
 */
export function filesLeftOnServer(d: Draft, keptUnder: string | null | undefined): string[] {
  if (!keptUnder || keptUnder === d.accountId) return [];
  return d.attachments.filter((a) => a.notFetched).map((a) => a.name);
}

/** Saves a file of the draft on the device (the browser's download). */
function downloadFile(a: OutgoingAttachment): void {
  const url = URL.createObjectURL(new Blob([a.bytes as BlobPart], { type: a.contentType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = a.name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The user wrote or changed something since compose opened (a reply's own recipients and quote are not a draft). */
export function isEdited(d: Draft, start: Draft): boolean {
  return (
    d.to !== start.to ||
    d.cc !== start.cc ||
    d.bcc !== start.bcc ||
    d.subject !== start.subject ||
    d.text !== start.text ||
    d.attachments.length !== start.attachments.length
  );
}

export function ComposeScreen({ route }: { route: ComposeRoute }) {
  const { db, client } = useApp();
  const i18n = useI18n();
  const { t, bytes } = i18n;
  const [accounts, setAccounts] = useState<AccountRecord[]>([]);
  const [original, setOriginal] = useState<ItemRecord | undefined>();
  const [draft, setDraft] = useState<Draft | undefined>();
  const [showBcc, setShowBcc] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [sending, setSending] = useState(false);
  // The draft kept on this device (src/store/drafts.ts): its id, what compose started with, and when it was last kept.
  const [draftId] = useState(() => route.draft?.id ?? crypto.randomUUID().replace(/-/g, ''));
  const [initial, setInitial] = useState<Draft | undefined>();
  const [keptAt, setKeptAt] = useState<number | undefined>();
  /** The account's drafts go to the server's Drafts folder (16.x). */
  const [onServer, setOnServer] = useState(false);
  /** The account the draft was last kept under (another From moves it); null once sent or discarded. */
  const keptUnder = useRef<string | null | undefined>(route.draft?.accountId);

  useEffect(() => {
    void (async () => {
      const list = await listAccounts(db);
      const saved = route.draft ? await openDraft(db, client, route.draft) : undefined;
      const item = route.ref ? await getItem(db, route.ref) : undefined;
      const body = item ? await getBody(db, item) : undefined;
      const account = list.find((a) => a.id === (saved?.accountId ?? item?.accountId)) ?? list[0];
      setAccounts(list);
      setOriginal(item);
      if (!account) return;
      const start = initialDraft(route.mode, account, item, body, i18n, route.to);
      setInitial(start);
      setDraft(
        saved
          ? {
              accountId: saved.accountId,
              to: saved.to,
              cc: saved.cc,
              bcc: saved.bcc,
              subject: saved.subject,
              text: saved.text,
              attachments: [...saved.attachments],
            }
          : start,
      );
      if (saved?.bcc) setShowBcc(true);
      if (saved) setKeptAt(saved.savedAt);
    })();
  }, [route.mode, route.ref?.itemId, route.draft?.id]);

  // The account the draft is under (From) decides where it is kept.
  useEffect(() => {
    if (draft) void serverDraftsFolder(db, draft.accountId).then((f) => setOnServer(f !== undefined));
  }, [draft?.accountId]);

  const edited = !!draft && !!initial && (route.draft !== undefined || isEdited(draft, initial));
  /** Keeps the draft on this device (after typing stops, and when compose closes). */
  const keep = async (d: Draft): Promise<void> => {
    if (keptUnder.current === null) return;
    const local: LocalDraft = {
      id: draftId,
      mode: route.mode,
      source: original && route.mode !== 'new' ? refOf(original) : undefined,
      ...d,
      savedAt: Date.now(),
    };
    const before = keptUnder.current;
    keptUnder.current = d.accountId;
    await client.saveDraft(local);
    if (before && before !== d.accountId) await client.deleteDraft(before, draftId);
    setKeptAt(local.savedAt);
  };
  useEffect(() => {
    if (!draft || !edited || sending) return;
    const timer = setTimeout(() => void keep(draft), 800);
    return () => clearTimeout(timer);
  }, [draft]);

  if (!draft) return <p class="loading">{t('common.loading')}</p>;
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const accountOf = (id: string) => accounts.find((a) => a.id === id);
  const changeAccount = (id: string) =>
    set({ accountId: id, text: switchSignature(draft.text, accountOf(draft.accountId), accountOf(id)) });
  const leave = () => (original ? navigate(href.mail(original.accountId, original.folderId, original.id)) : history.back());
  /** Closing keeps what was written as a draft; nothing is asked. */
  const close = async () => {
    if (edited) await keep(draft);
    leave();
  };
  /** Throws the draft away, after asking: the only way to lose what was written. */
  const discard = async () => {
    if (!confirm(t('drafts.discardConfirm'))) return;
    const under = keptUnder.current;
    keptUnder.current = null;
    if (under) await client.deleteDraft(under, draftId);
    leave();
  };

  const addFiles = async (files: FileList | null) => {
    if (!files) return;
    const added = await Promise.all(
      [...files].map(async (f) => ({
        name: f.name,
        contentType: f.type || 'application/octet-stream',
        bytes: new Uint8Array(await f.arrayBuffer()),
        // Named once, so that a draft kept on the server uploads it once (src/sync/drafts.ts).
        id: crypto.randomUUID().replace(/-/g, '').slice(0, 16),
      })),
    );
    set({ attachments: [...draft.attachments, ...added] });
  };

  const send = async (e: Event) => {
    e.preventDefault();
    const lists = { to: parseAddressList(draft.to), cc: parseAddressList(draft.cc), bcc: parseAddressList(draft.bcc) };
    const all = [...lists.to, ...lists.cc, ...lists.bcc];
    if (all.length === 0) return setError(t('mail.noRecipients'));
    const bad = all.find((a) => !looksLikeEmail(a.email));
    if (bad) return setError(t('mail.badAddress', { address: bad.email }));
    const left = filesLeftOnServer(draft, keptUnder.current);
    if (left.length > 0) return setError(t('drafts.filesOnOtherAccount', { names: left.join(', ') }));
    setSending(true);
    const mail: OutgoingMail = {
      accountId: draft.accountId,
      ...lists,
      subject: draft.subject,
      text: draft.text,
      html: htmlWithSignature(draft.text, accountOf(draft.accountId)?.signature),
      attachments: draft.attachments,
      source: original && route.mode !== 'new' ? { kind: route.mode, ref: refOf(original), quoted: route.mode !== 'forward' } : undefined,
    };
    try {
      const under = keptUnder.current;
      keptUnder.current = null;
      // A kept draft is sent as itself (at 16.x from the server's Drafts folder); else the outbox takes the mail.
      if (under === draft.accountId) await client.sendDraft(mail, draftId);
      else {
        await client.sendMail(mail);
        if (under) await client.deleteDraft(under, draftId);
      }
      void client.syncNow(draft.accountId);
      leave();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setSending(false);
    }
  };

  const titles: Record<ComposeMode, string> = {
    new: t('mail.compose'),
    reply: t('mail.reply'),
    replyAll: t('mail.replyAll'),
    forward: t('mail.forward'),
  };
  return (
    <form class="screen-col" onSubmit={send} aria-labelledby="compose-title">
      <header class="bar">
        <button type="button" class="icon-btn" onClick={() => void close()} aria-label={t('common.close')}>
          <Icon name="close" />
        </button>
        <h1 id="compose-title" tabIndex={-1}>
          {titles[route.mode]}
        </h1>
        <button type="submit" class="btn primary" disabled={sending}>
          <Icon name="send" /> {t('mail.send')}
        </button>
      </header>
      <div class="screen-body padded">
        <div class="form narrow">
          {accounts.length > 1 && (
            <label class="field">
              <span>{t('mail.from')}</span>
              <select value={draft.accountId} onChange={(e) => changeAccount(e.currentTarget.value)}>
                {accounts.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.email}
                  </option>
                ))}
              </select>
            </label>
          )}
          <RecipientField label={t('mail.to')} value={draft.to} onChange={(to) => set({ to })} accountId={draft.accountId} />
          <RecipientField label={t('mail.cc')} value={draft.cc} onChange={(cc) => set({ cc })} accountId={draft.accountId} />
          {showBcc ? (
            <RecipientField label={t('mail.bcc')} value={draft.bcc} onChange={(bcc) => set({ bcc })} accountId={draft.accountId} />
          ) : (
            <button type="button" class="btn small" style={{ alignSelf: 'flex-start' }} onClick={() => setShowBcc(true)}>
              {t('mail.bcc')}
            </button>
          )}
          <label class="field">
            <span>{t('mail.subject')}</span>
            <input type="text" value={draft.subject} onInput={(e) => set({ subject: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span>{t('mail.body')}</span>
            <textarea rows={12} value={draft.text} onInput={(e) => set({ text: e.currentTarget.value })} />
          </label>
          <div class="field">
            <label class="btn" style={{ alignSelf: 'flex-start' }}>
              <Icon name="attach" /> {t('mail.attach')}
              <input type="file" multiple class="visually-hidden" onChange={(e) => void addFiles(e.currentTarget.files)} />
            </label>
            {draft.attachments.length > 0 && (
              <ul class="compose-files" aria-label={t('mail.attachments')}>
                {draft.attachments.map((a, i) => (
                  <li key={i}>
                    {!a.notFetched ? (
                      <button
                        type="button"
                        class="file-name"
                        onClick={() => downloadFile(a)}
                        aria-label={t('drafts.downloadFile', { name: a.name })}
                      >
                        {a.name}
                      </button>
                    ) : (
                      a.name
                    )}{' '}
                    <span class="hint">{a.notFetched ? t('drafts.fileOnServer') : bytes(a.bytes.length)}</span>
                    <button
                      type="button"
                      class="icon-btn"
                      aria-label={t('mail.removeAttachment', { name: a.name })}
                      onClick={() => set({ attachments: draft.attachments.filter((_, j) => j !== i) })}
                    >
                      <Icon name="close" size={16} />
                    </button>
                  </li>
                ))}
              </ul>
            )}
            {route.mode === 'forward' && original?.class === 'Email' && original.data.attachments.length ? (
              <p class="hint">{t('mail.originalAttachments')}</p>
            ) : null}
          </div>
          <div class="button-row">
            {keptAt !== undefined && (
              <span class="hint" role="status">
                {t(onServer ? 'drafts.savedServer' : 'drafts.saved', { time: i18n.time(new Date(keptAt)) })}
              </span>
            )}
            {edited && (
              <button type="button" class="btn small danger" onClick={() => void discard()}>
                <Icon name="trash" size={16} /> {t('drafts.discard')}
              </button>
            )}
          </div>
          {error && (
            <p class="error-text" role="alert">
              {error}
            </p>
          )}
        </div>
      </div>
    </form>
  );
}
