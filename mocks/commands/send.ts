/**
 * SendMail, SmartReply, SmartForward (MS-ASCMD 2.2.1.17, 2.2.1.20, 2.2.1.19).
 * The MIME is parsed with postal-mime; local recipients get the mail in their
 * Inbox, iTIP parts update calendars, SaveInSentItems keeps a copy in Sent Items.
 */
import PostalMime, { type Email } from 'postal-mime';
import { atLeast } from '../../src/eas/version.ts';
import { bytesOf, kid, ns, textAt } from '../../src/wbxml/tree.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { parseIcs } from '../ics.ts';
import { applyCancel, applyReply, deliverInvitation } from '../meetings.ts';
import { formatAddress } from '../mime.ts';
import {
  addItem,
  findItem,
  FolderType,
  mailContent,
  removeItem,
  requireFolderOfType,
  touchItem,
  uniqueName,
  userByEmail,
  type Address,
  type Item,
  type Mail,
  type MailAttachment,
  type MailContent,
  type Mailbox,
  type Store,
} from '../model.ts';
import { escapeHtml, htmlToText, rfc5322Date } from '../wire.ts';

const CM = ns('ComposeMail');

type Kind = 'SendMail' | 'SmartReply' | 'SmartForward';

interface Outgoing {
  readonly mime: Uint8Array;
  readonly saveInSent: boolean;
  readonly clientId?: string;
  readonly replaceMime: boolean;
  readonly source: { readonly folderId?: string; readonly itemId?: string; readonly longId?: string };
}

/** 14.0+: a ComposeMail body; 12.x: the MIME itself with SaveInSent/ItemId/CollectionId in the query. */
function readOutgoing(ctx: CommandContext, kind: Kind): Outgoing | undefined {
  if (!atLeast(ctx.version, '14.0') || !ctx.body) {
    if (ctx.raw.length === 0) return undefined;
    const p = ctx.params;
    return {
      mime: ctx.raw,
      saveInSent: p['SaveInSent'] === 'T',
      replaceMime: false,
      source: { folderId: p['CollectionId'], itemId: p['ItemId'], longId: p['LongId'] },
    };
  }
  const b = ctx.body;
  const mime = bytesOf(kid(b, 'Mime'));
  if (b.name !== kind || !mime) return undefined;
  const src = kid(b, 'Source');
  return {
    mime,
    saveInSent: kid(b, 'SaveInSentItems') !== undefined,
    clientId: textAt(b, 'ClientId'),
    replaceMime: kid(b, 'ReplaceMime') !== undefined,
    source: { folderId: textAt(src, 'FolderId'), itemId: textAt(src, 'ItemId'), longId: textAt(src, 'LongId') },
  };
}

function fail(ctx: CommandContext, kind: Kind, status: number): CommandResult {
  if (!atLeast(ctx.version, '14.0')) return { http: 500 };
  return { tree: CM(kind, CM('Status', status)) };
}

function toAddresses(list: Email['to']): Address[] {
  return (list ?? []).flatMap((a) => (a.group ? a.group : [a])).map((m) => ({ name: m.name, email: m.address ?? '' }));
}

function attachmentsOf(parsed: Email): MailAttachment[] {
  return parsed.attachments
    .filter((a) => !/^text\/calendar/i.test(a.mimeType))
    .map((a) => ({
      name: a.filename ?? 'attachment',
      contentType: a.mimeType,
      bytes: typeof a.content === 'string' ? new TextEncoder().encode(a.content) : new Uint8Array(a.content as ArrayBufferLike),
      contentId: a.contentId?.replace(/^<|>$/g, ''),
      inline: a.disposition === 'inline' && a.contentId !== undefined,
    }));
}

function contentOf(parsed: Email): MailContent {
  const html = parsed.html;
  return { text: parsed.text ?? (html !== undefined ? htmlToText(html) : ''), html, attachments: attachmentsOf(parsed) };
}

/** Removes the Bcc header from the copies recipients get (RFC 5322 3.6.3). */
function withoutBcc(mime: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(mime);
  const end = text.search(/\r?\n\r?\n/);
  const head = end < 0 ? text : text.slice(0, end);
  const stripped = head.replace(/^Bcc:.*(?:\r?\n[ \t].*)*\r?\n?/gim, '');
  return new TextEncoder().encode(stripped + (end < 0 ? '' : text.slice(end)));
}

