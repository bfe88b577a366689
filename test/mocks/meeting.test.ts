/** Meetings: one calendar item per UID whatever the client does; answers reach the organizer. */
import { describe, expect, it } from 'vitest';
import { kid, kids, ns, textAt, type El } from '../../src/wbxml/tree.ts';
import { findEvent, propText } from '../../mocks/meetings.ts';
import { eventFor } from '../../mocks/gen-pim.ts';
import { addItem, type Mail, type Mailbox } from '../../mocks/model.ts';
import { A, TestClient, folderId, fullSync, testServer } from './helpers.ts';

const MR = ns('MeetingResponse');
const CM = ns('ComposeMail');

function box(s: ReturnType<typeof testServer>, user: string): Mailbox {
  return s.mock.world.mailboxes.get(user) as Mailbox;
}

function eventsWithUid(mb: Mailbox, uid: string): number {
  let n = 0;
  for (const f of mb.folders.values()) {
    if (f.shared || (f.type !== 8 && f.type !== 13)) continue;
    for (const i of f.store.items.values()) if (i.data.kind === 'pim' && propText(i.data, 'UID') === uid) n++;
  }
  return n;
}

async function invitation(
  version: string,
): Promise<{ s: ReturnType<typeof testServer>; c: TestClient; inbox: string; calendar: string; requestId: string; uid: string }> {
  const s = testServer();
  const c = new TestClient(s, { version });
  const fs = await c.folderSync();
  const inbox = folderId(fs.adds, 'Inbox');
  const item = [...(box(s, 'alice').folders.get(inbox)?.store.items.values() ?? [])].find((i) => i.data.kind === 'mail' && i.data.meeting);
  const mail = item?.data as Mail;
  return { s, c, inbox, calendar: folderId(fs.adds, 'Calendar'), requestId: item?.id ?? '', uid: mail.meeting?.uid ?? '' };
}

const respond = (c: TestClient, how: number, collection: string, request: string, ...extra: El[]) =>
  c.post(
    'MeetingResponse',
    MR('MeetingResponse', MR('Request', MR('UserResponse', how), MR('CollectionId', collection), MR('RequestId', request), ...extra)),
  );

describe('MeetingResponse', () => {
  it('accepting updates the one tentative item in place; accepting again still leaves exactly one', async () => {
    const { s, c, inbox, calendar, requestId, uid } = await invitation('14.1');
    const cal = await fullSync(c, calendar, 512);
    const before = findEvent(box(s, 'alice'), uid);
    const r = await respond(c, 1, inbox, requestId);
    const result = kid(r.tree as El, 'Result') as El;
    expect(textAt(result, 'Status')).toBe('1');
    expect(textAt(result, 'CalendarId')).toBe(before?.item.id);
    expect(eventsWithUid(box(s, 'alice'), uid)).toBe(1);
    const after = findEvent(box(s, 'alice'), uid);
    expect(after?.item.data.kind === 'pim' && propText(after.item.data, 'ResponseType')).toBe('3');
    expect(box(s, 'alice').folders.get(inbox)?.store.items.has(requestId)).toBe(false); // the request left the Inbox
    // Accept once more, this time from the calendar item.
    const again = await respond(c, 1, calendar, after?.item.id ?? '');
    expect(textAt(kid(again.tree as El, 'Result') as El, 'Status')).toBe('1');
    expect(eventsWithUid(box(s, 'alice'), uid)).toBe(1);
    // The client sees a Change of the item it has, not a second Add.
    const sync = await c.sync(A('Collection', A('SyncKey', cal.key), A('CollectionId', calendar)));
    const commands = kid(sync.collection as El, 'Commands') as El;
    expect(kid(commands, 'Add')).toBeUndefined();
    expect(textAt(kid(commands, 'Change'), 'ServerId')).toBe(before?.item.id);
    expect(textAt(kid(commands, 'Change'), 'ApplicationData', 'ResponseType')).toBe('3');
    // Her own row of the attendee list says it too (MS-ASCAL 2.2.2.4; the answer is XSD-valid, helpers.ts).
    const attendees = kid(kid(kid(commands, 'Change') as El, 'ApplicationData') as El, 'Attendees') as El;
    const rows = kids(attendees).map((a) => [textAt(a, 'Email'), textAt(a, 'AttendeeStatus')]);
    expect(rows).toContainEqual(['alice@example.test', '3']);
  });

  it('declining removes the item and returns no CalendarId', async () => {
    const { s, c, inbox, requestId, uid } = await invitation('14.1');
    const r = await respond(c, 3, inbox, requestId);
    const result = kid(r.tree as El, 'Result') as El;
    expect(textAt(result, 'Status')).toBe('1');
    expect(kid(result, 'CalendarId')).toBeUndefined();
    expect(eventsWithUid(box(s, 'alice'), uid)).toBe(0);
  });

  it('with 16.1 SendResponse the organizer gets the answer and sees the attendee accepted', async () => {
    const { s, c, inbox, requestId, uid } = await invitation('16.1');
    await respond(c, 1, inbox, requestId, MR('SendResponse'));
    const bobInbox = [...box(s, 'bob').folders.values()].find((f) => f.type === 2);
    const answer = [...(bobInbox?.store.items.values() ?? [])]
      .map((i) => i.data)
      .find((d) => d.kind === 'mail' && d.subject.startsWith('Accepted:'));
    expect(answer?.kind === 'mail' && answer.messageClass).toBe('IPM.Schedule.Meeting.Resp.Pos');
    const organizerCopy = findEvent(box(s, 'bob'), uid);
    const attendees =
      organizerCopy?.item.data.kind === 'pim' ? organizerCopy.item.data.props.find((p) => p.name === 'Attendees') : undefined;
    const alice = attendees?.children.find(
      (a) => typeof a === 'object' && !(a instanceof Uint8Array) && textAt(a, 'Email') === 'alice@example.test',
    ) as El;
    expect(textAt(alice, 'AttendeeStatus')).toBe('3');
    expect(eventsWithUid(box(s, 'bob'), uid)).toBe(1);
  });

  it('refuses an item that is not a received meeting (Status 2)', async () => {
    const { c, s, calendar } = await invitation('14.1');
    const own = [...(box(s, 'alice').folders.get(calendar)?.store.items.values() ?? [])][0];
    const r = await respond(c, 1, calendar, own?.id ?? '');
    expect(textAt(kid(r.tree as El, 'Result') as El, 'Status')).toBe('2');
  });
});

