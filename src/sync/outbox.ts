/**
 * The outbox: mail composed anywhere (offline too) waits in `pending` (kind 'send')
 * until the server took it, and goes out at the start of every sync and on
 * the engine's flushOutbox (the service worker's Background Sync).
 *
 * - New mail goes with SendMail (MS-ASCMD 2.2.1.17); a reply or forward of a synced
 *   mail with SmartReply/SmartForward (2.2.1.20, 2.2.1.19), naming the original by
 *   FolderId/ItemId so the server adds it from its own copy (attachments included),
 *   or with ReplaceMime when the text already quotes it (2.2.3.148).
 * - When a Smart* command fails (150 item not found, 117/121 reply refused, 179, or
 *   an HTTP 500: SOGo's at 12.1 for some CollectionIds, or a 12.1 server's only way to
 *   say the original is gone), the mail goes at once with SendMail instead (a 500 is
 *   not retried first), the original quoted in the text and, for a forward, attached
 *   as message/rfc822.
 * - Idempotent by ClientId (MS-ASCMD 2.2.3.28.1): the record is marked 'sending'
 *   before the request; after a lost answer the next flush sends the same ClientId
 *   and a server that remembers it answers 118 (MessagePreviouslySent), which counts
 *   as sent. Protocol 12.1 has no ClientId, and the session does not repeat such a
 *   request after a network failure (reconnect.ts): the mail is marked `unconfirmed`
 *   (or left 'sending' by a kill), and before it goes again Sent Items is searched for
 *   its Message-ID (sent.ts); found, it counts as sent. While Sent Items cannot be read
 *   (its sync failed), the mail waits; where it cannot be checked at all (no synced
 *   Sent Items), it goes again: a possible second copy, never a lost mail.
 */
import { buildSendMail, parseSendMail } from '../eas/commands/sendmail.ts';
import { buildSmartForward, parseSmartForward } from '../eas/commands/smartforward.ts';
import { buildSmartReply, parseSmartReply } from '../eas/commands/smartreply.ts';
import type { ComposeMailResponse, ComposeSource } from '../eas/commands/composemail.ts';
import type { Address } from '../eas/items/addresses.ts';
import type { Email } from '../eas/items/email.ts';
import { describeStatus, isRetryLater } from '../eas/status.ts';
import { atLeast } from '../eas/version.ts';
import { randomId } from '../store/db.ts';
import type { AccountRecord, BodyRecord, ItemRecord, PendingOf, PendingRecord } from '../store/schema.ts';
import { attachmentBytes } from './attachments.ts';
import { fetchBodies } from './bodies.ts';
import { sending, type AccountRun } from './context.ts';
import { SyncError } from './errors.ts';
import { getItemById, getPending, isProvisional, putOp, deletePendingOp } from './local.ts';
import { buildMime, messageIds, readHeaders, rfc5322Date, type MimeAttachment } from './mime-build.ts';
import { mayHaveArrived } from './reconnect.ts';
import { findSent, type SentCheck } from './sent.ts';
import type { OutboxPayload, OutboxState, OutgoingAttachment, OutgoingMessage } from '../store/payloads.ts';

export type { OutboxPayload, OutboxState, OutgoingAttachment, OutgoingMessage };

/** Tries of one mail that the server refused for a passing reason (120, 111...) before it is 'failed'. */
export const MAX_SEND_ATTEMPTS = 5;

/** Smart* statuses after which SendMail with the original included is tried. */
const SMART_FAILED = new Set([117, 121, 150, 179]);

/** The record that queues `mail` (kind 'send', its ClientId fixed now). */
export function outboxRecord(account: AccountRecord, mail: OutgoingMessage, id: number, now: number): PendingRecord {
  const host = account.email.split('@')[1] || 'eas-pwa.invalid';
  const payload: OutboxPayload = { ...mail, accountId: account.id, state: 'queued', messageId: `${randomId(16)}@${host}`, date: now };
  // MS-ASCMD 2.2.3.28.1: at most 40 characters; 32 hex digits leave room for the fallback's suffix.
  return { id, accountId: account.id, kind: 'send', clientId: randomId(16), payload, createdAt: now, attempts: 0 };
}

