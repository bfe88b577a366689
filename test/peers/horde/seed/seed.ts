/**
 * Seeds the Horde peer with the SOGo peer's seed (test/peers/sogo/seed/data.ts): resets alice's
 * and bob's mail (IMAP), calendar and tasks (Horde's CalDAV: Kronolith and Nag) and contacts
 * (CardDAV: Turba), then asks the servers for their own counts and writes them to
 * $HORDE_PEER_DIR/expected-counts.json (the SOGo peer's format). Run by seed.sh.
 *
 * Unlike SOGo, Horde copies no meeting into an attendee's calendar: bob's "Design review"
 * reaches alice only as the invitation mail in her Inbox. But Kronolith mails the attendees of
 * a meeting written over CalDAV (iMIP: "Cancelled: Design review" for the delete, then the
 * invitation): the calendars are reset first, the mail once the peer's postfix has delivered.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seeds, type SeedObject, type UserSeed } from '../../sogo/seed/data.ts';
import { Dav } from '../../sogo/seed/dav.ts';
import { Imap, imapDate, imapDateTime, listedNames, quote, searchCount, statusItems } from '../../sogo/seed/imap.ts';

const HOST = '127.0.0.1';
const IMAP_PORT = Number(process.env.HORDE_IMAP_PORT ?? 10143);
const BASE = process.env.HORDE_BASE ?? 'http://127.0.0.1:20080';
const PEER_DIR = process.env.HORDE_PEER_DIR ?? '/tmp/eas-horde';
/**
 * Days before now for IMAP SEARCH SINCE, keyed by the EAS FilterType they correspond to:
 * Horde's own cut-offs (a "month" is 4 weeks).
 */
const FILTER_DAYS: Record<string, number> = { '1': 1, '2': 3, '3': 7, '4': 14, '5': 28, '6': 84, '7': 168 };

interface FolderCount {
  messages: number;
  unseen: number;
  /** The Horde peer's dovecot always reports HIGHESTMODSEQ; kept for the SOGo format. */
  modseq: boolean;
  since: Record<string, number>;
}

interface UserCounts {
  Email: number;
  Calendar: number;
  Contacts: number;
  Tasks: number;
  folders: Record<string, FolderCount>;
}

async function withImap<T>(user: string, password: string, work: (imap: Imap) => Promise<T>): Promise<T> {
  const imap = await Imap.open(HOST, IMAP_PORT);
  try {
    await imap.login(user, password);
    const result = await work(imap);
    await imap.logout();
    return result;
  } catch (e) {
    await imap.logout().catch(() => undefined);
    throw e;
  }
}

const depth = (name: string): number => name.split('/').length;

async function resetMail(seed: UserSeed): Promise<void> {
  await withImap(seed.user, seed.password, async (imap) => {
    const existing = listedNames((await imap.run('LIST "" "*"')).untagged);
    const unwanted = existing.filter((n) => !seed.mailboxes.includes(n)).sort((a, b) => depth(b) - depth(a));
    for (const name of unwanted) await imap.run(`DELETE ${quote(name)}`);
    for (const name of seed.mailboxes) {
      if (!existing.includes(name)) await imap.run(`CREATE ${quote(name)}`);
      await imap.run(`SUBSCRIBE ${quote(name)}`);
      const selected = await imap.run(`SELECT ${quote(name)}`);
      if (selected.untagged.some((l) => /^\* [1-9]\d* EXISTS$/.test(l))) {
        await imap.run('STORE 1:* +FLAGS.SILENT (\\Deleted)');
        await imap.run('EXPUNGE');
      }
      await imap.run('CLOSE');
    }
    for (const m of seed.mails) {
      await imap.run(`APPEND ${quote(m.mailbox)} (${m.flags.join(' ')}) ${quote(imapDateTime(m.date))}`, Buffer.from(m.raw, 'utf8'));
    }
  });
}

async function countMail(seed: UserSeed, now: Date): Promise<Record<string, FolderCount>> {
  return withImap(seed.user, seed.password, async (imap) => {
    const folders: Record<string, FolderCount> = {};
    const names = listedNames((await imap.run('LIST "" "*"')).untagged);
    for (const name of names.sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a.localeCompare(b)))) {
      const status = statusItems((await imap.run(`STATUS ${quote(name)} (MESSAGES UNSEEN)`)).untagged);
      const examined = await imap.run(`EXAMINE ${quote(name)}`);
      const since: Record<string, number> = {};
      for (const [filter, days] of Object.entries(FILTER_DAYS)) {
        // Horde filters on the Date: header (SENTSINCE), whole days.
        const day = new Date(now.getTime() - days * 86_400_000);
        since[filter] = searchCount((await imap.run(`SEARCH UNDELETED SENTSINCE ${imapDate(day)}`)).untagged);
      }
      await imap.run('CLOSE');
      folders[name] = {
        messages: status['MESSAGES'] ?? 0,
        unseen: status['UNSEEN'] ?? 0,
        modseq: /\[HIGHESTMODSEQ \d+\]/.test(examined.untagged.join('\n')),
        since,
      };
    }
    return folders;
  });
}

