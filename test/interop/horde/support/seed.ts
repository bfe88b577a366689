/**
 * What the Horde peer was seeded with (the SOGo peer's seed/data.ts, dated from seededAt in
 * expected-counts.json), read back into the fields a user sees: each seeded mail's subject,
 * sender, recipients, date, read and flagged state, importance; times of the seeded events.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { anchors, seeds, type Anchors, type SeedMail, type UserSeed } from '../../../peers/sogo/seed/data.ts';
import { PEER_DIR, type PeerUser } from './peer.ts';

export function seededAt(): Date {
  const counts = JSON.parse(readFileSync(join(PEER_DIR, 'expected-counts.json'), 'utf8')) as { seededAt: string };
  return new Date(counts.seededAt);
}

export function seedOf(user: PeerUser): UserSeed {
  const seed = seeds(seededAt()).find((s) => s.user === user.login);
  if (!seed) throw new Error(`no seed for ${user.login}`);
  return seed;
}

export function seedAnchors(): Anchors {
  return anchors(seededAt());
}

export interface SeenMail {
  readonly subject: string;
  readonly from: { readonly name?: string; readonly email: string };
  readonly to: readonly string[];
  /** Whole seconds (IMAP INTERNALDATE). */
  readonly date: string;
  readonly read: boolean;
  readonly flagged: boolean;
  /** 2 high, 1 normal (MS-ASEMAIL 2.2.2.39). */
  readonly importance: number;
}

/** RFC 2047 B-encoded UTF-8 words, the only kind the seed writes. */
function decodeWords(text: string): string {
  return text.replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}

function header(raw: string, name: string): string | undefined {
  const head = raw.split('\r\n\r\n')[0] ?? '';
  const line = head
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

function mailbox(text: string): { name?: string; email: string } {
  const m = /^(?:"?([^"<]*?)"?\s*)?<([^>]+)>$/.exec(text.trim());
  if (!m) return { email: text.trim() };
  const name = m[1] ? decodeWords(m[1]) : undefined;
  return { ...(name && { name }), email: m[2] ?? '' };
}

export function seenMail(m: SeedMail): SeenMail {
  const subject = decodeWords(header(m.raw, 'Subject') ?? '');
  return {
    subject,
    from: mailbox(header(m.raw, 'From') ?? ''),
    to: (header(m.raw, 'To') ?? '')
      .split(',')
      .map((t) => mailbox(t).email)
      .sort(),
    date: new Date(Math.floor(m.date.getTime() / 1000) * 1000).toISOString(),
    read: m.flags.includes('\\Seen'),
    flagged: m.flags.includes('\\Flagged'),
    importance: /^Importance: high$/im.test(m.raw.split('\r\n\r\n')[0] ?? '') ? 2 : 1,
  };
}

/** The seeded mails of one mailbox, by subject. */
export function seededMails(user: PeerUser, mailboxName: string): Record<string, SeenMail> {
  return Object.fromEntries(
    seedOf(user)
      .mails.filter((m) => m.mailbox === mailboxName)
      .map((m) => {
        const seen = seenMail(m);
        return [seen.subject, seen];
      }),
  );
}

/** A wall-clock time in Europe/Berlin on the UTC day of `day`, as an instant. */
export function berlin(day: Date, hh: number, mm = 0): Date {
  const guess = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hh, mm);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(guess))
      .map((p) => [p.type, Number(p.value)]),
  );
  const wall = Date.UTC(parts['year'] ?? 0, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0);
  return new Date(guess - (wall - guess));
}

export function addDays(d: Date, n: number): Date {
  return new Date(d.getTime() + n * 86_400_000);
}