export interface FlushReport {
  readonly sent: number;
  readonly failed: number;
}

/** Sends every queued mail of the account, oldest first. Network and account errors are thrown. */
export async function sendQueuedMail(run: AccountRun): Promise<FlushReport> {
  const queue = (await getPending(run.store, run.session.account.id)).filter((p) => p.kind === 'send');
  let sent = 0;
  let failed = 0;
  for (const p of queue) {
    const payload = p.payload;
    if (payload.state === 'failed' || run.inFlight.has(p.id as number)) continue;
    const outcome = await sending(run, [p.id], () => sendOne(run, p.id as number));
    if (outcome === 'sent') sent += 1;
    if (outcome === 'failed') failed += 1;
  }
  return { sent, failed };
}

type Outcome = 'sent' | 'failed' | 'queued' | 'gone';

async function sendOne(run: AccountRun, id: number): Promise<Outcome> {
  for (let round = 0; round < 2; round++) {
    const marked = await markSending(run, id);
    if (!marked) return 'gone';
    const p = await withDraftFiles(run, marked.record);
    if (typeof p === 'string') return p;
    const payload: OutboxPayload = { ...p.payload, unconfirmed: undefined };
    const original = await originalItem(run, payload);
    const smart = useSmart(run, payload, original);
    let unsure = marked.unsure;
    let res: ComposeMailResponse;
    try {
      const check = unsure ? await sentAlready(run, payload) : 'absent';
      if (check === 'found') return settle(run, p, undefined);
      if (check === 'later') return settle(run, p, { ...payload, state: 'queued', unconfirmed: true }, SENT_ITEMS_UNREAD);
      unsure = false;
      res = await send(run, p, payload, smart, original);
    } catch (e) {
      const unconfirmed = unsure || mayHaveBeenSent(e) || undefined;
      // A failure of the Sent Items check is not one of the Smart* command (it keeps `unconfirmed`).
      if (smart && !unsure && e instanceof SyncError && e.kind === 'server') {
        await settle(run, p, { ...payload, fallback: true, state: 'queued' }, `${e.message}; sending without the original`);
        continue;
      }
      if (e instanceof SyncError && (e.kind === 'server' || e.kind === 'protocol'))
        return settle(run, p, { ...payload, state: 'queued', unconfirmed }, e.message, true);
      // Network, busy, account: back in the queue, to go again with the same ClientId. (A
      // kill before this point leaves it 'sending', which the next flush treats the same.)
      await settle(run, p, { ...payload, state: 'queued', unconfirmed });
      throw e;
    }
    if (res.ok || res.status === 118) return settle(run, p, undefined);
    if (smart && SMART_FAILED.has(res.status)) {
      await settle(
        run,
        p,
        { ...payload, fallback: true, state: 'queued' },
        `${commandOf(payload, smart)} status ${res.status}; sending without the original`,
      );
      continue;
    }
    const why = `${commandOf(payload, smart)} status ${res.status}: ${describeStatus(res.status)}`;
    const passing = isRetryLater(res.status) || res.status === 120;
    return settle(run, p, { ...payload, state: passing ? 'queued' : 'failed' }, why, passing);
  }
  return 'queued';
}

/**
 * Marks the record 'sending' (durably, before the request) and counts the attempt.
 * `unsure`: an earlier request may have reached the server (it was left 'sending' by a
 * kill, or marked `unconfirmed` after a lost answer).
 */
async function markSending(run: AccountRun, id: number): Promise<{ record: PendingOf<'send'>; unsure: boolean } | undefined> {
  return run.locked(async () => {
    const p = await run.store.db.get('pending', id);
    if (p?.kind !== 'send') return undefined;
    const before = p.payload;
    const next: PendingOf<'send'> = { ...p, attempts: p.attempts + 1, payload: { ...before, state: 'sending' } };
    await run.store.commit([putOp('pending', next)]);
    run.emit({ type: 'outbox', accountId: p.accountId, id, state: 'sending' });
    return { record: next, unsure: before.state === 'sending' || before.unconfirmed === true };
  });
}

