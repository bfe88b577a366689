/**
 * MeetingResponse (MS-ASCMD 2.2.1.11): accept, tentatively accept or decline a
 * meeting request (the mail in the Inbox or the calendar item). The one calendar
 * item of the meeting is updated in place, never copied; a decline removes it.
 * From 16.0, SendResponse makes the server answer the organizer.
 */
import { atLeast } from '../../src/eas/version.ts';
import { intAt, kid, kids, ns, textAt, type El } from '../../src/wbxml/tree.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { icsReply, parseIcs, PARTSTAT } from '../ics.ts';
import { applyReply, findEvent, propText, recordResponse } from '../meetings.ts';
import {
  addItem,
  findItem,
  folderOfType,
  FolderType,
  moveItem,
  removeItem,
  requireFolderOfType,
  touchItem,
  uniqueName,
  userByEmail,
  type Address,
  type Folder,
  type Item,
  type Mail,
  type Mailbox,
  type MeetingInfo,
} from '../model.ts';
import { eventFor } from '../gen-pim.ts';
import { respondInstance } from '../instances.ts';
import { compactDate, parseDate } from '../wire.ts';

const MR = ns('MeetingResponse');

interface Target {
  readonly folder: Folder;
  readonly item: Item;
}

function findTarget(ctx: CommandContext, req: El): Target | undefined {
  const longId = textAt(req, 'LongId');
  if (longId !== undefined) {
    const found = findItem(ctx.mock.world, longId);
    const folder = found && [...ctx.mailbox.folders.values()].find((f) => f.store === found.store);
    return found && folder ? { folder, item: found.item } : undefined;
  }
  const folder = ctx.mailbox.folders.get(textAt(req, 'CollectionId') ?? '');
  const item = folder?.store.items.get(textAt(req, 'RequestId') ?? '');
  return folder && item ? { folder, item } : undefined;
}

/** The meeting a target refers to: UID, organizer, subject, times; undefined when it is not a received meeting. */
function meetingOf(t: Target): { uid: string; organizer: Address; subject: string; start: number; end: number } | undefined {
  const d = t.item.data;
  if (d.kind === 'mail') {
    if (!d.meeting) return undefined;
    return { uid: d.meeting.uid, organizer: d.meeting.organizer, subject: d.subject, start: d.meeting.start, end: d.meeting.end };
  }
  // MS-ASCMD 2.2.3.177.9 Status 2: an appointment, or a meeting the user organizes, cannot be answered.
  if (t.item.cls !== 'Calendar' || !['3', '11', '13', '15'].includes(propText(d, 'MeetingStatus') ?? '0')) return undefined;
  return {
    uid: propText(d, 'UID') ?? '',
    organizer: { name: propText(d, 'OrganizerName') ?? '', email: propText(d, 'OrganizerEmail') ?? '' },
    subject: propText(d, 'Subject') ?? '',
    start: parseDate(propText(d, 'StartTime')) ?? 0,
    end: parseDate(propText(d, 'EndTime')) ?? 0,
  };
}

/** The calendar item of a meeting request that arrived without one (the mail is all there is). */
function createFromRequest(ctx: CommandContext, m: MeetingInfo, subject: string): Item {
  const calendar = requireFolderOfType(ctx.mailbox, FolderType.Calendar);
  const pim = eventFor({
    uid: m.uid,
    subject,
    zone: 'UTC',
    timezone: m.timezone,
    start: m.start,
    end: m.end,
    allDay: m.allDay,
    location: m.location,
    organizer: m.organizer,
    meetingStatus: 3,
    responseType: 5,
    busy: 1,
    stamp: ctx.mock.world.clock(),
  });
  return addItem(ctx.mock.world, calendar.store, pim);
}

const VERB = { 1: ['Accepted', 'Pos'], 2: ['Tentative', 'Tent'], 3: ['Declined', 'Neg'] } as const;

/** 16.x SendResponse: an iTIP REPLY to the organizer, delivered if local, kept in Sent Items. */
function answerOrganizer(ctx: CommandContext, meeting: NonNullable<ReturnType<typeof meetingOf>>, response: 1 | 2 | 3, req: El): void {
  const world = ctx.mock.world;
  const me: Address = { name: ctx.user.displayName, email: ctx.user.email };
  const [verb, cls] = VERB[response];
  const ics = icsReply(
    meeting.uid,
    meeting.subject,
    meeting.start,
    meeting.end,
    meeting.organizer,
    me,
    PARTSTAT[response] ?? 'TENTATIVE',
    world.clock(),
  );
  const text = textAt(kid(req, 'SendResponse'), 'Body', 'Data') ?? '';
  const mail: Mail = {
    kind: 'mail',
    subject: `${verb}: ${meeting.subject}`,
    from: me,
    to: [meeting.organizer],
    cc: [],
    bcc: [],
    replyTo: [],
    date: world.clock(),
    read: false,
    importance: 1,
    categories: [],
    messageClass: `IPM.Schedule.Meeting.Resp.${cls}`,
    messageId: `${uniqueName(world, 'resp')}@mock.example.test`,
    conversationId: new Uint8Array(16),
    conversationIndex: new Uint8Array(22).fill(1),
    content: {
      text,
      attachments: [
        { name: 'invite.ics', contentType: 'text/calendar; method=REPLY', bytes: new TextEncoder().encode(ics), inline: false },
      ],
    },
  };
  const organizer = userByEmail(world, meeting.organizer.email);
  const box = organizer && world.mailboxes.get(organizer.login);
  if (box) {
    const parsed = parseIcs(ics);
    if (parsed) applyReply(world, box, parsed);
    addItem(world, requireFolderOfType(box, FolderType.Inbox).store, mail);
  }
  addItem(world, requireFolderOfType(ctx.mailbox, FolderType.SentItems).store, { ...mail, read: true });
}

