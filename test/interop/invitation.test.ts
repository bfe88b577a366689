/**
 * An accepted invitation leaves exactly one event. Bob puts a meeting with alice as attendee
 * into his SOGo calendar over CalDAV (SOGo then copies it into alice's calendar) and mails her
 * the iMIP REQUEST over SMTP. Alice's engine answers the request mail with MeetingResponse
 * (MS-ASCMD 2.2.1.11) and never adds a copy of its own: her calendar holds one event with that
 * UID, over EAS (also after a full resync of the folder) and over CalDAV, marked accepted;
 * and bob's copy shows her answer.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { CalendarItem } from '../../src/eas/items/calendar.ts';
import type { Email } from '../../src/eas/items/email.ts';
import { close, connectClient, folderOfType, items, syncAll, type PeerClient } from './support/client.ts';
import { DavClient, calendarPath, component, properties, withUid } from './support/dav.ts';
import { invitationMail, meetingIcs } from './support/mail.ts';
import { ALICE, BOB, VERSIONS, eventually, unique } from './support/peer.ts';
import { sendSmtp } from './support/smtp.ts';

const INBOX = 2;
const CALENDAR = 8;
const HOUR = 3_600_000;

/** PARTSTAT of `who` in the VEVENT of an iCalendar text (RFC 5545 3.2.12). */
function partstat(ics: string, who: string): string | undefined {
  return properties(component(ics, 'VEVENT'), 'ATTENDEE').find((a) => a.value.toLowerCase() === `mailto:${who}`)?.params['PARTSTAT'];
}

describe.each(VERSIONS)('an accepted invitation, EAS %s', (version) => {
  let alice: PeerClient | undefined;
  afterAll(() => alice && close(alice));

  it("leaves exactly one event, accepted, in alice's calendar (EAS and DAV) and tells bob's copy", async () => {
    const uid = unique(`interop-invite-${version}`).replace(/\W+/g, '-');
    const summary = `Invitation ${uid}`;
    const start = new Date(Math.ceil((Date.now() + 3 * 24 * HOUR) / HOUR) * HOUR);
    const meeting = { uid, summary, start, end: new Date(start.getTime() + HOUR), organizer: BOB, attendees: [ALICE] };
    const bobDav = new DavClient(BOB);
    const aliceDav = new DavClient(ALICE);
    await bobDav.putCalendar(BOB, uid, meetingIcs(meeting));
    await sendSmtp({
      from: BOB.email,
      to: [ALICE.email],
      message: invitationMail(BOB, [ALICE], summary, meetingIcs({ ...meeting, method: 'REQUEST' })),
    });

    alice = await connectClient(ALICE, version);
    const c = alice;
    await syncAll(c);
    const inbox = (await folderOfType(c, INBOX)).serverId;
    const calendar = (await folderOfType(c, CALENDAR)).serverId;
    const request = await eventually("the invitation in alice's Inbox", async () => {
      await syncAll(c);
      return (await items(c, inbox)).find((i) => (i.data as Email).subject === summary);
    });
    expect((request.data as Email).meetingRequest, 'the mail is a meeting request').toBeDefined();
    const eventsWithUid = async (): Promise<CalendarItem[]> =>
      (await items(c, calendar)).map((i) => i.data as CalendarItem).filter((e) => e.uid === uid);
    expect(await eventsWithUid(), "SOGo copied bob's meeting into alice's calendar").toHaveLength(1);

    await c.engine.respondToMeeting(c.accountId, request.id, 'accept');
    await syncAll(c);
    expect(await c.store.db.getAllFromIndex('pending', 'byAccount', c.accountId), 'the answer was taken').toEqual([]);
    const after = await eventsWithUid();
    expect(after).toHaveLength(1);
    expect(after[0]?.subject).toBe(summary);
    // Alice's own row of the attendee list says what she answered (MS-ASCAL 2.2.2.4 AttendeeStatus 3),
    // on the device at once and in what SOGo's next Sync brings: the event shows one answer everywhere.
    const aliceRow = (e: CalendarItem | undefined) =>
      e?.attendees?.find((a) => a.email.toLowerCase() === ALICE.email.toLowerCase())?.status;
    expect(aliceRow(after[0])).toBe(3);

    // What the server holds, not the local record: download the calendar again.
    const resync = await c.engine.fullResync(c.accountId, calendar);
    expect(resync.ok).toBe(true);
    const fresh = await eventsWithUid();
    expect(fresh).toHaveLength(1);
    if (version !== '12.1') expect(fresh[0]?.responseType).toBe(3); // MS-ASCAL 2.2.2.40: 3 accepted (14.0+)
    expect(aliceRow(fresh[0]), 'the server holds her answer in her attendee row').toBe(3);

    const mine = withUid(await aliceDav.objects(calendarPath(ALICE)), uid);
    expect(mine.map((o) => o.href)).toHaveLength(1);
    expect(partstat(mine[0]?.body ?? '', ALICE.email)).toBe('ACCEPTED');
    const organizers = withUid(await bobDav.objects(calendarPath(BOB)), uid);
    expect(organizers).toHaveLength(1);
    expect(partstat(organizers[0]?.body ?? '', ALICE.email)).toBe('ACCEPTED');
  });
});