/**
 * The mail with the bytes of every file it names only by a FileReference of the server's
 * draft (OutgoingAttachment.notFetched: compose opened the draft offline), fetched with
 * ItemOperations (MS-ASCMD 2.2.1.10) and kept in the queued record, so a retry needs the
 * draft no more. The mail never goes with an empty file: when a file cannot be had it
 * stays queued (its outcome is returned, the error noted; after MAX_SEND_ATTEMPTS it
 * fails); a network or account error is thrown, as a send's would be.
 */
async function withDraftFiles(run: AccountRun, p: PendingOf<'send'>): Promise<PendingOf<'send'> | Outcome> {
  if (!p.payload.attachments.some((a) => a.notFetched)) return p;
  const payload = p.payload;
  try {
    const fetched = async (a: OutgoingAttachment): Promise<OutgoingAttachment> => {
      if (!a.notFetched) return a;
      if (a.id === undefined) throw new SyncError('server', `${a.name} has no FileReference`);
      const got = await attachmentBytes(run, a.id);
      return { name: a.name, contentType: got.contentType, bytes: got.bytes, ...(a.contentId && { contentId: a.contentId }) };
    };
    const next: PendingOf<'send'> = { ...p, payload: { ...payload, attachments: await Promise.all(payload.attachments.map(fetched)) } };
    await run.locked(() => run.store.commit([putOp('pending', next)]));
    return next;
  } catch (e) {
    if (!(e instanceof SyncError && (e.kind === 'server' || e.kind === 'protocol'))) {
      await settle(run, p, { ...payload, state: 'queued' });
      throw e;
    }
    return settle(run, p, { ...payload, state: 'queued' }, `a file of the draft could not be fetched from the server: ${e.message}`, true);
  }
}

/** A failure after which the server may have sent the mail: a lost answer, or one that could not be read. */
function mayHaveBeenSent(e: unknown): boolean {
  if (!(e instanceof SyncError)) return false;
  return e.kind === 'protocol' || (e.kind === 'unreachable' && mayHaveArrived(e.cause));
}

/**
 * Before a mail goes again after a request that may have reached the server: from
 * 14.0 its ClientId lets the server drop a copy (Status 118), so it just goes; at
 * 12.1 it counts as sent when Sent Items holds its Message-ID, and waits for the next
 * sync when Sent Items could not be read this time (sent.ts).
 */
async function sentAlready(run: AccountRun, m: OutboxPayload): Promise<SentCheck> {
  if (atLeast(run.session.ctx.version, '14.0')) return 'absent';
  return findSent(run, m);
}

const SENT_ITEMS_UNREAD = 'an earlier try may have gone out and Sent Items could not be read to check it; checked again at the next sync';

/**
 * Writes the outcome: no payload = sent (the record goes); else the new payload with
 * `why`. A passing failure stays queued until MAX_SEND_ATTEMPTS, then fails.
 */
async function settle(
  run: AccountRun,
  p: PendingOf<'send'>,
  payload: OutboxPayload | undefined,
  why?: string,
  passing = false,
): Promise<Outcome> {
  const id = p.id as number;
  const tooMany = passing && p.attempts >= MAX_SEND_ATTEMPTS;
  const next = payload && tooMany ? { ...payload, state: 'failed' as const } : payload;
  await run.locked(() => run.store.commit(next ? [putOp('pending', { ...p, payload: next, lastError: why })] : [deletePendingOp(id)]));
  const state = next ? (next.state as 'queued' | 'failed') : 'sent';
  run.emit({ type: 'outbox', accountId: p.accountId, id, state, error: next ? why : undefined });
  return state;
}

