/**
 * Seeds the SOGo peer: resets alice's and bob's mail (IMAP), calendar, tasks (CalDAV) and
 * contacts (CardDAV) to the content of data.ts, then asks the servers for their own counts and
 * writes them to $SOGO_PEER_DIR/expected-counts.json. Run by seed.sh.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seeds, type SeedObject, type UserSeed } from './data.ts';
import { Dav } from './dav.ts';
import { Imap, imapDate, imapDateTime, listedNames, quote, searchCount, statusItems } from './imap.ts';

const HOST = '127.0.0.1';
const IMAP_PORT = 143;
const SOGO_BASE = process.env.SOGO_BASE ?? 'http://127.0.0.1:20000';
const PEER_DIR = process.env.SOGO_PEER_DIR ?? '/tmp/eas-sogo';
/** Days before now for IMAP SEARCH SINCE, keyed by the EAS FilterType they correspond to. */
const FILTER_DAYS: Record<string, number> = { '1': 1, '2': 3, '3': 7, '4': 14, '5': 30, '6': 90, '7': 180 };

interface FolderCount {
  messages: number;
  unseen: number;
  /** HIGHESTMODSEQ is reported: SOGo can make a mail SyncKey for this folder. */
  modseq: boolean;
  /** Messages with INTERNALDATE on or after (UTC today - N days), keyed by FilterType. */
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

function depth(name: string): number {
  return name.split('/').length;
}

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
      const flags = `(${m.flags.join(' ')})`;
      await imap.run(`APPEND ${quote(m.mailbox)} ${flags} ${quote(imapDateTime(m.date))}`, Buffer.from(m.raw, 'utf8'));
    }
  });
}

async function countMail(seed: UserSeed, now: Date): Promise<Record<string, FolderCount>> {
  // A new session: dovecot's post-login script has now enabled modseq on every mailbox.
  return withImap(seed.user, seed.password, async (imap) => {
    const folders: Record<string, FolderCount> = {};
    const names = listedNames((await imap.run('LIST "" "*"')).untagged);
    for (const name of names.sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a.localeCompare(b)))) {
      const status = statusItems((await imap.run(`STATUS ${quote(name)} (MESSAGES UNSEEN)`)).untagged);
      const examined = await imap.run(`EXAMINE ${quote(name)}`);
      const since: Record<string, number> = {};
      for (const [filter, days] of Object.entries(FILTER_DAYS)) {
        const day = new Date(now.getTime() - days * 86_400_000);
        since[filter] = searchCount((await imap.run(`SEARCH UNDELETED SINCE ${imapDate(day)}`)).untagged);
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

function davPaths(user: string): { calendar: string; contacts: string } {
  return { calendar: `/SOGo/dav/${user}/Calendar/personal/`, contacts: `/SOGo/dav/${user}/Contacts/personal/` };
}

async function putAll(dav: Dav, collection: string, items: SeedObject[], ext: string, type: string): Promise<void> {
  for (const item of items) await dav.put(`${collection}${item.uid}.${ext}`, type, item.body);
}

async function resetDav(seed: UserSeed): Promise<void> {
  const dav = new Dav(SOGO_BASE, seed.user, seed.password);
  const paths = davPaths(seed.user);
  for (const collection of [paths.calendar, paths.contacts]) {
    for (const href of await dav.members(collection)) await dav.remove(href);
  }
  await putAll(dav, paths.calendar, [...seed.events, ...seed.tasks], 'ics', 'text/calendar; charset=utf-8');
  await putAll(dav, paths.contacts, seed.contacts, 'vcf', 'text/vcard; charset=utf-8');
}

async function countUser(seed: UserSeed, now: Date): Promise<UserCounts> {
  const dav = new Dav(SOGO_BASE, seed.user, seed.password);
  const paths = davPaths(seed.user);
  const folders = await countMail(seed, now);
  return {
    Email: Object.values(folders).reduce((sum, f) => sum + f.messages, 0),
    Calendar: (await dav.componentsOf(paths.calendar, 'VEVENT')).length,
    Contacts: (await dav.members(paths.contacts)).length,
    Tasks: (await dav.componentsOf(paths.calendar, 'VTODO')).length,
    folders,
  };
}

function summary(user: string, c: UserCounts): string {
  const folders = Object.entries(c.folders)
    .map(([name, f]) => `${name} ${f.messages}`)
    .join(', ');
  const noModseq = Object.entries(c.folders)
    .filter(([, f]) => !f.modseq)
    .map(([n]) => n);
  const warning = noModseq.length ? ` WARNING no HIGHESTMODSEQ: ${noModseq.join(', ')}` : '';
  return `${user}: Email ${c.Email} (${folders}), Calendar ${c.Calendar}, Contacts ${c.Contacts}, Tasks ${c.Tasks}${warning}`;
}

async function main(): Promise<void> {
  const now = new Date();
  const all = seeds(now);
  for (const seed of all) {
    await resetMail(seed);
    await resetDav(seed);
  }
  const users: Record<string, UserCounts> = {};
  for (const seed of all) users[seed.user] = await countUser(seed, now);
  const file = join(PEER_DIR, 'expected-counts.json');
  const note = 'Counts from the servers after seeding: IMAP STATUS/SEARCH, CalDAV calendar-query, CardDAV PROPFIND.';
  writeFileSync(file, `${JSON.stringify({ seededAt: now.toISOString(), note, users }, null, 2)}\n`);
  for (const [user, counts] of Object.entries(users)) console.log(summary(user, counts));
  console.log(`expected counts: ${file}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