describe('iTIP through SendMail', () => {
  const ics = (uid: string, summary: string, method = 'REQUEST') =>
    [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      `METHOD:${method}`,
      'BEGIN:VEVENT',
      `UID:${uid}`,
      'DTSTART;TZID=Europe/Berlin:20260601T100000',
      'DTEND;TZID=Europe/Berlin:20260601T110000',
      `SUMMARY:${summary}`,
      'ORGANIZER;CN=Alice Sato:mailto:alice@example.test',
      'ATTENDEE;CN=Bob Becker;PARTSTAT=NEEDS-ACTION:mailto:bob@example.test',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
  const invite = (uid: string, summary: string) =>
    [
      'From: Alice Sato <alice@example.test>',
      'To: bob@example.test',
      `Subject: ${summary}`,
      'MIME-Version: 1.0',
      'Content-Type: text/calendar; charset=utf-8; method=REQUEST',
      '',
      ics(uid, summary),
    ].join('\r\n');

  it('an invitation gives the attendee a meeting request and one calendar item; an update changes it in place', async () => {
    const s = testServer();
    const c = new TestClient(s);
    const send = (id: string, summary: string) =>
      c.post('SendMail', CM('SendMail', CM('ClientId', id), CM('Mime', new TextEncoder().encode(invite('uid-42@example.test', summary)))));
    await send('i-1', 'Design review');
    const bobInbox = [...box(s, 'bob').folders.values()].find((f) => f.type === 2);
    const request = [...(bobInbox?.store.items.values() ?? [])]
      .map((i) => i.data)
      .find((d) => d.kind === 'mail' && d.meeting?.uid === 'uid-42@example.test');
    expect(request?.kind === 'mail' && request.messageClass).toBe('IPM.Schedule.Meeting.Request');
    expect(request?.kind === 'mail' && request.meeting?.start).toBe(Date.UTC(2026, 5, 1, 8, 0));
    await send('i-2', 'Design review (moved)');
    expect(eventsWithUid(box(s, 'bob'), 'uid-42@example.test')).toBe(1);
    const ev = findEvent(box(s, 'bob'), 'uid-42@example.test');
    expect(ev?.item.data.kind === 'pim' && propText(ev.item.data, 'Subject')).toBe('Design review (moved)');
  });
});

describe('MeetingResponse for one occurrence (InstanceId)', () => {
  it('records the answer as an exception of the series and echoes the InstanceId', async () => {
    const s = testServer();
    const c = new TestClient(s, { version: '14.1' });
    const fs = await c.folderSync();
    const calendar = folderId(fs.adds, 'Calendar');
    const store = box(s, 'alice').folders.get(calendar)?.store;
    if (!store) throw new Error('no calendar');
    const C = ns('Calendar');
    const series = addItem(
      s.mock.world,
      store,
      eventFor({
        uid: 'series-1@example.test',
        subject: 'Team sync',
        zone: 'Europe/Berlin',
        start: Date.UTC(2026, 4, 18, 8),
        end: Date.UTC(2026, 4, 18, 9),
        organizer: { name: 'Bob Becker', email: 'bob@example.test' },
        meetingStatus: 3,
        responseType: 5,
        stamp: Date.UTC(2026, 4, 1),
        recurrence: C('Recurrence', C('Type', 1), C('Interval', 1), C('DayOfWeek', 2)),
      }),
    );
    const r = await respond(c, 1, calendar, series.id, MR('InstanceId', '2026-05-25T08:00:00.000Z'));
    const result = kid(r.tree as El, 'Result') as El;
    expect([textAt(result, 'Status'), textAt(result, 'CalendarId'), textAt(result, 'InstanceId')]).toEqual([
      '1',
      series.id,
      '2026-05-25T08:00:00.000Z',
    ]);
    const exceptions = series.data.kind === 'pim' ? series.data.props.find((p) => p.name === 'Exceptions') : undefined;
    const ex = exceptions?.children[0] as El;
    expect([textAt(ex, 'ExceptionStartTime'), textAt(ex, 'ResponseType')]).toEqual(['20260525T080000Z', '3']);
    expect(series.data.kind === 'pim' && propText(series.data, 'ResponseType')).toBe('5'); // the series itself is unanswered
    expect(eventsWithUid(box(s, 'alice'), 'series-1@example.test')).toBe(1);
  });
});
