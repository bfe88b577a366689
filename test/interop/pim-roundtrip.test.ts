/**
 * Contacts, events and tasks both ways between the client and SOGo: what the engine's
 * local-edit API makes shows up in SOGo's CardDAV/CalDAV store (read back with PROPFIND/GET),
 * and what is written over DAV shows up in the engine after its next sync; then a change and
 * a delete from each side.
 *
 * SOGo's PIM SyncKey is the collection's newest change time in whole seconds, so a DAV write in
 * the same second as the client's last synced change would never be reported
 * (shared/notes/sogo-peer.md): DAV writes wait for the next second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarItem } from '../../src/eas/items/calendar.ts';
import type { Contact } from '../../src/eas/items/contact.ts';
import type { Task } from '../../src/eas/items/task.ts';
import { zoneFromIana } from '../../src/eas/items/timezone.ts';
import type { ItemRecord } from '../../src/store/schema.ts';
import { close, connectClient, folderOfType, items, syncAll, type PeerClient } from './support/client.ts';
import { DavClient, component, contactsPath, properties, property, type DavObject } from './support/dav.ts';
import { icalInstant } from './support/ical.ts';
import { icsUtc } from './support/mail.ts';
import { ALICE, VERSIONS, sleep } from './support/peer.ts';

const TASKS = 7; // MS-ASCMD 2.2.3.186.3 folder types
const CALENDAR = 8;
const CONTACTS = 9;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Next whole hour, `days` ahead. */
function hourAhead(days: number): Date {
  return new Date(Math.ceil((Date.now() + days * DAY) / HOUR) * HOUR);
}

