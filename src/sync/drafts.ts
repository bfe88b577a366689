/**
 * Drafts in the server's Drafts folder (16.0+). From 16.0 a client adds, changes and
 * deletes mail in the Drafts folder with Sync (MS-ASCMD 2.2.3.7.2, MS-ASEMAIL 3.1.5.3.2)
 * and sends a draft with a Sync Change carrying email2:Send (MS-ASEMAIL 2.2.2.69). Below
 * 16.0, or without a Drafts folder, drafts stay on the device (src/store/drafts.ts).
 *
 * A draft made here is one item: its stable id (ItemRecord.id) is the draft's id, used as
 * the Add's ClientId, so compose, the Drafts list and the queue name it alike while its
 * ServerId changes from provisional to the server's.
 */
import { parseAddressList } from '../eas/items/addresses.ts';
import { ATTACHMENT_METHOD, type Attachment, type AttachmentAdd, type AttachmentChanges } from '../eas/items/airsyncbase.ts';
import type { Email } from '../eas/items/email.ts';
import { randomId } from '../store/db.ts';
import type { LocalDraft } from '../store/drafts.ts';
import type { OutgoingAttachment, OutgoingMessage } from '../store/payloads.ts';
import type { AccountRecord, PendingRecord } from '../store/schema.ts';

/** A draft's version for the server: the mail item, and the attachment uploads and deletes that bring the server's to it. */
export interface DraftVersion {
  readonly mail: Email;
  readonly attachments?: AttachmentChanges;
}

/**
 * A draft as the mail item the server keeps: recipients, subject, the text as a plain body
 * (Type 1), and its attachments. `current`: the attachments the server's draft has (or will
 * have, once the queue is sent).
 */
export function draftMail(d: LocalDraft, account: AccountRecord, now: number, current: readonly Attachment[] = []): DraftVersion {
  const { list, changes } = attachmentsTo(d.attachments, current);
  const fields = { to: parseAddressList(d.to), cc: parseAddressList(d.cc), bcc: parseAddressList(d.bcc), subject: d.subject };
  return { mail: mailOf(account, now, { ...fields, body: { type: 1, data: d.text } }, list), attachments: changes };
}

/** The version of a draft that is sent: HTML (Type 2) when the mail has it (an HTML signature), else its text. */
export function sentDraftMail(mail: OutgoingMessage, account: AccountRecord, now: number, current: readonly Attachment[]): DraftVersion {
  const { list, changes } = attachmentsTo(mail.attachments, current);
  const body: Email['body'] = mail.html !== undefined ? { type: 2, data: mail.html } : { type: 1, data: mail.text };
  return {
    mail: mailOf(account, now, { to: mail.to, cc: mail.cc, bcc: mail.bcc, subject: mail.subject, body }, list),
    attachments: changes,
  };
}

/**
 * Sending a draft by email2:Send (MS-ASEMAIL 2.2.2.69) sends what the server's draft holds,
 * its attachments included. A reply or forward goes by the outbox (SmartReply/SmartForward,
 * MS-ASCMD 2.2.1.20/2.2.1.19) and the draft is deleted: a Sync Add or Change of a draft has
 * no element naming the original (MS-ASEMAIL 2.2.2), so only a Smart command lets the server
 * quote or attach it and mark it replied or forwarded (LastVerbExecuted, MS-ASEMAIL 2.2.2.44).
 */
export function sendsByDraft(mail: OutgoingMessage): boolean {
  return mail.source === undefined;
}

/** Every attachment of the draft named: a new one gets the ClientId it is uploaded with (MS-ASAIRS 2.2.2.14). */
export function withAttachmentIds<T extends { readonly attachments: readonly OutgoingAttachment[] }>(d: T): T {
  if (d.attachments.every((a) => a.id !== undefined)) return d;
  return { ...d, attachments: d.attachments.map((a) => (a.id === undefined ? { ...a, id: randomId(8) } : a)) };
}

const sameAttachment = (a: Attachment, id: string | undefined): boolean =>
  id !== undefined && (a.fileReference === id || (a.clientId !== undefined && a.clientId === id));

