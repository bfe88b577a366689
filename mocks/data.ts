/**
 * The seeded demo world: users alice, bob and carol with every standard folder,
 * user subfolders, each other's shared calendar, a Japanese/English demo mailbox,
 * a pending invitation from Bob to Alice, and a GAL.
 */
import { addMails, generateMail, personAddress, type MailGen, type MailKind } from './gen-mail.ts';
import { EN_PEOPLE } from './gen-text.ts';
import {
  atLocal,
  contacts,
  DIRECTORY_ONLY,
  eventFor,
  events,
  galEntries,
  galEntryForUser,
  notes,
  tasks,
  withColleagues,
} from './gen-pim.ts';
import {
  addItem,
  addUser,
  createWorld,
  FolderType,
  makeFolder,
  shareFolder,
  type Address,
  type Folder,
  type Mailbox,
  type OofMessage,
  type Pim,
  type Store,
  type User,
  type World,
} from './model.ts';
import { timezoneBlob } from './timezone.ts';

export interface DemoOptions {
  readonly seed: number;
  readonly now: () => number;
  /** Users and folders only, no items. */
  readonly empty: boolean;
  /** Mails per user, spread over Inbox, three subfolders and Sent Items. */
  readonly mails: number;
  readonly contacts: number;
  readonly events: number;
  readonly tasks: number;
  readonly notes: number;
  /** Generated directory entries (the users are added on top). */
  readonly gal: number;
}

export const DEMO_DEFAULTS: Omit<DemoOptions, 'seed' | 'now'> = {
  empty: false,
  mails: 220,
  contacts: 50,
  events: 40,
  tasks: 20,
  notes: 5,
  gal: 100,
};

function noOofMessage(): OofMessage {
  return { enabled: false, text: '', bodyType: 'Text' };
}

function user(login: string, displayName: string, firstName: string, lastName: string, title: string): User {
  return {
    login,
    password: `${login}pass`,
    email: `${login}@example.test`,
    displayName,
    firstName,
    lastName,
    title,
    company: 'Example Corp',
    phone: '+81 3 5555 0100',
    oof: { state: 0, internal: noOofMessage(), externalKnown: noOofMessage(), externalUnknown: noOofMessage() },
  };
}

export const DEMO_USERS = [
  { login: 'alice', displayName: 'Alice Sato', firstName: 'Alice', lastName: 'Sato', title: 'Engineer' },
  { login: 'bob', displayName: 'Bob Becker', firstName: 'Bob', lastName: 'Becker', title: 'Product Manager' },
  { login: 'carol', displayName: '中村 キャロル', firstName: 'キャロル', lastName: '中村', title: 'Designer' },
] as const;

/** The folders every mailbox has, by role. */
export interface StandardFolders {
  readonly inbox: Folder;
  readonly drafts: Folder;
  readonly deleted: Folder;
  readonly sent: Folder;
  readonly calendar: Folder;
  readonly contacts: Folder;
  readonly tasks: Folder;
  readonly notes: Folder;
  readonly projects: Folder;
  readonly newsletters: Folder;
  readonly receipts: Folder;
  readonly holidays: Folder;
  readonly family: Folder;
  readonly errands: Folder;
}

/** Every standard EAS folder type, plus user mail, calendar, contacts, tasks and notes subfolders. */
export function standardFolders(world: World, mb: Mailbox): StandardFolders {
  const inbox = makeFolder(world, mb, 'Inbox', FolderType.Inbox);
  const drafts = makeFolder(world, mb, 'Drafts', FolderType.Drafts);
  const deleted = makeFolder(world, mb, 'Deleted Items', FolderType.DeletedItems);
  const sent = makeFolder(world, mb, 'Sent Items', FolderType.SentItems);
  makeFolder(world, mb, 'Outbox', FolderType.Outbox);
  const tasks = makeFolder(world, mb, 'Tasks', FolderType.Tasks);
  const calendar = makeFolder(world, mb, 'Calendar', FolderType.Calendar);
  const contacts = makeFolder(world, mb, 'Contacts', FolderType.Contacts);
  const notes = makeFolder(world, mb, 'Notes', FolderType.Notes);
  makeFolder(world, mb, 'Journal', FolderType.Journal);
  const id = (f: Folder): string => f.store.id;
  const projects = makeFolder(world, mb, 'Projects プロジェクト', FolderType.UserMail, id(inbox));
  const newsletters = makeFolder(world, mb, 'Newsletters', FolderType.UserMail, id(inbox));
  const receipts = makeFolder(world, mb, '領収書 Receipts', FolderType.UserMail, id(inbox));
  const archive = makeFolder(world, mb, 'Archive', FolderType.UserMail);
  makeFolder(world, mb, '2025', FolderType.UserMail, id(archive));
  const holidays = makeFolder(world, mb, '祝日 Holidays', FolderType.UserCalendar, id(calendar));
  const family = makeFolder(world, mb, '家族 Family', FolderType.UserContacts, id(contacts));
  const errands = makeFolder(world, mb, 'Errands', FolderType.UserTasks, id(tasks));
  makeFolder(world, mb, 'Ideas', FolderType.UserNotes, id(notes));
  return { inbox, drafts, deleted, sent, calendar, contacts, tasks, notes, projects, newsletters, receipts, holidays, family, errands };
}

