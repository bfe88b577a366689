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
import type { Email } from '../eas/items/email.ts';
import type { LocalDraft } from '../store/drafts.ts';
import type { OutgoingMessage } from '../store/payloads.ts';
import type { AccountRecord } from '../store/schema.ts';

/** A draft as the mail item the server keeps: recipients, subject, and the text as a plain body (Type 1). */
export function draftMail(d: Pick<LocalDraft, 'to' | 'cc' | 'bcc' | 'subject' | 'text'>, account: AccountRecord, now: number): Email {
  return mailOf(account, now, {
    to: parseAddressList(d.to),
    cc: parseAddressList(d.cc),
    bcc: parseAddressList(d.bcc),
    subject: d.subject,
    body: { type: 1, data: d.text },
  });
}

/** The version of a draft that is sent: HTML (Type 2) when the mail has it (an HTML signature), else its text. */
export function sentDraftMail(mail: OutgoingMessage, account: AccountRecord, now: number): Email {
  return mailOf(account, now, {
    to: mail.to,
    cc: mail.cc,
    bcc: mail.bcc,
    subject: mail.subject,
    body: mail.html !== undefined ? { type: 2, data: mail.html } : { type: 1, data: mail.text },
  });
}

/**
 * Sending a draft by email2:Send carries its recipients, subject and body only: a reply
 * or forward (which needs SmartReply/SmartForward for the original) and a mail with
 * attachments go by the outbox, and the draft is deleted.
 */
export function sendsByDraft(mail: OutgoingMessage): boolean {
  return mail.source === undefined && mail.attachments.length === 0;
}

function mailOf(account: AccountRecord, now: number, fields: Pick<Email, 'to' | 'cc' | 'bcc' | 'subject' | 'body'>): Email {
  return {
    ...fields,
    from: { name: account.displayName, email: account.email },
    replyTo: [],
    attachments: [],
    dateReceived: new Date(now),
    read: true,
    isDraft: true,
  };
}