function baseMail(ctx: CommandContext, parsed: Email): Mail {
  const world = ctx.mock.world;
  const me: Address = { name: ctx.user.displayName, email: ctx.user.email };
  const from = parsed.from && !parsed.from.group ? { name: parsed.from.name, email: parsed.from.address ?? me.email } : me;
  const id = parsed.messageId?.replace(/^<|>$/g, '') ?? `${uniqueName(world, 'm')}@mock.example.test`;
  return {
    kind: 'mail',
    subject: parsed.subject ?? '',
    from,
    to: toAddresses(parsed.to),
    cc: toAddresses(parsed.cc),
    bcc: toAddresses(parsed.bcc),
    replyTo: toAddresses(parsed.replyTo),
    date: world.clock(),
    read: false,
    importance: 1,
    categories: [],
    messageClass: 'IPM.Note',
    messageId: id,
    inReplyTo: parsed.inReplyTo?.replace(/^<|>$/g, ''),
    conversationId: conversationFor(parsed.subject ?? ''),
    conversationIndex: new Uint8Array(22).fill(1),
    content: contentOf(parsed),
  };
}

function conversationFor(subject: string): Uint8Array {
  const topic = subject.replace(/^((re|fw|fwd|aw|wg)\s*:\s*)+/i, '');
  const out = new Uint8Array(16);
  let h = 2166136261;
  for (let i = 0; i < 16; i++) {
    for (const ch of topic + i) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out[i] = h & 0xff;
  }
  return out;
}

/** The iTIP object of the message, if it has one (a text/calendar part). */
function itipOf(parsed: Email): ReturnType<typeof parseIcs> {
  const part = parsed.attachments.find((a) => /^text\/calendar/i.test(a.mimeType));
  if (!part) return undefined;
  const text = typeof part.content === 'string' ? part.content : new TextDecoder().decode(part.content as ArrayBufferLike);
  return parseIcs(text);
}

/** Puts one copy in each local recipient's Inbox; meeting parts (`itip`) go through the meeting logic. */
function deliver(ctx: CommandContext, mail: Mail, itip: ReturnType<typeof parseIcs>): void {
  const world = ctx.mock.world;
  const seen = new Set<string>();
  for (const rcpt of [...mail.to, ...mail.cc, ...mail.bcc]) {
    const user = userByEmail(world, rcpt.email);
    if (!user || seen.has(user.login)) continue;
    seen.add(user.login);
    const box = world.mailboxes.get(user.login) as Mailbox;
    const copy: Mail = { ...mail, bcc: [], raw: mail.raw ? withoutBcc(mail.raw) : undefined };
    if (itip?.method === 'REQUEST') {
      deliverInvitation(world, box, itip, copy);
      continue;
    }
    if (itip?.method === 'REPLY') {
      applyReply(world, box, itip);
      copy.messageClass = replyClass(itip.attendees[0]?.partstat ?? '');
    }
    if (itip?.method === 'CANCEL') {
      applyCancel(world, box, itip);
      copy.messageClass = 'IPM.Schedule.Meeting.Canceled';
    }
    addItem(world, requireFolderOfType(box, FolderType.Inbox).store, copy);
  }
}

/** Message class of a meeting response (MS-ASEMAIL 2.2.2.49). */
function replyClass(partstat: string): string {
  if (partstat === 'ACCEPTED') return 'IPM.Schedule.Meeting.Resp.Pos';
  if (partstat === 'DECLINED') return 'IPM.Schedule.Meeting.Resp.Neg';
  return 'IPM.Schedule.Meeting.Resp.Tent';
}

function saveSent(ctx: CommandContext, mail: Mail): void {
  addItem(ctx.mock.world, requireFolderOfType(ctx.mailbox, FolderType.SentItems).store, { ...mail, read: true });
}

/** The item a Smart* command refers to, if the user can see it. */
function sourceItem(ctx: CommandContext, src: Outgoing['source']): Item | undefined {
  const found = findItem(ctx.mock.world, src.longId ?? src.itemId ?? '');
  if (found?.item.data.kind !== 'mail') return undefined;
  const folder = src.longId !== undefined ? undefined : ctx.mailbox.folders.get(src.folderId ?? '');
  if (src.longId === undefined && folder?.store !== found.store) return undefined;
  return found.item;
}

