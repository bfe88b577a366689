/**
 * RFC 5322 messages for the interop tests: a plain-text mail, and an iTIP REQUEST sent as
 * iMIP (RFC 6047: a text/calendar part with method=REQUEST next to a text/plain one).
 */
import type { PeerUser } from './peer.ts';

const CRLF = '\r\n';

function address(u: PeerUser): string {
  return `"${u.name}" <${u.email}>`;
}

function headers(from: PeerUser, to: readonly PeerUser[], subject: string): string[] {
  const id = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}@interop.test`;
  return [
    `From: ${address(from)}`,
    `To: ${to.map(address).join(', ')}`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${id}>`,
    'MIME-Version: 1.0',
  ];
}

export function plainMail(from: PeerUser, to: readonly PeerUser[], subject: string, text: string): string {
  return [...headers(from, to, subject), 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', text, ''].join(
    CRLF,
  );
}

/** An iMIP invitation: `ics` must be a VCALENDAR with METHOD:REQUEST (RFC 6047 2.4). */
export function invitationMail(from: PeerUser, to: readonly PeerUser[], subject: string, ics: string): string {
  const boundary = `imip-${Math.random().toString(36).slice(2)}`;
  return [
    ...headers(from, to, subject),
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `${from.name} invites you: ${subject}`,
    `--${boundary}`,
    'Content-Type: text/calendar; charset=utf-8; method=REQUEST',
    '',
    ics.replace(/\r?\n$/, ''),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}

/** 20261124T093000Z (RFC 5545 3.3.5, UTC form). */
export function icsUtc(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** A meeting organized by `organizer` with the attendees still to answer (RFC 5545, RFC 5546). */
export function meetingIcs(opts: {
  uid: string;
  summary: string;
  start: Date;
  end: Date;
  organizer: PeerUser;
  attendees: readonly PeerUser[];
  method?: 'REQUEST';
}): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//eas-pwa//interop tests//EN',
    ...(opts.method ? [`METHOD:${opts.method}`] : []),
    'BEGIN:VEVENT',
    `UID:${opts.uid}`,
    `DTSTAMP:${icsUtc(new Date())}`,
    `DTSTART:${icsUtc(opts.start)}`,
    `DTEND:${icsUtc(opts.end)}`,
    `SUMMARY:${opts.summary}`,
    `ORGANIZER;CN=${opts.organizer.name}:mailto:${opts.organizer.email}`,
    ...opts.attendees.map((a) => `ATTENDEE;CN=${a.name};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${a.email}`),
    `ATTENDEE;CN=${opts.organizer.name};ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:${opts.organizer.email}`,
    'SEQUENCE:0',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ];
  return lines.join(CRLF);
}
