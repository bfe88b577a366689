/**
 * The engine against Horde at 16.0, 14.1 and 12.1: the account set up as a user would, the
 * initial sync of every class with the store equal, field by field, to what was seeded, then
 * another mail client (IMAP) and another calendar client (CalDAV/CardDAV) change things on the
 * server, and the next sync shows exactly those changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dav } from '../../peers/sogo/seed/dav.ts';
import { quote } from '../../peers/sogo/seed/imap.ts';
import type { CalendarItem } from '../../../src/eas/items/calendar.ts';
import type { Contact } from '../../../src/eas/items/contact.ts';
import type { Email } from '../../../src/eas/items/email.ts';
import type { Task } from '../../../src/eas/items/task.ts';
import type { ItemRecord } from '../../../src/store/schema.ts';
import { close, connectClient, folderNamed, folderOfType, items, syncAll, type HordeClient } from './support/client.ts';
import { ALICE, BOB, HORDE_URL, VERSIONS, countsOf, reseed, unique, withImap, type HordeVersion } from './support/peer.ts';
import { addDays, berlin, seedAnchors, seededMails, type SeenMail } from './support/seed.ts';

/**
 * Horde deviation at 16.0: Kronolith 4.2.29 gives every exception of a recurring event an
 * ExceptionStartTime, which Horde_ActiveSync's 16.0 Exception message no longer has (16.0
 * replaced it with InstanceId, MS-ASCAL 2.2.2.22 / 2.2.2.27): "Unknown property:
 * exceptionstarttime", and the Sync answer (HTTP 200) ends in an HTML error page. alice's
 * calendar has such a series, so at 16.0 her Calendar folder fails; bob's has none.
 */
const CALENDAR_AT_16 = /unknown tag|unexpected|truncated|WBXML|end of/i;

function mailView(i: ItemRecord): SeenMail {
  const m = i.data as Email;
  return {
    subject: m.subject ?? '',
    from: { ...(m.from?.name && { name: m.from.name }), email: m.from?.email ?? '' },
    // Horde lists To in its own order (bob before alice for "alice, bob"): compared as a set.
    to: m.to.map((a) => a.email).sort(),
    date: m.dateReceived?.toISOString() ?? '',
    read: m.read ?? false,
    flagged: m.flag?.status === 2,
    importance: m.importance ?? 1,
  };
}

async function mailBySubject(c: HordeClient, folder: string): Promise<Record<string, SeenMail>> {
  const f = folder === 'Inbox' ? await folderOfType(c, 2) : await folderNamed(c, folder);
  return Object.fromEntries((await items(c, f.serverId)).map((i) => [mailView(i).subject, mailView(i)]));
}

async function dataOf<T>(c: HordeClient, type: number): Promise<Record<string, T>> {
  const f = await folderOfType(c, type);
  const list = await items(c, f.serverId);
  const key = (d: { subject?: string; fileAs?: string; lastName?: string }): string => d.subject ?? d.fileAs ?? d.lastName ?? '?';
  return Object.fromEntries(list.map((i) => [key(i.data as never), i.data as T]));
}

const iso = (d: Date | undefined): string | undefined => d?.toISOString();