/** The new body followed by the original one, as a server composes Smart* messages. */
function withOriginal(mine: MailContent, original: Mail, forward: boolean): MailContent {
  const o = mailContent(original);
  const header = [
    `From: ${formatAddress(original.from)}`,
    `Sent: ${rfc5322Date(original.date)}`,
    `To: ${original.to.map(formatAddress).join(', ')}`,
    `Subject: ${original.subject}`,
  ];
  const text = `${mine.text}\n\n-----Original Message-----\n${header.join('\n')}\n\n${o.text}`;
  const myHtml = mine.html ?? `<p>${escapeHtml(mine.text).replace(/\n/g, '<br>')}</p>`;
  const oHtml = o.html ?? `<pre>${escapeHtml(o.text)}</pre>`;
  const html = `${myHtml}<hr><div>${header.map(escapeHtml).join('<br>')}</div><blockquote>${oHtml}</blockquote>`;
  const carried = o.attachments.filter((a) => forward || a.inline);
  return { text, html, attachments: [...mine.attachments, ...carried] };
}

async function send(ctx: CommandContext, kind: Kind): Promise<CommandResult> {
  const out = readOutgoing(ctx, kind);
  if (!out) return fail(ctx, kind, 107); // InvalidMIME / malformed request
  if (out.clientId !== undefined) {
    if (ctx.device.sentClientIds.has(out.clientId)) return fail(ctx, kind, 118); // MessagePreviouslySent
  }
  let parsed: Email;
  try {
    parsed = await PostalMime.parse(out.mime);
  } catch {
    return fail(ctx, kind, 107);
  }
  const mail = baseMail(ctx, parsed);
  if (mail.to.length + mail.cc.length + mail.bcc.length === 0) return fail(ctx, kind, 119); // MessageHasNoRecipient
  if (kind === 'SendMail') mail.raw = out.mime;
  else {
    const original = sourceItem(ctx, out.source);
    if (original?.data.kind !== 'mail') return fail(ctx, kind, 150); // ItemNotFound
    if (!out.replaceMime) mail.content = withOriginal(mailContent(mail), original.data, kind === 'SmartForward');
    markVerb(ctx, original, kind, mail);
  }
  if (out.clientId !== undefined) ctx.device.sentClientIds.add(out.clientId);
  deliver(ctx, mail, itipOf(parsed));
  if (out.saveInSent) saveSent(ctx, mail);
  return { empty: true }; // success: HTTP 200 with no body (MS-ASCMD 2.2.1.17)
}

/** Email2:LastVerbExecuted on the original: 1 reply to sender, 2 reply all, 3 forward (MS-ASEMAIL 2.2.2.45). */
function markVerb(ctx: CommandContext, original: Item, kind: Kind, reply: Mail): void {
  if (original.data.kind !== 'mail') return;
  const verb = kind === 'SmartForward' ? 3 : reply.to.length + reply.cc.length > 1 ? 2 : 1;
  original.data.lastVerb = { verb, time: ctx.mock.world.clock() };
  const found = findItem(ctx.mock.world, original.id);
  if (found) touchItem(ctx.mock.world, found.store, original, ['lastVerb']);
}

/**
 * A 16.x draft sent by a Sync Add or Change carrying email2:Send (MS-ASEMAIL 2.2.2.69):
 * it leaves the Drafts folder, local recipients get it in their Inbox, and it is kept in
 * Sent Items, as Exchange does. False (the draft stays) when it has no recipient.
 */
export function sendDraft(ctx: CommandContext, drafts: Store, id: string): boolean {
  const draft = drafts.items.get(id)?.data;
  if (draft?.kind !== 'mail' || draft.to.length + draft.cc.length + draft.bcc.length === 0) return false;
  const content = mailContent(draft);
  // The sent mail's attachments are its own: numbered afresh, no draft ClientIds.
  const attachments = content.attachments.map(({ key: _key, clientId: _clientId, ...a }) => a);
  const mail: Mail = { ...draft, isDraft: false, read: false, date: ctx.mock.world.clock(), content: { ...content, attachments } };
  removeItem(ctx.mock.world, drafts, id);
  deliver(ctx, mail, undefined);
  saveSent(ctx, mail);
  return true;
}

export const sendMail = (ctx: CommandContext): Promise<CommandResult> => send(ctx, 'SendMail');
export const smartReply = (ctx: CommandContext): Promise<CommandResult> => send(ctx, 'SmartReply');
export const smartForward = (ctx: CommandContext): Promise<CommandResult> => send(ctx, 'SmartForward');
