/**
 * Meeting logic shared by SendMail (iTIP in the MIME) and MeetingResponse:
 * there is exactly one calendar item per UID in a mailbox, updated in place.
 */
import { el, kid, kids, textOf, type El } from '../src/wbxml/tree.ts';
import { eventFor } from './gen-pim.ts';
import type { IcsEvent } from './ics.ts';
import {
  addItem,
  classOfType,
  FolderType,
  requireFolderOfType,
  touchItem,
  type Folder,
  type Item,
  type Mail,
  type Mailbox,
  type Pim,
  type World,
} from './model.ts';
import { DEMO_ZONES, timezoneBlob } from './timezone.ts';
import { compactDate } from './wire.ts';

/** AttendeeStatus (MS-ASCAL 2.2.2.4) for an iCalendar PARTSTAT. */
const ATTENDEE_STATUS: Record<string, number> = { ACCEPTED: 3, TENTATIVE: 2, DECLINED: 4, 'NEEDS-ACTION': 5 };

export function propText(pim: Pim, name: string): string | undefined {
  const p = pim.props.find((x) => x.ns === 'Calendar' && x.name === name);
  return p ? textOf(p) : undefined;
}

/** Replaces (or appends) one Calendar property. */
export function setProp(pim: Pim, name: string, value: string | number): void {
  const next = el('Calendar', name, value);
  const i = pim.props.findIndex((x) => x.ns === 'Calendar' && x.name === name);
  if (i >= 0) pim.props[i] = next;
  else pim.props.push(next);
}

/** The calendar item with that UID in the user's own calendar folders. */
export function findEvent(mailbox: Mailbox, uid: string): { folder: Folder; item: Item } | undefined {
  for (const folder of mailbox.folders.values()) {
    if (folder.shared || classOfType(folder.type) !== 'Calendar') continue;
    for (const item of folder.store.items.values()) {
      if (item.data.kind === 'pim' && propText(item.data, 'UID') === uid) return { folder, item };
    }
  }
  return undefined;
}

function zoneOf(ev: IcsEvent): string {
  return ev.tzid && (DEMO_ZONES as readonly string[]).includes(ev.tzid) ? ev.tzid : 'UTC';
}

/** The attendee's copy: a meeting received (MeetingStatus 3), not yet answered (ResponseType 5), tentative. */
function attendeeCopy(ev: IcsEvent, now: number): Pim {
  const start = ev.start ?? now;
  return eventFor({
    uid: ev.uid,
    subject: ev.summary,
    zone: zoneOf(ev),
    start,
    end: ev.end ?? start + 3_600_000,
    allDay: ev.allDay,
    location: ev.location || undefined,
    organizer: ev.organizer,
    meetingStatus: 3,
    responseType: 5,
    busy: 1,
    stamp: now,
    attendees: ev.attendees.map((a) => ({ who: { name: a.name, email: a.email }, status: ATTENDEE_STATUS[a.partstat] ?? 0 })),
  });
}

/** A REQUEST arriving in `mailbox`: the meeting-request mail plus the one calendar item for its UID. */
export function deliverInvitation(world: World, mailbox: Mailbox, ev: IcsEvent, mail: Mail): void {
  const now = world.clock();
  const start = ev.start ?? now;
  mail.messageClass = 'IPM.Schedule.Meeting.Request';
  mail.meeting = {
    uid: ev.uid,
    start,
    end: ev.end ?? start + 3_600_000,
    allDay: ev.allDay,
    location: ev.location,
    organizer: ev.organizer ?? mail.from,
    timezone: timezoneBlob(zoneOf(ev)),
  };
  addItem(world, requireFolderOfType(mailbox, FolderType.Inbox).store, mail);
  const copy = attendeeCopy(ev, now);
  const existing = findEvent(mailbox, ev.uid);
  if (!existing) {
    addItem(world, requireFolderOfType(mailbox, FolderType.Calendar).store, copy);
    return;
  }
  // An update of a known meeting changes the item in place (never a second copy).
  if (existing.item.data.kind === 'pim') existing.item.data.props = copy.props;
  touchItem(world, existing.folder.store, existing.item);
}

function setAttendeeStatus(attendees: El, email: string, status: number): El {
  return el(
    'Calendar',
    'Attendees',
    kids(attendees).map((a) => {
      if (textOf(kid(a, 'Email')).toLowerCase() !== email.toLowerCase()) return a;
      const rest = kids(a).filter((c) => c.name !== 'AttendeeStatus');
      return el('Calendar', 'Attendee', [...rest, el('Calendar', 'AttendeeStatus', status)]);
    }),
  );
}

/** A REPLY arriving at the organizer: the attendee's status in the organizer's item (MS-ASCAL 2.2.2.4). */
export function applyReply(world: World, organizer: Mailbox, ev: IcsEvent): boolean {
  const found = findEvent(organizer, ev.uid);
  if (found?.item.data.kind !== 'pim') return false;
  const pim = found.item.data;
  const i = pim.props.findIndex((p) => p.ns === 'Calendar' && p.name === 'Attendees');
  const list = pim.props[i];
  if (!list) return false;
  let next = list;
  for (const a of ev.attendees) next = setAttendeeStatus(next, a.email, ATTENDEE_STATUS[a.partstat] ?? 0);
  pim.props[i] = next;
  touchItem(world, found.folder.store, found.item);
  return true;
}

/** A CANCEL arriving at an attendee: MeetingStatus 7 "canceled, received" (MS-ASCAL 2.2.2.29). */
export function applyCancel(world: World, mailbox: Mailbox, ev: IcsEvent): void {
  const found = findEvent(mailbox, ev.uid);
  if (found?.item.data.kind !== 'pim') return;
  setProp(found.item.data, 'MeetingStatus', 7);
  touchItem(world, found.folder.store, found.item);
}

/**
 * ResponseType and BusyStatus after a MeetingResponse (1 accept, 2 tentative), and the
 * answering user's own AttendeeStatus in the attendee list (MS-ASCAL 2.2.2.4), as SOGo
 * keeps it: the attendee's copy is the same iCalendar object with its PARTSTAT updated.
 */
export function recordResponse(pim: Pim, userResponse: number, now: number, email?: string): void {
  setProp(pim, 'ResponseType', userResponse === 1 ? 3 : 2);
  setProp(pim, 'BusyStatus', userResponse === 1 ? 2 : 1);
  setProp(pim, 'AppointmentReplyTime', compactDate(now));
  const i = pim.props.findIndex((p) => p.ns === 'Calendar' && p.name === 'Attendees');
  const list = pim.props[i];
  if (email && list) pim.props[i] = setAttendeeStatus(list, email, userResponse === 1 ? 3 : 2);
}