function addAll(world: World, store: Store, items: readonly Pim[]): void {
  for (const p of items) addItem(world, store, p, true);
}

/** Mail shares of the demo mailbox: Inbox 55%, three subfolders, Sent Items 4%. */
function mailPlan(f: StandardFolders, total: number): [Folder, MailKind, number, number][] {
  const part = (share: number): number => Math.round(total * share);
  const sent = part(0.04);
  const projects = part(0.18);
  const newsletters = part(0.14);
  const receipts = part(0.09);
  const inbox = Math.max(0, total - sent - projects - newsletters - receipts);
  return [
    [f.inbox, 'inbox', inbox, 180],
    [f.projects, 'project', projects, 120],
    [f.newsletters, 'newsletter', newsletters, 180],
    [f.receipts, 'receipt', receipts, 365],
    [f.sent, 'sent', sent, 60],
  ];
}

function holidays(now: number): Pim[] {
  const zone = 'Asia/Tokyo';
  return [
    ['文化の日', 12],
    ['勤労感謝の日', 33],
    ['天皇誕生日', 55],
  ].map(([name, days], i) => {
    const start = atLocal(zone, now, Number(days), 0);
    return eventFor({
      uid: `holiday-${i}@example.test`,
      subject: String(name),
      zone,
      start,
      end: start + 86_400_000,
      allDay: true,
      busy: 0,
      stamp: now,
    });
  });
}

/** `inviteSlot`: one calendar slot is left for the meeting of the demo invitation. */
function populate(
  world: World,
  mb: Mailbox,
  f: StandardFolders,
  o: DemoOptions,
  seed: number,
  colleagues: Address[],
  inviteSlot: boolean,
): void {
  const now = o.now();
  const gen: MailGen = { world, seed, owner: mb.user, colleagues };
  for (const [folder, kind, count, span] of mailPlan(f, o.mails)) addMails(gen, folder.store, kind, count, now, span);
  addItem(world, f.drafts.store, { ...generateMail(gen, 'sent', 9_999, now - 3_600_000), isDraft: true, read: true }, true);
  addMails(gen, f.deleted.store, 'inbox', 2, now - 90 * 86_400_000, 30);
  const mates = colleagues.flatMap((a) => [...world.users.values()].filter((u) => u.email === a.email));
  addAll(world, f.contacts.store, withColleagues(contacts(seed, o.contacts), mates));
  addAll(world, f.family.store, contacts(seed + 7, 6));
  addAll(world, f.calendar.store, events(seed, Math.max(0, o.events - (inviteSlot ? 1 : 0)), now, mb.user, colleagues));
  addAll(world, f.holidays.store, holidays(now));
  addAll(world, f.tasks.store, tasks(seed, o.tasks, now));
  addAll(world, f.errands.store, tasks(seed + 3, 3, now));
  addAll(world, f.notes.store, notes(seed, o.notes, now));
}

const addr = (u: User): Address => ({ name: u.displayName, email: u.email });

/**
 * A meeting Bob organizes with Alice invited: Bob's calendar has the organizer's
 * copy; Alice has the meeting request mail and a tentative, unanswered calendar item.
 */
