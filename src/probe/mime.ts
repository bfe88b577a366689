/**
 * The messages the probe sends to itself: RFC 5322 text, MIME (RFC 2045/2046)
 * with an optional attachment, and an iMIP invitation (RFC 6047: a
 * text/calendar part with METHOD:REQUEST, RFC 5546) for MeetingResponse.
 * Everything is ASCII, so 7bit and base64 are the only transfer encodings.
 */
import { toBase64 } from '../wbxml/base64.ts';

export interface ProbeMessage {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly messageId: string;
  readonly date: Date;
  /** The MIME boundary; unique per message. */
  readonly boundary: string;
  readonly attachment?: { readonly name: string; readonly content: string };
  /** An iCalendar object (METHOD:REQUEST) sent as the text/calendar alternative. */
  readonly calendar?: string;
}

const CRLF = '\r\n';

/** RFC 5322 3.3 date-time in UTC: "Tue, 05 Jan 2027 09:00:00 +0000". */
export function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

export function buildMessage(m: ProbeMessage): Uint8Array {
  const head = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    `Date: ${rfc5322Date(m.date)}`,
    `Message-ID: <${m.messageId}>`,
    'MIME-Version: 1.0',
  ];
  return new TextEncoder().encode([...head, ...body(m)].join(CRLF) + CRLF);
}

function textPart(text: string): string[] {
  return ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 7bit', '', text];
}

function body(m: ProbeMessage): string[] {
  if (m.calendar !== undefined) {
    // RFC 6047 2.4: the iCalendar object as a text/calendar part with the method parameter.
    return multipart('alternative', m.boundary, [
      textPart(m.text),
      ['Content-Type: text/calendar; charset=utf-8; method=REQUEST', 'Content-Transfer-Encoding: 7bit', '', m.calendar],
    ]);
  }
  if (m.attachment === undefined) return textPart(m.text);
  const a = m.attachment;
  return multipart('mixed', m.boundary, [
    textPart(m.text),
    [
      `Content-Type: text/plain; charset=utf-8; name="${a.name}"`,
      `Content-Disposition: attachment; filename="${a.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      ...wrap(toBase64(new TextEncoder().encode(a.content)), 76),
    ],
  ]);
}

function multipart(subtype: string, boundary: string, parts: readonly string[][]): string[] {
  return [
    `Content-Type: multipart/${subtype}; boundary="${boundary}"`,
    '',
    ...parts.flatMap((p) => [`--${boundary}`, ...p]),
    `--${boundary}--`,
  ];
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += width) out.push(text.slice(i, i + width));
  return out;
}

export interface Invitation {
  readonly uid: string;
  readonly summary: string;
  readonly start: Date;
  readonly end: Date;
  readonly stamp: Date;
  readonly organizer: string;
  readonly attendee: string;
}

/** iCalendar UTC date-time (RFC 5545 3.3.5, form 2): 20270105T090000Z. */
export function icsDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** A one-event REQUEST (RFC 5546 3.2.2) with one attendee who is asked to reply. */
export function buildInvitation(i: Invitation): string {
  return [
    'BEGIN:VCALENDAR',
    'PRODID:-//eas-pwa//eas probe//EN',
    'VERSION:2.0',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `UID:${i.uid}`,
    `DTSTAMP:${icsDate(i.stamp)}`,
    `DTSTART:${icsDate(i.start)}`,
    `DTEND:${icsDate(i.end)}`,
    `SUMMARY:${i.summary}`,
    `ORGANIZER;CN=EAS probe organizer:mailto:${i.organizer}`,
    `ATTENDEE;CN=EAS probe;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${i.attendee}`,
    'SEQUENCE:0',
    'STATUS:CONFIRMED',
    'END:VEVENT',
    'END:VCALENDAR',
  ].join(CRLF);
}