/**
 * The server's attachments after the draft's are sent, and how: an Add for each one it
 * lacks (MS-ASAIRS 2.2.2.2), a Delete of each one the draft no longer has, by FileReference
 * (2.2.2.21). One added but not yet confirmed has no FileReference: its Delete names its
 * ClientId, and cancels its upload while that is still queued (mergeAttachmentChanges).
 */
function attachmentsTo(wanted: readonly OutgoingAttachment[], current: readonly Attachment[]) {
  const list: Attachment[] = [];
  const add: AttachmentAdd[] = [];
  for (const w of wanted) {
    const held = current.find((a) => sameAttachment(a, w.id));
    if (held) {
      list.push(held);
      continue;
    }
    // Its bytes are not here to upload, and the server's draft no longer holds it.
    if (w.notFetched) continue;
    const clientId = w.id ?? randomId(8);
    add.push({ clientId, displayName: w.name, contentType: w.contentType, content: w.bytes, method: ATTACHMENT_METHOD.normal });
    list.push({ fileReference: '', clientId, displayName: w.name, estimatedDataSize: w.bytes.length, method: ATTACHMENT_METHOD.normal });
  }
  const gone = current.filter((a) => !wanted.some((w) => sameAttachment(a, w.id))).map((a) => a.fileReference || (a.clientId ?? ''));
  const changes = add.length + gone.length > 0 ? { add, delete: gone } : undefined;
  return { list, changes };
}

/** Two queued attachment edits of one draft as one: the uploads add up, less those deleted (by ClientId) before they went out. */
export function mergeAttachmentChanges(first?: AttachmentChanges, later?: AttachmentChanges): AttachmentChanges | undefined {
  if (!first || !later) return first ?? later;
  const cancelled = new Set((later.delete ?? []).filter((ref) => first.add?.some((a) => a.clientId === ref)));
  const add = [...(first.add ?? []), ...(later.add ?? [])].filter((a) => !cancelled.has(a.clientId));
  const del = [...(first.delete ?? []), ...(later.delete ?? []).filter((ref) => !cancelled.has(ref))];
  return add.length + del.length > 0 ? { add, delete: del } : undefined;
}

/** A confirmed draft: its new attachments get the FileReferences the server gave for their ClientIds (MS-ASAIRS 2.2.2.24.1). */
export function withFileReferences(mail: Email, confirmed: readonly Attachment[]): Email {
  const refOf = (a: Attachment) => confirmed.find((c) => c.clientId !== undefined && c.clientId === a.clientId)?.fileReference;
  if (!mail.attachments.some((a) => refOf(a))) return mail;
  return { ...mail, attachments: mail.attachments.map((a) => ({ ...a, fileReference: refOf(a) ?? a.fileReference })) };
}

/**
 * A queued Change of a draft once the server gave FileReferences for files it uploaded
 * (an Add or Change that was on its way when this one was queued): its Deletes of those
 * files name them by FileReference, as the server knows them (MS-ASAIRS 2.2.2.21), and its
 * version of the draft holds them. Undefined: nothing in it to rename.
 */
export function withConfirmedFiles(p: PendingRecord, confirmed: readonly Attachment[]): PendingRecord | undefined {
  if (p.kind !== 'change' || p.payload.class !== 'Draft') return undefined;
  const refOf = (id: string) => confirmed.find((c) => c.fileReference && c.clientId !== undefined && c.clientId === id)?.fileReference;
  const next = withFileReferences(p.payload.next, confirmed);
  const deletes = p.payload.attachments?.delete ?? [];
  if (next === p.payload.next && !deletes.some(refOf)) return undefined;
  const attachments = p.payload.attachments && { ...p.payload.attachments, delete: deletes.map((ref) => refOf(ref) ?? ref) };
  return { ...p, payload: { ...p.payload, next, ...(attachments && { attachments }) } };
}

function mailOf(
  account: AccountRecord,
  now: number,
  fields: Pick<Email, 'to' | 'cc' | 'bcc' | 'subject' | 'body'>,
  attachments: readonly Attachment[],
): Email {
  return {
    ...fields,
    from: { name: account.displayName, email: account.email },
    replyTo: [],
    attachments: [...attachments],
    dateReceived: new Date(now),
    read: true,
    isDraft: true,
  };
}