function utcMidnight(days: number): Date {
  const d = new Date(Date.now() + days * DAY);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

function only<T>(list: readonly T[], what: string): T {
  expect(list, what).toHaveLength(1);
  return list[0] as T;
}

const vcalendar = (component: string[]): string =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//eas-pwa//interop tests//EN', ...component, 'END:VCALENDAR', ''].join('\r\n');

describe.each(VERSIONS)('contacts, events and tasks both ways, EAS %s', (version) => {
  const tag = `${Date.now().toString(36)}${version.replace('.', '')}`;
  const dav = new DavClient(ALICE);
  let c: PeerClient;
  const folder = { contacts: '', calendar: '', tasks: '' };

  beforeAll(async () => {
    c = await connectClient(ALICE, version);
    await syncAll(c);
    folder.contacts = (await folderOfType(c, CONTACTS)).serverId;
    folder.calendar = (await folderOfType(c, CALENDAR)).serverId;
    folder.tasks = (await folderOfType(c, TASKS)).serverId;
  });
  afterAll(() => close(c));

  const local = async <T>(folderId: string, match: (data: T) => boolean): Promise<ItemRecord[]> =>
    (await items(c, folderId)).filter((i) => match(i.data as T));
  const davContacts = async (match: (o: DavObject) => boolean): Promise<DavObject[]> =>
    (await dav.objects(contactsPath(ALICE))).filter(match);
  const davComponents = async (kind: 'VEVENT' | 'VTODO', summary: string): Promise<DavObject[]> =>
    (await dav.components(ALICE, kind)).filter((o) => property(o.body, 'SUMMARY') === summary);

  const mine = {
    contact: {
      firstName: 'Zoe',
      lastName: `Client${tag}`,
      fileAs: `Client${tag}, Zoe`,
      email1Address: `zoe.${tag}@example.org`,
      mobilePhoneNumber: '+49 170 5550101',
      companyName: 'Interop Ltd',
    } satisfies Contact,
    event: {
      subject: `Client event ${tag}`,
      startTime: hourAhead(2),
      endTime: new Date(hourAhead(2).getTime() + HOUR),
      timezone: zoneFromIana('Europe/Berlin').blob,
      busyStatus: 2,
      sensitivity: 0,
      meetingStatus: 0,
      dtStamp: new Date(),
      location: 'Room 7',
      reminder: 15,
    } satisfies CalendarItem,
    task: {
      subject: `Client task ${tag}`,
      complete: false,
      dueDate: utcMidnight(3),
      utcDueDate: utcMidnight(3),
      importance: 2,
    } satisfies Task,
  };

  it("a contact, an event and a task made on the client appear in SOGo's DAV", async () => {
    await c.engine.addItem(c.accountId, folder.contacts, mine.contact);
    await c.engine.addItem(c.accountId, folder.calendar, mine.event);
    await c.engine.addItem(c.accountId, folder.tasks, mine.task);
    await syncAll(c);

    // The server took the adds: no provisional ServerId left, nothing queued.
    for (const [id, subject] of [
      [folder.calendar, mine.event.subject],
      [folder.tasks, mine.task.subject],
    ] as const) {
      const item = only(await local<{ subject?: string }>(id, (d) => d.subject === subject), subject);
      expect(item.serverId).not.toMatch(/^local:/);
    }
    expect(only(await local<Contact>(folder.contacts, (d) => d.lastName === mine.contact.lastName), 'contact').serverId).not.toMatch(
      /^local:/,
    );
    expect(await c.store.db.getAllFromIndex('pending', 'byAccount', c.accountId)).toEqual([]);

    const card = only(await davContacts((o) => property(o.body, 'N')?.startsWith(`${mine.contact.lastName};Zoe`) ?? false), 'vCard').body;
    expect(property(card, 'EMAIL')).toBe(mine.contact.email1Address);
    expect(property(card, 'TEL')).toBe(mine.contact.mobilePhoneNumber);
    expect(property(card, 'ORG')).toBe(mine.contact.companyName);

    const event = component(only(await davComponents('VEVENT', mine.event.subject), 'VEVENT').body, 'VEVENT');
    expect(icalInstant(properties(event, 'DTSTART')[0] ?? fail('DTSTART'))).toEqual(mine.event.startTime);
    expect(icalInstant(properties(event, 'DTEND')[0] ?? fail('DTEND'))).toEqual(mine.event.endTime);
    expect(property(event, 'LOCATION')).toBe('Room 7');
    expect(property(event, 'TRIGGER')).toBe('-PT15M');

    const todo = component(only(await davComponents('VTODO', mine.task.subject), 'VTODO').body, 'VTODO');
    expect(icalInstant(properties(todo, 'DUE')[0] ?? fail('DUE'))).toEqual(mine.task.dueDate);
    expect(property(todo, 'STATUS')).not.toBe('COMPLETED');
    expect(property(todo, 'PRIORITY')).toBe('1'); // RFC 5545 3.8.1.9: 1-4 high (MS-ASTASK Importance 2)
  });

  const theirs = {
    contactUid: `dav-contact-${tag}`,
    eventUid: `dav-event-${tag}`,
    taskUid: `dav-task-${tag}`,
    start: hourAhead(4),
    due: utcMidnight(5),
  };
  const davEvent = (summary: string): string =>
    vcalendar([
      'BEGIN:VEVENT',
      `UID:${theirs.eventUid}`,
      `DTSTAMP:${icsUtc(new Date())}`,
      `DTSTART:${icsUtc(theirs.start)}`,
      `DTEND:${icsUtc(new Date(theirs.start.getTime() + 2 * HOUR))}`,
      `SUMMARY:${summary}`,
      'LOCATION:Lab',
      'END:VEVENT',
    ]);

  it('a contact, an event and a task PUT over DAV appear in the next engine sync', async () => {
    await sleep(1100);
    await dav.putContact(
      ALICE,
      theirs.contactUid,
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        `UID:${theirs.contactUid}`,
        `FN:Yann Dav${tag}`,
        `N:Dav${tag};Yann;;;`,
        `EMAIL;TYPE=INTERNET,WORK:yann.${tag}@example.net`,
        'TEL;TYPE=WORK,VOICE:+33 1 5550 0102',
        'END:VCARD',
        '',
      ].join('\r\n'),
    );
    await dav.putCalendar(ALICE, theirs.eventUid, davEvent(`DAV event ${tag}`));
    await dav.putCalendar(
      ALICE,
      theirs.taskUid,
      vcalendar([
        'BEGIN:VTODO',
        `UID:${theirs.taskUid}`,
        `DTSTAMP:${icsUtc(new Date())}`,
        `SUMMARY:DAV task ${tag}`,
        `DUE;VALUE=DATE:${icsUtc(theirs.due).slice(0, 8)}`,
        'END:VTODO',
      ]),
    );
    await syncAll(c);

    const contact = only(await local<Contact>(folder.contacts, (d) => d.lastName === `Dav${tag}`), 'contact').data as Contact;
    expect(contact.firstName).toBe('Yann');
    expect(contact.email1Address).toBe(`yann.${tag}@example.net`);
    expect(contact.businessPhoneNumber).toBe('+33 1 5550 0102');

    const event = only(await local<CalendarItem>(folder.calendar, (d) => d.subject === `DAV event ${tag}`), 'event').data as CalendarItem;
    expect(event.uid).toBe(theirs.eventUid);
    expect(event.startTime).toEqual(theirs.start);
    expect(event.location).toBe('Lab');

    const task = only(await local<Task>(folder.tasks, (d) => d.subject === `DAV task ${tag}`), 'task').data as Task;
    expect(task.complete).toBe(false);
    expect(task.dueDate?.toISOString().slice(0, 10)).toBe(theirs.due.toISOString().slice(0, 10));
  });

  it('a change and a delete from each side reach the other', async () => {
    const event = only(await local<CalendarItem>(folder.calendar, (d) => d.subject === mine.event.subject), 'client event');
    const task = only(await local<Task>(folder.tasks, (d) => d.subject === mine.task.subject), 'client task');
    await c.engine.updateItem(c.accountId, event.id, { ...(event.data as CalendarItem), location: 'Room 9' });
    await c.engine.deleteItem(c.accountId, task.id);
    await syncAll(c);
    expect(property(only(await davComponents('VEVENT', mine.event.subject), 'VEVENT').body, 'LOCATION')).toBe('Room 9');
    expect(await davComponents('VTODO', mine.task.subject)).toEqual([]);

    await sleep(1100);
    await dav.putCalendar(ALICE, theirs.eventUid, davEvent(`DAV event ${tag} (moved)`));
    await dav.dav.remove(`${contactsPath(ALICE)}${theirs.contactUid}.vcf`);
    await syncAll(c);
    const events = await local<CalendarItem>(folder.calendar, (d) => d.uid === theirs.eventUid);
    expect(events.map((e) => (e.data as CalendarItem).subject)).toEqual([`DAV event ${tag} (moved)`]);
    expect(await local<Contact>(folder.contacts, (d) => d.lastName === `Dav${tag}`)).toEqual([]);
  });
});

function fail(what: string): never {
  throw new Error(`${what} missing`);
}