interface Collections {
  calendar: string;
  tasks: string;
  contacts: string;
}

/**
 * The user's default calendar, task list and address book: Horde names them by share id
 * (`calendar~<id>`, `tasks~<id>`, `contacts~<id>`) and makes them at the user's first login.
 */
async function collectionsOf(dav: Dav, user: string): Promise<Collections> {
  const calendars = await dav.members(`/horde/rpc.php/calendars/${user}/`);
  const books = await dav.members(`/horde/rpc.php/addressbooks/${user}/`);
  const one = (hrefs: string[], pattern: RegExp, what: string): string => {
    const found = hrefs.filter((h) => pattern.test(h));
    if (found.length !== 1) throw new Error(`${user}: ${found.length} ${what} collections (${hrefs.join(', ')})`);
    return found[0] as string;
  };
  return {
    calendar: one(calendars, /\/calendar~[^/]+\/$/, 'calendar'),
    tasks: one(calendars, /\/tasks~[^/]+\/$/, 'task list'),
    contacts: one(books, /\/contacts~(?!favourites\/|gal\/)[^/]+\/$/, 'address book'),
  };
}

async function putAll(dav: Dav, collection: string, items: SeedObject[], ext: string, type: string): Promise<void> {
  for (const item of items) await dav.put(`${collection}${item.uid}.${ext}`, type, item.body);
}

async function resetDav(seed: UserSeed): Promise<void> {
  const dav = new Dav(BASE, seed.user, seed.password);
  const c = await collectionsOf(dav, seed.user);
  for (const collection of [c.calendar, c.tasks, c.contacts]) {
    for (const href of await dav.members(collection)) await dav.remove(href);
  }
  await putAll(dav, c.calendar, seed.events, 'ics', 'text/calendar; charset=utf-8');
  await putAll(dav, c.tasks, seed.tasks, 'ics', 'text/calendar; charset=utf-8');
  await putAll(dav, c.contacts, seed.contacts, 'vcf', 'text/vcard; charset=utf-8');
}

async function countUser(seed: UserSeed, now: Date): Promise<UserCounts> {
  const dav = new Dav(BASE, seed.user, seed.password);
  const c = await collectionsOf(dav, seed.user);
  const folders = await countMail(seed, now);
  return {
    Email: Object.values(folders).reduce((sum, f) => sum + f.messages, 0),
    Calendar: (await dav.componentsOf(c.calendar, 'VEVENT')).length,
    Contacts: (await dav.members(c.contacts)).length,
    Tasks: (await dav.componentsOf(c.tasks, 'VTODO')).length,
    folders,
  };
}

function summary(user: string, c: UserCounts): string {
  const folders = Object.entries(c.folders)
    .map(([name, f]) => `${name} ${f.messages}`)
    .join(', ');
  return `${user}: Email ${c.Email} (${folders}), Calendar ${c.Calendar}, Contacts ${c.Contacts}, Tasks ${c.Tasks}`;
}

/** Waits until the peer's postfix has no mail left to deliver (Kronolith's iMIP mails). */
async function mailDelivered(): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const queue = execFileSync('postqueue', ['-c', join(PEER_DIR, 'postfix'), '-p'], { encoding: 'utf8' });
    if (/Mail queue is empty/.test(queue)) return;
    if (Date.now() > deadline) throw new Error(`the peer's postfix still holds mail after 30 s:\n${queue}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const now = new Date();
  const all = seeds(now);
  for (const seed of all) await resetDav(seed);
  await mailDelivered();
  for (const seed of all) await resetMail(seed);
  const users: Record<string, UserCounts> = {};
  for (const seed of all) users[seed.user] = await countUser(seed, now);
  const file = join(PEER_DIR, 'expected-counts.json');
  const note = 'Counts from the servers after seeding: IMAP STATUS/SEARCH SENTSINCE, CalDAV calendar-query, CardDAV PROPFIND.';
  writeFileSync(file, `${JSON.stringify({ seededAt: now.toISOString(), note, users }, null, 2)}\n`);
  for (const [user, counts] of Object.entries(users)) console.log(summary(user, counts));
  console.log(`expected counts: ${file}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
