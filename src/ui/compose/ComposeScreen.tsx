/**
 * New mail, reply, reply-all and forward, with attachments. Sending puts the mail in
 * the durable outbox (visible under Mail → Outbox); it leaves when the engine is online.
 */
import { useEffect, useState } from 'preact/hooks';
import { formatAddressList, parseAddressList, type Address } from '../../eas/items/addresses.ts';
import type { Email } from '../../eas/items/email.ts';
import type { AccountRecord, BodyRecord, ItemRecord } from '../../store/schema.ts';
import { Icon } from '../components/Icon.tsx';
import type { ComposeMode, Route } from '../router.ts';
import type { OutgoingAttachment, OutgoingMail } from '../engine-client.ts';
import { useApp } from '../data/live.ts';
import { getBody, getItem, listAccounts } from '../data/read.ts';
import { useI18n, type I18n } from '../i18n/index.ts';
import { href, navigate } from '../router.ts';
import { looksLikeEmail } from '../setup/user-name.ts';

type ComposeRoute = Extract<Route, { name: 'compose' }>;

interface Draft {
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
  if (body.type === 2) return htmlText(new DOMParser().parseFromString(body.data, 'text/html').body).replace(/[ \t]+\n/g, '\n').replace(/\n[ \t]+/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  return fallback;
}

const BLOCKS = new Set(['P', 'DIV', 'TR', 'LI', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'TABLE', 'BLOCKQUOTE', 'PRE', 'UL', 'OL']);

/** The text of parsed HTML with line breaks where blocks and <br> are, tabs between cells. */
function htmlText(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return (node.textContent ?? '').replace(/\s+/g, ' ');
  if (!(node instanceof Element) || node.tagName === 'STYLE' || node.tagName === 'SCRIPT') return '';
  if (node.tagName === 'BR') return '\n';
  const inner = [...node.childNodes].map(htmlText).join('');
  if (node.tagName === 'TD' || node.tagName === 'TH') return inner.trim() + '\t';
  return BLOCKS.has(node.tagName) ? `\n${inner.trim()}\n` : inner;
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

export function initialDraft(mode: ComposeMode, account: AccountRecord, original: ItemRecord | undefined, body: BodyRecord | undefined, i18n: I18n, to = ''): Draft {
  const empty: Draft = { accountId: account.id, to, cc: '', bcc: '', subject: '', text: '', attachments: [] };
  if (mode === 'new' || !original) return empty;
  const mail = original.data as Email;
  const text = bodyText(body, mail.body?.preview ?? '');
  const date = mail.dateReceived ? i18n.dateTime(mail.dateReceived) : '';
  const name = mail.from?.name ?? mail.from?.email ?? '';
  if (mode === 'forward') {
    const header = [i18n.t('mail.forwardHeader'), `${i18n.t('mail.from')}: ${formatAddressList(mail.from ? [mail.from] : [])}`, `${i18n.t('mail.date')}: ${date}`, `${i18n.t('mail.subject')}: ${mail.subject ?? ''}`, `${i18n.t('mail.to')}: ${formatAddressList(mail.to)}`];
    return { ...empty, subject: prefix('Fwd:', mail.subject), text: `\n\n${header.join('\n')}\n\n${text}` };
  }
  const r = replyRecipients(mail, mode === 'replyAll', account.email);
  return {
    ...empty,
    to: formatAddressList(r.to),
    cc: formatAddressList(r.cc),
    subject: prefix('Re:', mail.subject),
    text: `\n\n${i18n.t('mail.quoteHeader', { date, name })}\n${quote(text)}`,
  };
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

  useEffect(() => {
    void (async () => {
      const list = await listAccounts(db);
      const item = route.ref ? await getItem(db, route.ref) : undefined;
      const body = route.ref ? await getBody(db, route.ref) : undefined;
      const account = list.find((a) => a.id === item?.accountId) ?? list[0];
      setAccounts(list);
      setOriginal(item);
      if (account) setDraft(initialDraft(route.mode, account, item, body, i18n, route.to));
    })();
  }, [route.mode, route.ref?.serverId]);

  if (!draft) return <p class="loading">{t('common.loading')}</p>;
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const close = () => (original ? navigate(href.mail(original.accountId, original.folderId, original.serverId)) : history.back());

  const addFiles = async (files: FileList | null) => {
    if (!files) return;
    const added = await Promise.all([...files].map(async (f) => ({ name: f.name, contentType: f.type || 'application/octet-stream', bytes: new Uint8Array(await f.arrayBuffer()) })));
    set({ attachments: [...draft.attachments, ...added] });
  };

  const send = async (e: Event) => {
    e.preventDefault();
    const lists = { to: parseAddressList(draft.to), cc: parseAddressList(draft.cc), bcc: parseAddressList(draft.bcc) };
    const all = [...lists.to, ...lists.cc, ...lists.bcc];
    if (all.length === 0) return setError(t('mail.noRecipients'));
    const bad = all.find((a) => !looksLikeEmail(a.email));
    if (bad) return setError(t('mail.badAddress', { address: bad.email }));
    setSending(true);
    const mail: OutgoingMail = {
      accountId: draft.accountId,
      ...lists,
      subject: draft.subject,
      text: draft.text,
      attachments: draft.attachments,
      source: original && route.mode !== 'new' ? { kind: route.mode, ref: { accountId: original.accountId, folderId: original.folderId, serverId: original.serverId }, quoted: route.mode !== 'forward' } : undefined,
    };
    try {
      await client.sendMail(mail);
      void client.syncNow(draft.accountId);
      close();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setSending(false);
    }
  };

  const titles: Record<ComposeMode, string> = { new: t('mail.compose'), reply: t('mail.reply'), replyAll: t('mail.replyAll'), forward: t('mail.forward') };
  return (
    <form class="screen-col" onSubmit={send} aria-labelledby="compose-title">
      <header class="bar">
        <button type="button" class="icon-btn" onClick={close} aria-label={t('common.cancel')}>
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
              <select value={draft.accountId} onChange={(e) => set({ accountId: e.currentTarget.value })}>
                {accounts.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.email}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label class="field">
            <span>{t('mail.to')}</span>
            <input type="text" inputMode="email" autoComplete="email" value={draft.to} onInput={(e) => set({ to: e.currentTarget.value })} multiple />
          </label>
          <label class="field">
            <span>{t('mail.cc')}</span>
            <input type="text" inputMode="email" value={draft.cc} onInput={(e) => set({ cc: e.currentTarget.value })} />
          </label>
          {showBcc ? (
            <label class="field">
              <span>{t('mail.bcc')}</span>
              <input type="text" inputMode="email" value={draft.bcc} onInput={(e) => set({ bcc: e.currentTarget.value })} />
            </label>
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
                    {a.name} <span class="hint">{bytes(a.bytes.length)}</span>
                    <button type="button" class="icon-btn" aria-label={t('mail.removeAttachment', { name: a.name })} onClick={() => set({ attachments: draft.attachments.filter((_, j) => j !== i) })}>
                      <Icon name="close" size={16} />
                    </button>
                  </li>
                ))}
              </ul>
            )}
            {route.mode === 'forward' && (original?.data as Email | undefined)?.attachments.length ? <p class="hint">{t('mail.originalAttachments')}</p> : null}
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