/** SmartReply/SmartForward when the original is on the server under a ServerId we know. */
function useSmart(run: AccountRun, m: OutboxPayload, original: ItemRecord | undefined): 'SmartReply' | 'SmartForward' | undefined {
  if (!m.source || m.fallback || !original || isProvisional(original.serverId)) return undefined;
  // 12.1 has no ReplaceMime: the server would add the original a second time.
  if (m.source.quoted && !atLeast(run.session.ctx.version, '14.0')) return undefined;
  return m.source.kind === 'forward' ? 'SmartForward' : 'SmartReply';
}

function commandOf(m: OutboxPayload, smart: 'SmartReply' | 'SmartForward' | undefined): string {
  return smart ?? (m.source ? 'SendMail (fallback)' : 'SendMail');
}

/** The mail replied to or forwarded, where it is now (undefined: gone from this device). */
async function originalItem(run: AccountRun, m: OutboxPayload): Promise<ItemRecord | undefined> {
  return m.source ? getItemById(run.store, run.session.account.id, m.source.ref.itemId) : undefined;
}

async function send(
  run: AccountRun,
  p: PendingRecord,
  m: OutboxPayload,
  smart: 'SmartReply' | 'SmartForward' | undefined,
  item: ItemRecord | undefined,
): Promise<ComposeMailResponse> {
  const account = run.session.account;
  const original = m.source ? await originalOf(run, m, item, smart === undefined) : undefined;
  const mime = buildMime({
    from: { name: account.displayName, email: account.email },
    to: m.to,
    cc: m.cc,
    bcc: m.bcc,
    subject: m.subject,
    date: new Date(m.date),
    messageId: m.messageId,
    inReplyTo: original?.messageId,
    references: original?.references,
    importance: m.importance,
    text: smart ? m.text : withQuote(m.text, m, original),
    html: m.html,
    attachments: m.attachments.map(
      (a): MimeAttachment => ({ name: a.name, contentType: a.contentType, bytes: a.bytes, contentId: a.contentId }),
    ),
    messages:
      !smart && m.source?.kind === 'forward' && original?.mime
        ? [{ name: `${original.subject || 'message'}.eml`, mime: original.mime }]
        : [],
  });
  // A fallback SendMail gets its own ClientId: the server may have noted the failed Smart* one.
  const clientId = `${p.clientId ?? randomId(16)}${m.fallback ? '-f' : ''}`;
  const base = { clientId, saveInSentItems: true, mime };
  const status = (r: ComposeMailResponse): number | undefined => (r.ok ? undefined : r.status);
  if (!smart || !m.source || !item) return run.session.run((ctx) => buildSendMail(base, ctx), parseSendMail, status);
  const source: ComposeSource = { itemId: item.serverId, folderId: item.folderId };
  const replaceMime = m.source.quoted || undefined;
  // A 500 is not retried: SendMail with the original included goes at once instead.
  const once = { retryServerErrors: false };
  if (smart === 'SmartForward')
    return run.session.run((ctx) => buildSmartForward({ ...base, source, replaceMime }, ctx), parseSmartForward, status, once);
  return run.session.run((ctx) => buildSmartReply({ ...base, source, replaceMime }, ctx), parseSmartReply, status, once);
}

// ------------------------------------------------------------------ the original

interface Original {
  readonly from?: Address;
  readonly to: readonly Address[];
  readonly subject?: string;
  readonly date?: Date;
  readonly messageId?: string;
  readonly references?: string[];
  /** Plain text to quote (SendMail without Smart*). */
  readonly text?: string;
  /** The whole message, attached to a forward sent without SmartForward. */
  readonly mime?: Uint8Array;
}

/** How much of the MIME is asked for when only its header is needed (MS-ASAIRS 2.2.2.40.1 TruncationSize). */
const HEADER_BYTES = 8192;

/**
 * What is known of the original: its fields from the local item; its Message-ID and
 * References (for In-Reply-To/References, RFC 5322 3.6.4) from the start of its MIME;
 * with `full`, its text to quote and, for a forward, the whole message. Best effort:
 * a failing fetch leaves out what it would have given.
 */
