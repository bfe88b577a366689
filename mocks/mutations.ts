/**
 * Server-side changes made "by someone else": what the change stream and the
 * control API use to show a client Ping waking up and Sync picking changes up.
 */
import { el, isEl } from '../src/wbxml/tree.ts';
import { generateMail } from './gen-mail.ts';
import { eventFor } from './gen-pim.ts';
import { deliverInvitation, propText, setProp } from './meetings.ts';
import {
  addItem,
  FolderType,
  moveItem,
  removeItem,
  requireFolderOfType,
  touchItem,
  type Address,
  type Item,
  type Mail,
  type Mailbox,
  type MailProp,
  type Pim,
  type World,
} from './model.ts';
import { compactDate } from './wire.ts';

function box(world: World, login: string): Mailbox {
  const mb = world.mailboxes.get(login);
  if (!mb) throw new Error(`no user ${login}`);
  return mb;
}

/** A new mail in the user's Inbox, received now. */
export function newMail(world: World, login: string, n: number, from?: Address): Item {
  const mb = box(world, login);
  const mail = generateMail({ world, seed: 4242, owner: mb.user, colleagues: [] }, 'inbox', 100_000 + n, world.clock());
  mail.read = false;
  if (from) mail.from = from;
  return addItem(world, requireFolderOfType(mb, FolderType.Inbox).store, mail);
}

/** What another device of the user writes in a new draft (newDraft). */
export interface DraftFields {
  readonly to?: readonly Address[];
  readonly subject?: string;
  readonly text?: string;
  readonly attachments?: readonly { readonly name: string; readonly contentType: string; readonly bytes: Uint8Array }[];
}

/** A draft another client of the user saved in the Drafts folder (16.x clients can open and send it). */
export function newDraft(world: World, login: string, fields: DraftFields, n: number): Item {
  const mb = box(world, login);
  return addItem(world, requireFolderOfType(mb, FolderType.Drafts).store, {
    kind: 'mail',
    subject: fields.subject ?? '',
    from: { name: mb.user.displayName, email: mb.user.email },
    to: [...(fields.to ?? [])],
    cc: [],
    bcc: [],
    replyTo: [],
    date: world.clock(),
    read: true,
    importance: 1,
    categories: [],
    messageClass: 'IPM.Note',
    messageId: `other-draft-${n}@mock.example.test`,
    conversationId: new Uint8Array(16),
    conversationIndex: new Uint8Array(5),
    isDraft: true,
    content: { text: fields.text ?? '', attachments: (fields.attachments ?? []).map((a) => ({ ...a, inline: false })) },
  });
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
    props: [
      el('Contacts', 'FileAs', `Stream ${n}`),
      el('Contacts', 'FirstName', 'Stream'),
      el('Contacts', 'LastName', String(n)),
      el('Contacts', 'Email1Address', `stream${n}@partner.example.com`),
    ],
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
  addItem(
    world,
    requireFolderOfType(org, FolderType.Calendar).store,
    eventFor({ ...base, meetingStatus: 1, responseType: 1, attendees: [{ who: to, status: 5 }] }),
  );
  const ev = {
    method: 'REQUEST',
    uid,
    summary: subject,
    location: 'Room 2',
    start,
    end,
    allDay: false,
    organizer: from,
    attendees: [{ ...to, partstat: 'NEEDS-ACTION' }],
  };
  // deliverInvitation makes the mail a request (its class and meeting fields).
  deliverInvitation(world, att, ev, {
    kind: 'mail',
    subject,
    from,
    to: [to],
    cc: [],
    bcc: [],
    replyTo: [],
    date: now,
    read: false,
    importance: 1,
    categories: [],
    messageClass: 'IPM.Note',
    messageId: `${uid.replace('@', '.')}@${organizer}.mock`,
    conversationId: new Uint8Array(16).fill(n % 256),
    conversationIndex: new Uint8Array(22).fill(1),
    content: { text: `Invitation: ${subject}`, attachments: [] },
  });
  return { uid };
}

/**
 * What another client of the same user does to an item on the server between this
 * device's syncs (the durability fuzzes, the browser journeys, `POST
 * /mock-control/other-device`): read or unread, flag or clear it, reply or forward
 * (Email2:LastVerbExecuted), move, delete, edit an event, contact or task, answer a
 * meeting. A received mail changes only in its Read, Flag, Categories and last verb
 * (MS-ASEMAIL 2.2.2), each recorded as changed (touchItem) so the next Sync sends just it.
 */
