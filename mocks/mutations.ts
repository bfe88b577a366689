/**
 * Server-side changes made "by someone else": what the change stream and the
 * control API use to show a client Ping waking up and Sync picking changes up.
 */
import { el } from '../src/wbxml/tree.ts';
import { generateMail } from './gen-mail.ts';
import { eventFor } from './gen-pim.ts';
import { deliverInvitation, propText, setProp } from './meetings.ts';
import {
  addItem, FolderType, removeItem, requireFolderOfType, touchItem, type Address, type Item, type Mailbox, type World,
} from './model.ts';

function box(world: World, login: string): Mailbox {
  const mb = world.mailboxes.get(login);
  if (!mb) throw new Error(`no user ${login}`);
  return mb;
}

/** A new mail in the user's Inbox, received now. */
export function newMail(world: World, login: string, n: number): Item {
  const mb = box(world, login);
  const mail = generateMail({ world, seed: 4242, owner: mb.user, colleagues: [] }, 'inbox', 100_000 + n, world.clock());
  mail.read = false;
  return addItem(world, requireFolderOfType(mb, FolderType.Inbox).store, mail);
}

/** Edits the subject and location of the user's first non-recurring calendar item. */
export function editEvent(world: World, login: string, n: number): Item | undefined {
  const store = requireFolderOfType(box(world, login), FolderType.Calendar).store;
  for (const item of store.items.values()) {
    if (item.data.kind !== 'pim' || item.data.props.some((p) => p.name === 'Recurrence')) continue;
    const subject = (propText(item.data, 'Subject') ?? '').replace(/ \(edit \d+\)$/, '');
    setProp(item.data, 'Subject', `${subject} (edit ${n})`);
    setProp(item.data, 'Location', `Room ${100 + n}`);
    touchItem(world, store, item);
    return item;
  }
  return undefined;
}

/** Deletes the user's most recently added contact; returns its ServerId. */
export function deleteContact(world: World, login: string): string | undefined {
  const store = requireFolderOfType(box(world, login), FolderType.Contacts).store;
  const last = [...store.items.keys()].pop();
  if (last !== undefined) removeItem(world, store, last);
  return last;
}

/** Adds a contact (so a stream of deletes does not run dry). */
export function addContact(world: World, login: string, n: number): Item {
  const store = requireFolderOfType(box(world, login), FolderType.Contacts).store;
  return addItem(world, store, {
    kind: 'pim',
    props: [el('Contacts', 'FileAs', `Stream ${n}`), el('Contacts', 'FirstName', 'Stream'), el('Contacts', 'LastName', String(n)),
      el('Contacts', 'Email1Address', `stream${n}@partner.example.com`)],
  });
}

/**
 * A meeting `organizer` sets up with `attendee` invited, as its iTIP REQUEST would
 * arrive: the organizer's calendar item (MeetingStatus 1), the attendee's request mail
 * and unanswered calendar item (meetings.ts deliverInvitation). `n` makes its UID.
 */
export function invite(world: World, organizer: string, attendee: string, subject: string, n: number): { uid: string } {
  const org = box(world, organizer);
  const att = box(world, attendee);
  const now = world.clock();
  const start = now + (1 + (n % 60)) * 86_400_000;
  const end = start + 3_600_000;
  const uid = `meeting-${n}@${organizer}.mock`;
  const from: Address = { name: org.user.displayName, email: org.user.email };
  const to: Address = { name: att.user.displayName, email: att.user.email };
  const base = { uid, subject, zone: 'UTC', start, end, location: 'Room 2', organizer: from, stamp: now };
  addItem(world, requireFolderOfType(org, FolderType.Calendar).store, eventFor({ ...base, meetingStatus: 1, responseType: 1, attendees: [{ who: to, status: 5 }] }));
  const ev = { method: 'REQUEST', uid, summary: subject, location: 'Room 2', start, end, allDay: false, organizer: from, attendees: [{ ...to, partstat: 'NEEDS-ACTION' }] };
  // deliverInvitation makes the mail a request (its class and meeting fields).
  deliverInvitation(world, att, ev, {
    kind: 'mail', subject, from, to: [to], cc: [], bcc: [], replyTo: [], date: now, read: false, importance: 1, categories: [],
    messageClass: 'IPM.Note', messageId: `${uid.replace('@', '.')}@${organizer}.mock`,
    conversationId: new Uint8Array(16).fill(n % 256), conversationIndex: new Uint8Array(22).fill(1),
    content: { text: `Invitation: ${subject}`, attachments: [] },
  });
  return { uid };
}