function invitation(
  world: World,
  org: StandardFolders,
  orgUser: User,
  att: StandardFolders,
  attUser: User,
  now: number,
  seed: number,
): void {
  const zone = 'Europe/Berlin';
  const start = atLocal(zone, now, 7, 15);
  const end = start + 3_600_000;
  const uid = `invite-${seed}@example.test`;
  const subject = 'Project kickoff / キックオフ';
  const base = { uid, subject, zone, start, end, location: 'Room 4.12', organizer: addr(orgUser), stamp: now - 7_200_000 };
  const attendees = [
    { who: addr(attUser), status: 5 },
    { who: personAddress(EN_PEOPLE[0] ?? { first: 'Emma', last: 'Schmidt', ascii: 'emma.schmidt' }), status: 3 },
  ];
  addItem(world, org.calendar.store, eventFor({ ...base, attendees, meetingStatus: 1, responseType: 1 }), true);
  addItem(world, att.calendar.store, eventFor({ ...base, attendees, meetingStatus: 3, responseType: 5, busy: 1 }), true);
  addItem(
    world,
    att.inbox.store,
    {
      kind: 'mail',
      subject,
      from: addr(orgUser),
      to: [addr(attUser)],
      cc: [],
      bcc: [],
      replyTo: [],
      date: now - 7_200_000,
      read: false,
      importance: 1,
      categories: [],
      messageClass: 'IPM.Schedule.Meeting.Request',
      messageId: `invite-${seed}@bob.mock`,
      conversationId: new Uint8Array(16).fill(7),
      conversationIndex: new Uint8Array(22).fill(1),
      meeting: { uid, start, end, allDay: false, location: 'Room 4.12', organizer: addr(orgUser), timezone: timezoneBlob(zone) },
      content: {
        text: 'Kickoff of Project Sakura. / プロジェクト桜のキックオフです。',
        html: '<html><body><p>Kickoff of Project Sakura.</p><p>プロジェクト桜のキックオフです。</p></body></html>',
        attachments: [],
      },
    },
    true,
  );
}

export function buildDemoWorld(options: Partial<DemoOptions> & Pick<DemoOptions, 'seed' | 'now'>): World {
  const o: DemoOptions = { ...DEMO_DEFAULTS, ...options };
  const world = createWorld(o.now);
  const users = DEMO_USERS.map((u) => user(u.login, u.displayName, u.firstName, u.lastName, u.title));
  const boxes = users.map((u) => addUser(world, u));
  const folders = boxes.map((mb) => standardFolders(world, mb));
  const [alice, bob, carol] = [0, 1, 2].map((i) => ({ mb: boxes[i] as Mailbox, f: folders[i] as StandardFolders }));
  if (!alice || !bob || !carol) throw new Error('demo users missing');
  shareFolder(alice.mb, bob.f.calendar.store, "Bob's calendar", FolderType.UserCalendar);
  shareFolder(bob.mb, alice.f.calendar.store, "Alice's calendar", FolderType.UserCalendar);
  world.gal.push(...users.map(galEntryForUser), ...galEntries(o.seed, o.gal), ...DIRECTORY_ONLY);
  if (o.empty) return world;
  populate(world, alice.mb, alice.f, o, o.seed, [addr(bob.mb.user), addr(carol.mb.user)], true);
  populate(world, bob.mb, bob.f, o, o.seed + 1, [addr(alice.mb.user), addr(carol.mb.user)], true);
  populate(world, carol.mb, carol.f, o, o.seed + 2, [addr(alice.mb.user), addr(bob.mb.user)], false);
  invitation(world, bob.f, bob.mb.user, alice.f, alice.mb.user, o.now(), o.seed);
  return world;
}

/**
 * Adds `count` generated items of the store's class (benchmarks: 10k-50k mails).
 * Mail bodies are generated lazily, on first use.
 */
export function generateItems(world: World, mb: Mailbox, store: Store, count: number, seed: number): void {
  const now = world.clock();
  if (store.cls === 'Email') {
    addMails({ world, seed, owner: mb.user, colleagues: [] }, store, 'inbox', count, now, 365);
    return;
  }
  const make: Record<string, () => Pim[]> = {
    Contacts: () => contacts(seed, count),
    Calendar: () => events(seed, count, now, mb.user, []),
    Tasks: () => tasks(seed, count, now),
    Notes: () => notes(seed, count, now),
  };
  addAll(world, store, make[store.cls ?? '']?.() ?? []);
}