describe.each(VERSIONS)('Horde, EAS %s', (version: HordeVersion) => {
  let c: HordeClient;
  beforeAll(async () => {
    await reseed();
  });
  afterAll(() => c && close(c));

  it('sets the account up (OPTIONS, Provision without a policy, FolderSync) and syncs every folder', async () => {
    c = await connectClient(ALICE, version);
    const setup = c.exchanges.map((e) => e.cmd);
    expect(setup.slice(0, 2)).toEqual(['OPTIONS', 'Provision']);
    expect(setup).toContain('FolderSync');
    const { errors } = await syncAll(c);
    if (version === '16.0') expect(errors).toEqual({ Calendar: expect.stringMatching(CALENDAR_AT_16) });
    else expect(errors).toEqual({});
    const counts = countsOf(ALICE);
    for (const [imapName, f] of Object.entries(counts.folders)) {
      const name = imapName === 'INBOX' ? 'Inbox' : (imapName.split('/').pop() ?? imapName);
      const folder = imapName === 'INBOX' ? await folderOfType(c, 2) : await folderNamed(c, name);
      expect((await items(c, folder.serverId)).length, imapName).toBe(f.messages);
    }
    expect((await items(c, (await folderOfType(c, 9)).serverId)).length).toBe(counts.Contacts);
    expect((await items(c, (await folderOfType(c, 7)).serverId)).length).toBe(counts.Tasks);
    if (version !== '16.0') expect((await items(c, (await folderOfType(c, 8)).serverId)).length).toBe(counts.Calendar);
  });

  it('holds every seeded mail with its subject, sender, recipients, date, read and flag state, importance', async () => {
    for (const folder of ['Inbox', 'Projects', 'Archive', 'Sent']) {
      const imapName = { Inbox: 'INBOX', Projects: 'INBOX/Projects' }[folder] ?? folder;
      expect(await mailBySubject(c, folder), folder).toEqual(seededMails(ALICE, imapName));
    }
  });

  it('holds the seeded contacts and tasks field by field', async () => {
    const contacts = await dataOf<Contact>(c, 9);
    const carol = Object.values(contacts).find((x) => x.lastName === 'Customer');
    expect(carol).toMatchObject({
      firstName: 'Carol',
      lastName: 'Customer',
      companyName: 'Customer Corp',
      department: 'Purchasing',
      jobTitle: 'Head of Purchasing',
      email1Address: expect.stringContaining('carol@example.org'),
      businessPhoneNumber: '+1 555 0100',
      mobilePhoneNumber: '+1 555 0101',
      businessAddressStreet: '1 Main Street',
      businessAddressCity: 'Springfield',
      businessAddressPostalCode: '62701',
    });
    const emilie = Object.values(contacts).find((x) => x.firstName === 'Émilie');
    expect(emilie).toMatchObject({
      lastName: 'Zoë',
      email1Address: expect.stringContaining('emilie@example.org'),
      homeAddressCity: 'Berlin',
    });
    expect(
      Object.values(contacts)
        .map((x) => x.lastName)
        .sort(),
    ).toEqual(['Customer', 'Developer', 'Example', 'Zoë']);

    const tasks = await dataOf<Task>(c, 7);
    expect(Object.keys(tasks).sort()).toEqual(['File expenses', 'Prepare slides', 'Read the EAS specs', 'Renew passport']);
    expect(tasks['Prepare slides']).toMatchObject({ complete: false, importance: 2 });
    expect(tasks['File expenses']).toMatchObject({ complete: true });
    expect(tasks['Renew passport']).toMatchObject({ complete: false });
  });

  it('holds the seeded events with their times, places, people and recurrences', async () => {
    const a = seedAnchors();
    const m = a.monday;
    if (version === '16.0') {
      // alice's calendar fails at 16.0 (above): bob's, without exceptions, is read at 16.0 instead.
      const b = await connectClient(BOB, version);
      try {
        expect((await syncAll(b)).errors).toEqual({});
        const events = await dataOf<CalendarItem>(b, 8);
        expect(Object.keys(events).sort()).toEqual(['Design review', 'Gym']);
        const review = events['Design review'] as CalendarItem;
        expect(iso(review.startTime)).toBe(iso(berlin(addDays(m, 2), 14)));
        expect(iso(review.endTime)).toBe(iso(berlin(addDays(m, 2), 15)));
        expect(review.location ?? review.locationDetails?.displayName).toBe('Room 2.01');
        expect(review.organizerEmail).toBe('bob@example.test');
        expect(review.attendees?.map((x) => x.email).sort()).toEqual(['alice@example.test', 'bob@example.test']);
        expect(iso(events['Gym']?.startTime)).toBe(iso(berlin(addDays(m, 3), 18)));
      } finally {
        close(b);
      }
      return;
    }
    const events = await dataOf<CalendarItem>(c, 8);
    expect(Object.keys(events).sort()).toEqual([
      'Company offsite',
      'Conference',
      'Dentist',
      'Lunch with Carol',
      'Morning run',
      'Quarterly review',
      'Weekly planning',
    ]);
    const lunch = events['Lunch with Carol'] as CalendarItem;
    expect([iso(lunch.startTime), iso(lunch.endTime)]).toEqual([iso(berlin(addDays(m, 1), 12)), iso(berlin(addDays(m, 1), 13))]);
    expect(lunch.location).toBe('Café Central');
    expect(lunch.organizerEmail).toBe('alice@example.test');
    expect(lunch.attendees?.map((x) => x.email)).toEqual(['carol@example.org']);
    const review = events['Quarterly review'] as CalendarItem;
    const q = addDays(a.today, -45);
    expect([iso(review.startTime), iso(review.endTime)]).toEqual([
      iso(new Date(q.getTime() + 14 * 3_600_000)),
      iso(new Date(q.getTime() + 15 * 3_600_000)),
    ]);
    expect(events['Company offsite']).toMatchObject({ allDayEvent: true });
    expect(events['Conference']).toMatchObject({ allDayEvent: true, location: 'Berlin' });
    expect(events['Dentist']).toMatchObject({ sensitivity: 2, reminder: 15 });
    const weekly = events['Weekly planning'] as CalendarItem;
    expect(iso(weekly.startTime)).toBe(iso(berlin(addDays(m, -21), 9, 30)));
    expect(weekly.recurrence).toMatchObject({ type: 1 });
    const exceptions = (weekly.exceptions ?? []).map((e) => ({
      at: iso(e.exceptionStartTime),
      deleted: e.deleted ?? false,
      subject: e.subject,
      start: iso(e.startTime),
    }));
    expect(exceptions.sort((x, y) => (x.at ?? '').localeCompare(y.at ?? ''))).toEqual([
      { at: iso(berlin(addDays(m, -14), 9, 30)), deleted: true, subject: undefined, start: undefined },
      { at: iso(berlin(m, 9, 30)), deleted: false, subject: 'Weekly planning (moved)', start: iso(berlin(m, 11)) },
    ]);
    expect(events['Morning run']?.recurrence).toMatchObject({ type: 0 });
  });

  it('shows what another mail client and a CalDAV/CardDAV client changed, and nothing else', async () => {
    const inbox = await folderOfType(c, 2);
    const archive = await folderNamed(c, 'Archive');
    const before = await mailBySubject(c, 'Inbox');
    const subject = unique('Horde interop new mail');
    await withImap(ALICE, async (imap) => {
      const raw = `From: "Bob Example" <bob@example.test>\r\nTo: alice@example.test\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${Date.now()}@example.test>\r\n\r\nNew.\r\n`;
      await imap.run(
        `APPEND INBOX () ${quote(new Date().toUTCString().replace(/^\w+, (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1-$2-$3 $4 +0000'))}`,
        Buffer.from(raw),
      );
      await imap.run('SELECT INBOX');
      const uid = async (s: string): Promise<string> => {
        const r = await imap.run(`UID SEARCH SUBJECT ${quote(s)}`);
        return (r.untagged.find((l) => l.startsWith('* SEARCH')) ?? '').split(' ')[2] ?? '';
      };
      await imap.run(`UID STORE ${await uid('Lunch on Friday?')} +FLAGS.SILENT (\\Flagged \\Seen)`);
      await imap.run(`UID STORE ${await uid('Build #1042 passed')} +FLAGS.SILENT (\\Seen)`);
      await imap.run(`UID MOVE ${await uid('Team photo')} Archive`);
      await imap.run(`UID STORE ${await uid('Coffee machine broken')} +FLAGS.SILENT (\\Deleted)`);
      await imap.run('EXPUNGE');
    });
    const dav = new Dav(HORDE_URL, ALICE.login, ALICE.password);
    const books = await dav.members(`/horde/rpc.php/addressbooks/${ALICE.login}/`);
    const book = books.find((h) => /\/contacts~(?!favourites\/|gal\/)[^/]+\/$/.test(h)) as string;
    const carolHref = (await dav.members(book)).find((h) => h.includes('carol'));
    expect(carolHref).toBeDefined();
    await dav.put(
      carolHref as string,
      'text/vcard; charset=utf-8',
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'UID:seed-alice-carol',
        'FN:Carol Customer',
        'N:Customer;Carol;;;',
        'ORG:Customer Corp;Purchasing',
        'TITLE:Chief Purchasing Officer',
        'EMAIL;TYPE=INTERNET,WORK:carol@example.org',
        'TEL;TYPE=WORK:+1 555 0199',
        'END:VCARD',
        '',
      ].join('\r\n'),
    );

    const { errors } = await syncAll(c);
    expect(Object.keys(errors)).toEqual(version === '16.0' ? ['Calendar'] : []);
    const after = await mailBySubject(c, 'Inbox');
    const expected: Record<string, SeenMail> = { ...before };
    delete expected['Team photo'];
    delete expected['Coffee machine broken'];
    expected['Lunch on Friday?'] = { ...(before['Lunch on Friday?'] as SeenMail), flagged: true, read: true };
    expected['Build #1042 passed'] = { ...(before['Build #1042 passed'] as SeenMail), read: true };
    expected[subject] = {
      ...(after[subject] as SeenMail),
      subject,
      from: { name: 'Bob Example', email: 'bob@example.test' },
      to: ['alice@example.test'],
      read: false,
      flagged: false,
    };
    expect(after).toEqual(expected);
    expect(Object.keys(await mailBySubject(c, 'Archive')).sort()).toEqual(
      [...Object.keys(seededMails(ALICE, 'Archive')), 'Team photo'].sort(),
    );
    expect((await items(c, inbox.serverId)).length).toBe(29); // 30 seeded, one moved, one deleted, one new
    expect((await items(c, archive.serverId)).length).toBe(5);
    const carol = Object.values(await dataOf<Contact>(c, 9)).find((x) => x.lastName === 'Customer');
    expect(carol).toMatchObject({ jobTitle: 'Chief Purchasing Officer', businessPhoneNumber: '+1 555 0199' });
    // Turba keeps what a CardDAV PUT leaves out (RFC 4918 9.7.1: a PUT replaces the resource):
    // the mobile number is still on the server, so it is still in the store.
    expect(carol?.mobilePhoneNumber).toBe('+1 555 0101');
  });
});