async function originalOf(run: AccountRun, m: OutboxPayload, item: ItemRecord | undefined, full: boolean): Promise<Original> {
  if (item?.class !== 'Email') return { to: [] };
  const ref = { folderId: item.folderId, serverId: item.serverId };
  const mail = item.data;
  const cached = await run.store.db.get('bodies', [run.session.account.id, ref.folderId, ref.serverId]);
  const forward = m.source?.kind === 'forward';
  const wholeMime = full && forward && !isProvisional(ref.serverId) ? await tryFetch(run, ref, 4) : undefined;
  // Threading headers are for replies only; a forward starts its own thread.
  const head = forward
    ? undefined
    : ((cached?.type === 4 ? cached.data : undefined) ??
      (isProvisional(ref.serverId) ? undefined : await tryFetch(run, ref, 4, HEADER_BYTES)));
  const headers = head ? readHeaders(head) : new Map<string, string[]>();
  const messageId = messageIds(headers.get('message-id')?.[0])[0];
  const references = [...messageIds(headers.get('references')?.[0]), ...(messageId ? [messageId] : [])];
  const quoteNeeded = full && !m.source?.quoted;
  const text = quoteNeeded ? ((await tryFetchText(run, ref)) ?? localText(mail, cached)) : undefined;
  return {
    from: mail?.from,
    to: mail?.to ?? [],
    subject: mail?.subject,
    date: mail?.dateReceived,
    messageId,
    references: messageId ? references.slice(-20) : undefined,
    text,
    mime: wholeMime !== undefined ? new TextEncoder().encode(wholeMime) : undefined,
  };
}

async function tryFetch(
  run: AccountRun,
  ref: { folderId: string; serverId: string },
  type: 1 | 4,
  truncation?: number,
): Promise<string | undefined> {
  try {
    const got = await fetchBodies(run, ref.folderId, [ref.serverId], type, false, truncation);
    return got.get(ref.serverId);
  } catch (e) {
    if (e instanceof SyncError && (e.kind === 'unreachable' || e.kind === 'wrong-password' || e.kind === 'blocked')) throw e;
    return undefined;
  }
}

async function tryFetchText(run: AccountRun, ref: { folderId: string; serverId: string }): Promise<string | undefined> {
  return isProvisional(ref.serverId) ? undefined : tryFetch(run, ref, 1);
}

/** The original's text from what is stored: a cached body, else the synced (maybe cut) body or preview. */
function localText(mail: Email | undefined, cached: BodyRecord | undefined): string {
  if (cached && cached.type !== 4) return cached.type === 2 ? htmlText(cached.data) : cached.data;
  const body = mail?.body;
  if (body?.data !== undefined) return body.type === 2 ? htmlText(body.data) : body.data;
  return body?.preview ?? '';
}

/** A rough plain text of HTML, for a quote: block ends become line breaks, tags go, entities are read. */
export function htmlText(html: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x?[0-9a-f]+|\w+);/gi, (all, e: string) => {
      if (e.startsWith('#')) {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) ? String.fromCodePoint(code) : all;
      }
      return entities[e.toLowerCase()] ?? all;
    })
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The text with the original below it, as a server's Smart* would have added it (when anything is known of it). */
function withQuote(text: string, m: OutboxPayload, o: Original | undefined): string {
  if (!o || !m.source || m.source.quoted || (!o.from && o.subject === undefined && !o.text)) return text;
  const fmt = (a: Address | undefined): string => (a ? (a.name ? `${a.name} <${a.email}>` : a.email) : '');
  const header = [
    '-----Original Message-----',
    `From: ${fmt(o.from)}`,
    ...(o.date ? [`Sent: ${rfc5322Date(o.date)}`] : []),
    `To: ${o.to.map(fmt).join(', ')}`,
    `Subject: ${o.subject ?? ''}`,
  ];
  return `${text}\n\n${header.join('\n')}\n\n${o.text ?? ''}`;
}
