/**
 * RFC 5322/2045 MIME for mock mail: what Body Type 4 (MIME) and ItemOperations
 * with MIMESupport return. Mail received through SendMail keeps its original MIME.
 */
import { toBase64 } from '../src/wbxml/base64.ts';
import { mailContent, type Address, type Mail, type MailAttachment } from './model.ts';
import { compactDate, rfc5322Date, utf8Bytes } from './wire.ts';

const CRLF = '\r\n';

/** RFC 2047 encoded-word when the text is not plain ASCII. */
export function encodeWord(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${toBase64(utf8Bytes(text))}?=`;
}

export function formatAddress(a: Address): string {
  if (!a.name) return `<${a.email}>`;
  const name = encodeWord(a.name);
  const quoted = name === a.name ? `"${a.name.replace(/["\\]/g, '\\$&')}"` : name;
  return `${quoted} <${a.email}>`;
}

export function formatAddresses(list: readonly Address[]): string {
  return list.map(formatAddress).join(', ');
}

/**
 * An address as EAS carries it in Email:To/From/Cc: plain UTF-8 text, the display name quoted
 * (MS-ASEMAIL 2.2.2.79, 2.2.2.36): servers decode RFC 2047 words before sending.
 */
export function textAddress(a: Address): string {
  return a.name ? `"${a.name.replace(/["\\]/g, '\\$&')}" <${a.email}>` : `<${a.email}>`;
}

export function textAddresses(list: readonly Address[]): string {
  return list.map(textAddress).join(', ');
}

function base64Lines(bytes: Uint8Array): string {
  return (toBase64(bytes).match(/.{1,76}/g) ?? []).join(CRLF);
}

function leaf(contentType: string, bytes: Uint8Array, extra: string[] = []): string {
  return [`Content-Type: ${contentType}`, 'Content-Transfer-Encoding: base64', ...extra, '', base64Lines(bytes)].join(CRLF);
}

/** Boundaries start with "=_", which base64 bodies can never contain after "--" (RFC 2046 5.1.1). */
function multipart(subtype: string, boundary: string, parts: string[]): string {
  const body = parts.map((p) => `--${boundary}${CRLF}${p}${CRLF}`).join('');
  return `Content-Type: multipart/${subtype}; boundary="${boundary}"${CRLF}${CRLF}${body}--${boundary}--`;
}

function attachmentPart(a: MailAttachment): string {
  const name = encodeWord(a.name);
  const extra = [`Content-Disposition: ${a.inline ? 'inline' : 'attachment'}; filename="${name}"`];
  if (a.contentId) extra.push(`Content-ID: <${a.contentId}>`);
  return leaf(`${a.contentType}; name="${name}"`, a.bytes, extra);
}

/** The iCalendar REQUEST a meeting-request mail carries (RFC 5546). */
export function meetingIcs(mail: Mail, attendees: readonly Address[]): string {
  const m = mail.meeting;
  if (!m) return '';
  const lines = [
    'BEGIN:VCALENDAR',
    'PRODID:-//eas-pwa//mock//EN',
    'VERSION:2.0',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `UID:${m.uid}`,
    `DTSTAMP:${compactDate(mail.date)}`,
    `DTSTART:${compactDate(m.start)}`,
    `DTEND:${compactDate(m.end)}`,
    `SUMMARY:${mail.subject}`,
    `LOCATION:${m.location}`,
    `ORGANIZER;CN=${m.organizer.name}:mailto:${m.organizer.email}`,
    ...attendees.map((a) => `ATTENDEE;CN=${a.name};PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${a.email}`),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.join(CRLF) + CRLF;
}

function bodyPart(mail: Mail): string {
  const c = mailContent(mail);
  const text = leaf('text/plain; charset=utf-8', utf8Bytes(c.text));
  const alternatives = [text];
  if (c.html !== undefined) alternatives.push(leaf('text/html; charset=utf-8', utf8Bytes(c.html)));
  if (mail.meeting) {
    alternatives.push(leaf('text/calendar; charset=utf-8; method=REQUEST', utf8Bytes(meetingIcs(mail, mail.to))));
  }
  const alt = alternatives.length === 1 ? text : multipart('alternative', '=_mock_alt', alternatives);
  const inline = c.attachments.filter((a) => a.inline);
  if (inline.length === 0) return alt;
  return multipart('related', '=_mock_rel', [alt, ...inline.map(attachmentPart)]);
}

function headers(mail: Mail): string[] {
  const h = [`From: ${formatAddress(mail.from)}`, `To: ${formatAddresses(mail.to)}`];
  if (mail.cc.length > 0) h.push(`Cc: ${formatAddresses(mail.cc)}`);
  if (mail.replyTo.length > 0) h.push(`Reply-To: ${formatAddresses(mail.replyTo)}`);
  h.push(`Subject: ${encodeWord(mail.subject)}`, `Date: ${rfc5322Date(mail.date)}`, `Message-ID: <${mail.messageId}>`);
  if (mail.inReplyTo) h.push(`In-Reply-To: <${mail.inReplyTo}>`);
  if (mail.importance !== 1) h.push(`Importance: ${mail.importance === 2 ? 'high' : 'low'}`);
  h.push('MIME-Version: 1.0');
  return h;
}

/** The full RFC 5322 message of a mail (original bytes for mail that arrived as MIME). */
export function mimeOf(mail: Mail): string {
  if (mail.raw) return new TextDecoder().decode(mail.raw);
  const c = mailContent(mail);
  const body = bodyPart(mail);
  const attached = c.attachments.filter((a) => !a.inline);
  const content = attached.length === 0 ? body : multipart('mixed', '=_mock_mix', [body, ...attached.map(attachmentPart)]);
  return [...headers(mail), content].join(CRLF) + CRLF;
}