/** After answering, Exchange removes the request mail from the Inbox (to Deleted Items). */
function retireRequest(ctx: CommandContext, mailbox: Mailbox, t: Target): void {
  if (t.item.data.kind !== 'mail') return;
  const trash = folderOfType(mailbox, FolderType.DeletedItems);
  if (trash) moveItem(ctx.mock.world, t.folder.store, trash.store, t.item.id);
  else removeItem(ctx.mock.world, t.folder.store, t.item.id);
}

function respondOne(ctx: CommandContext, req: El): El {
  const requestId = textAt(req, 'RequestId');
  const result = (status: number, calendarId?: string): El =>
    MR(
      'Result',
      requestId !== undefined && MR('RequestId', requestId),
      MR('Status', status),
      calendarId !== undefined && MR('CalendarId', calendarId),
    );
  const response = intAt(req, 'UserResponse');
  if (response !== 1 && response !== 2 && response !== 3) return result(2);
  const target = findTarget(ctx, req);
  const meeting = target && meetingOf(target);
  if (!target || !meeting) return result(2);
  // InstanceId names an occurrence of a calendar item, never of a request mail (MS-ASCMD 2.2.3.177.9).
  if (textAt(req, 'InstanceId') !== undefined && target.item.data.kind === 'mail') return result(2);
  const world = ctx.mock.world;
  let event = findEvent(ctx.mailbox, meeting.uid);
  if (!event && target.item.data.kind === 'mail' && target.item.data.meeting) {
    const item = createFromRequest(ctx, target.item.data.meeting, target.item.data.subject);
    event = { folder: requireFolderOfType(ctx.mailbox, FolderType.Calendar), item };
  }
  if (event?.item.data.kind !== 'pim') return result(3);
  const instance = textAt(req, 'InstanceId');
  if (instance !== undefined) return respondToOccurrence(ctx, event, instance, response, requestId);
  world.meetingAnswers.push({ login: ctx.user.login, uid: meeting.uid, userResponse: response });
  let calendarId: string | undefined;
  if (response === 3)
    removeItem(world, event.folder.store, event.item.id); // a declined meeting leaves the calendar
  else {
    recordResponse(event.item.data, response, world.clock(), ctx.user.email);
    touchItem(world, event.folder.store, event.item);
    calendarId = event.item.id;
  }
  if (atLeast(ctx.version, '16.0') && kid(req, 'SendResponse')) answerOrganizer(ctx, meeting, response, req);
  retireRequest(ctx, ctx.mailbox, target);
  return result(1, calendarId);
}

/**
 * One occurrence of a recurring meeting (InstanceId, a dateTime, 14.1+): an exception of
 * the series records the answer; the Result echoes the InstanceId. Status 2 when the
 * item does not recur or the InstanceId is not a date (MS-ASCMD 2.2.3.177.9).
 */
function respondToOccurrence(ctx: CommandContext, event: Target, instance: string, response: 1 | 2 | 3, requestId: string | undefined): El {
  const at = parseDate(instance);
  const pim = event.item.data;
  const result = (status: number, calendarId?: string): El =>
    MR(
      'Result',
      requestId !== undefined && MR('RequestId', requestId),
      MR('Status', status),
      calendarId !== undefined && MR('CalendarId', calendarId),
      MR('InstanceId', instance),
    );
  if (at === undefined || pim.kind !== 'pim' || !pim.props.some((p) => p.name === 'Recurrence')) return result(2);
  respondInstance(pim, compactDate(at), response);
  touchItem(ctx.mock.world, event.folder.store, event.item);
  return result(1, response === 3 ? undefined : event.item.id);
}

export function meetingResponse(ctx: CommandContext): CommandResult {
  const body = ctx.body;
  const requests = body?.name === 'MeetingResponse' ? kids(body, 'Request') : [];
  if (requests.length === 0) return { tree: MR('MeetingResponse', MR('Result', MR('Status', 2))) };
  return {
    tree: MR(
      'MeetingResponse',
      requests.map((r) => respondOne(ctx, r)),
    ),
  };
}