export type OtherDeviceEdit =
  | { readonly kind: 'read'; readonly read: boolean }
  | { readonly kind: 'flag'; readonly flagged: boolean }
  | { readonly kind: 'categories'; readonly categories: readonly string[] }
  /** 1 reply to sender, 2 reply all, 3 forward (MS-ASEMAIL 2.2.2.45). */
  | { readonly kind: 'verb'; readonly verb: 1 | 2 | 3 }
  /** To the folder with this ServerId: the item gets a new ServerId there. */
  | { readonly kind: 'move'; readonly to: string }
  | { readonly kind: 'delete' }
  /** An event, contact or task: its subject (file-as for a contact) and one more field edited. */
  | { readonly kind: 'edit'; readonly text: string }
  /** A meeting: the user answers it (received) or an attendee does (organized); 3 accepted, 2 tentative, 4 declined. */
  | { readonly kind: 'answer'; readonly status: 2 | 3 | 4 };

/** Applies the edit; returns the item's ServerId afterwards (another for a move), undefined when gone or not found. */
export function otherDevice(world: World, login: string, serverId: string, edit: OtherDeviceEdit): string | undefined {
  const mb = box(world, login);
  const folder = [...mb.folders.values()].find((f) => f.store.items.has(serverId));
  const item = folder?.store.items.get(serverId);
  if (!folder || !item) return undefined;
  const store = folder.store;
  const data = item.data;
  switch (edit.kind) {
    case 'move': {
      const to = mb.folders.get(edit.to);
      return to && to !== folder ? moveItem(world, store, to.store, serverId)?.id : serverId;
    }
    case 'delete':
      removeItem(world, store, serverId);
      return undefined;
    case 'edit':
      if (data.kind !== 'pim') return serverId;
      editPim(data, item.cls, edit.text);
      touchItem(world, store, item);
      return serverId;
    case 'answer':
      if (data.kind !== 'pim') return serverId;
      answerMeeting(data, edit.status, world.clock());
      touchItem(world, store, item);
      return serverId;
    default:
      if (data.kind !== 'mail') return serverId;
      touchItem(world, store, item, [mailEdit(data, edit, world.clock())]);
      return serverId;
  }
}

function mailEdit(mail: Mail, edit: Extract<OtherDeviceEdit, { kind: 'read' | 'flag' | 'categories' | 'verb' }>, now: number): MailProp {
  switch (edit.kind) {
    case 'read':
      mail.read = edit.read;
      return 'read';
    case 'flag':
      // As a client sets it (MS-ASEMAIL 2.2.2.34); cleared: no flag, sent as an empty <Flag/>.
      mail.flag = edit.flagged ? el('Email', 'Flag', el('Email', 'Status', '2'), el('Email', 'FlagType', 'Flag for follow up')) : undefined;
      return 'flag';
    case 'categories':
      mail.categories = [...edit.categories];
      return 'categories';
    case 'verb':
      mail.lastVerb = { verb: edit.verb, time: now };
      return 'lastVerb';
  }
}

/** Replaces (or appends) one property of the item's own class. */
function setClassProp(pim: Pim, ns: string, name: string, value: string): void {
  const next = el(ns, name, value);
  const i = pim.props.findIndex((x) => x.ns === ns && x.name === name);
  if (i >= 0) pim.props[i] = next;
  else pim.props.push(next);
}

function editPim(pim: Pim, cls: string, text: string): void {
  if (cls === 'Calendar') {
    setProp(pim, 'Subject', text);
    setProp(pim, 'Location', `Room ${text.length}`);
  } else if (cls === 'Contacts') {
    setClassProp(pim, 'Contacts', 'FileAs', text);
    setClassProp(pim, 'Contacts', 'JobTitle', `Title ${text}`);
  } else if (cls === 'Tasks') {
    setClassProp(pim, 'Tasks', 'Subject', text);
    setClassProp(pim, 'Tasks', 'Importance', String(text.length % 3));
  }
}

/**
 * A received meeting (MeetingStatus 3): the user's answer from another client
 * (ResponseType, MS-ASCAL 2.2.2.40). Else the first attendee's answer (AttendeeStatus,
 * MS-ASCAL 2.2.2.4), as the organizer's copy records a reply.
 */
function answerMeeting(pim: Pim, status: 2 | 3 | 4, now: number): void {
  if (propText(pim, 'MeetingStatus') === '3') {
    setProp(pim, 'ResponseType', status);
    setProp(pim, 'BusyStatus', status === 3 ? 2 : status === 2 ? 1 : 0);
    setProp(pim, 'AppointmentReplyTime', compactDate(now));
    return;
  }
  const attendees = pim.props.find((p) => p.ns === 'Calendar' && p.name === 'Attendees');
  const first = attendees?.children.filter(isEl).find((c) => c.name === 'Attendee');
  if (!first) return;
  const i = first.children.findIndex((c) => isEl(c) && c.name === 'AttendeeStatus');
  const next = el('Calendar', 'AttendeeStatus', String(status));
  if (i >= 0) first.children[i] = next;
  else first.children.push(next);
}
