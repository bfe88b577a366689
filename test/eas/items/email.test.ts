import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EasContext } from '../../../src/eas/command.ts';
import {
  decodeEmail,
  decodeEmailUpdate,
  encodeDraft,
  encodeEmailChange,
  encodeFlag,
  mergeEmailUpdate,
} from '../../../src/eas/items/email.ts';
import { decodeEas, easFromXml, easToXml, encodeEas } from '../../../src/eas/wbxml.ts';
import { kid, path, type El } from '../../../src/wbxml/tree.ts';
import { LIBWBXML_DIR, noLibwbxml } from '../../support/shared.ts';

const v141: EasContext = { version: '14.1' };
const v16: EasContext = { version: '16.1' };
const v25: EasContext = { version: '2.5' };

/** ApplicationData of the first Add in a Sync response given as XML. */
function firstAdd(xml: string): El {
  const add = path(easFromXml(xml), 'Collections', 'Collection', 'Commands', 'Add');
  const data = add && kid(add, 'ApplicationData');
  if (!data) throw new Error('no ApplicationData');
  return data;
}

/** Encodes a tree to WBXML and decodes it again: proves every tag is in the code pages. */
function viaWbxml(applicationData: El): El {
  return decodeEas(encodeEas(applicationData));
}

const syncAdd = (body: string) => `<?xml version="1.0" encoding="utf-8"?>
<Sync xmlns="AirSync" xmlns:email="Email" xmlns:email2="Email2" xmlns:airsyncbase="AirSyncBase"
      xmlns:tasks="Tasks" xmlns:calendar="Calendar">
  <Collections><Collection><SyncKey>2</SyncKey><CollectionId>5</CollectionId><Status>1</Status>
    <Commands><Add><ServerId>5:1</ServerId><ApplicationData>${body}</ApplicationData></Add></Commands>
  </Collection></Collections>
</Sync>`;

describe.skipIf(noLibwbxml('the email tests on libwbxml document airsync-004'))('decodeEmail: libwbxml fixture airsync-004', () => {
  let email: ReturnType<typeof decodeEmail>;
  beforeAll(() => {
    email = decodeEmail(firstAdd(readFileSync(join(LIBWBXML_DIR, 'airsync-004-binary_byte_array.xml'), 'utf8')), v141);
  });

  it('reads headers and parses the address lists', () => {
    expect(email.to).toEqual([{ name: 'Moti', email: 'moti@example.com' }]);
    expect(email.from).toEqual({ name: 'Momo', email: 'momo@example.org' });
    expect(email.replyTo).toEqual([{ name: 'Momo', email: 'momo@example.org' }]);
    expect(email.subject).toBe('Hello world!');
    expect(email.dateReceived).toEqual(new Date(Date.UTC(2010, 11, 28, 22, 30, 9, 906)));
    expect(email.displayTo).toBe('Moti');
    expect(email.threadTopic).toBe('Hello world!');
    expect(email.importance).toBe(1);
    expect(email.read).toBe(true);
    expect(email.messageClass).toBe('IPM.Note');
    expect(email.internetCpid).toBe('28591');
    expect(email.contentClass).toBe('urn:content-classes:message');
  });

  it('reads the AirSyncBase body and native body type', () => {
    expect(email.body).toEqual({
      type: 2,
      estimatedDataSize: 8224,
      truncated: true,
      data: 'Bla bla bla',
      preview: 'Guten tag',
    });
    expect(email.nativeBodyType).toBe(2);
  });

  it('reads ConversationId and ConversationIndex as bytes', () => {
    expect(email.conversationId).toEqual(Uint8Array.from(atob('bdpgj2qneuaae+o81xg/bQ=='), (c) => c.charCodeAt(0)));
    expect(email.conversationIndex).toEqual(new Uint8Array([0x00, 0x25, 0x0c, 0xdd, 0x22]));
  });

  it('treats empty Flag and Categories as "not flagged" and "no categories"', () => {
    expect(email.flag).toEqual({});
    expect(email.categories).toEqual([]);
    expect(email.attachments).toEqual([]);
  });
});

describe('decodeEmail: flagged mail with attachments', () => {
  const data = firstAdd(
    syncAdd(`
      <email:To>"Doe, Jane" &lt;jane@example.com&gt;, bob@example.com</email:To>
      <email:Cc>Team: a@example.com, b@example.com;</email:Cc>
      <email:From>"Ops" &lt;ops@example.com&gt;</email:From>
      <email:Subject>Quarterly numbers</email:Subject>
      <email:Importance>2</email:Importance>
      <email:Read>0</email:Read>
      <email:Flag>
        <email:Status>2</email:Status>
        <email:FlagType>Flag for follow up</email:FlagType>
        <tasks:StartDate>2026-11-24T00:00:00.000Z</tasks:StartDate>
        <tasks:UtcStartDate>2026-11-23T23:00:00.000Z</tasks:UtcStartDate>
        <tasks:DueDate>2026-11-25T00:00:00.000Z</tasks:DueDate>
        <tasks:UtcDueDate>2026-11-24T23:00:00.000Z</tasks:UtcDueDate>
        <tasks:ReminderSet>1</tasks:ReminderSet>
        <tasks:ReminderTime>2026-11-25T08:00:00.000Z</tasks:ReminderTime>
        <tasks:OrdinalDate>2026-11-24T10:11:12.000Z</tasks:OrdinalDate>
        <tasks:SubOrdinalDate>5555555</tasks:SubOrdinalDate>
      </email:Flag>
      <email:Categories><email:Category>Red</email:Category><email:Category>Finance</email:Category></email:Categories>
      <airsyncbase:Attachments>
        <airsyncbase:Attachment>
          <airsyncbase:DisplayName>q3.xlsx</airsyncbase:DisplayName>
          <airsyncbase:FileReference>5%3a1%3a0</airsyncbase:FileReference>
          <airsyncbase:Method>1</airsyncbase:Method>
          <airsyncbase:EstimatedDataSize>48213</airsyncbase:EstimatedDataSize>
        </airsyncbase:Attachment>
        <airsyncbase:Attachment>
          <airsyncbase:DisplayName>logo.png</airsyncbase:DisplayName>
          <airsyncbase:FileReference>5%3a1%3a1</airsyncbase:FileReference>
          <airsyncbase:Method>1</airsyncbase:Method>
          <airsyncbase:EstimatedDataSize>1024</airsyncbase:EstimatedDataSize>
          <airsyncbase:ContentId>logo@01D</airsyncbase:ContentId>
          <airsyncbase:IsInline>1</airsyncbase:IsInline>
        </airsyncbase:Attachment>
      </airsyncbase:Attachments>
      <email2:LastVerbExecuted>2</email2:LastVerbExecuted>
      <email2:LastVerbExecutionTime>2026-11-24T09:30:00.000Z</email2:LastVerbExecutionTime>
      <email2:ReceivedAsBcc>1</email2:ReceivedAsBcc>
      <email2:Sender>"Assistant" &lt;pa@example.com&gt;</email2:Sender>`),
  );
  const email = decodeEmail(data, v141);

  it('parses every address list', () => {
    expect(email.to).toEqual([{ name: 'Doe, Jane', email: 'jane@example.com' }, { email: 'bob@example.com' }]);
    expect(email.cc).toEqual([
      { email: 'a@example.com', group: 'Team' },
      { email: 'b@example.com', group: 'Team' },
    ]);
    expect(email.sender).toEqual({ name: 'Assistant', email: 'pa@example.com' });
  });

  it('reads the flag with its Tasks-namespace dates', () => {
    expect(email.flag).toEqual({
      status: 2,
      flagType: 'Flag for follow up',
      startDate: new Date('2026-11-24T00:00:00.000Z'),
      utcStartDate: new Date('2026-11-23T23:00:00.000Z'),
      dueDate: new Date('2026-11-25T00:00:00.000Z'),
      utcDueDate: new Date('2026-11-24T23:00:00.000Z'),
      reminderSet: true,
      reminderTime: new Date('2026-11-25T08:00:00.000Z'),
      ordinalDate: new Date('2026-11-24T10:11:12.000Z'),
      subOrdinalDate: '5555555',
    });
  });

  it('reads importance, categories, attachments and Email2 fields', () => {
    expect(email.importance).toBe(2);
    expect(email.read).toBe(false);
    expect(email.categories).toEqual(['Red', 'Finance']);
    expect(email.attachments).toEqual([
      { displayName: 'q3.xlsx', fileReference: '5%3a1%3a0', method: 1, estimatedDataSize: 48213 },
      {
        displayName: 'logo.png',
        fileReference: '5%3a1%3a1',
        method: 1,
        estimatedDataSize: 1024,
        contentId: 'logo@01D',
        isInline: true,
      },
    ]);
    expect(email.lastVerbExecuted).toBe(2);
    expect(email.lastVerbExecutionTime).toEqual(new Date('2026-11-24T09:30:00.000Z'));
    expect(email.receivedAsBcc).toBe(true);
  });
});

describe('decodeEmail: meeting request', () => {
  const tz =
    'xP///0UAYQBzAHQAZQByAG4AIABTAHQAYQBuAGQAYQByAGQAIABUAGkAbQBlAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAsAAAABAAIAAAAAAAAAAAAAAEUAYQBzAHQAZQByAG4AIABEAGEAeQBsAGkAZwBoAHQAIABUAGkAbQBlAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMAAAACAAIAAAAAAAAAxP///w==';
  const email = decodeEmail(
    firstAdd(
      syncAdd(`
      <email:To>jane@example.com</email:To>
      <email:From>"Bob Organizer" &lt;bob@example.com&gt;</email:From>
      <email:Subject>Design review</email:Subject>
      <email:MessageClass>IPM.Schedule.Meeting.Request</email:MessageClass>
      <email:MeetingRequest>
        <email:AllDayEvent>0</email:AllDayEvent>
        <email:StartTime>2026-12-01T15:00:00.000Z</email:StartTime>
        <email:DtStamp>2026-11-24T10:00:00.000Z</email:DtStamp>
        <email:EndTime>2026-12-01T16:00:00.000Z</email:EndTime>
        <email:InstanceType>1</email:InstanceType>
        <email:Location>Room 4</email:Location>
        <email:Organizer>"Bob Organizer" &lt;bob@example.com&gt;</email:Organizer>
        <email:Reminder>15</email:Reminder>
        <email:ResponseRequested>1</email:ResponseRequested>
        <email:Recurrences>
          <email:Recurrence>
            <email:Type>1</email:Type>
            <email:Interval>2</email:Interval>
            <email:Until>20270301T000000Z</email:Until>
            <email:DayOfWeek>10</email:DayOfWeek>
            <email2:CalendarType>1</email2:CalendarType>
            <email2:IsLeapMonth>0</email2:IsLeapMonth>
            <email2:FirstDayOfWeek>1</email2:FirstDayOfWeek>
          </email:Recurrence>
        </email:Recurrences>
        <email:Sensitivity>0</email:Sensitivity>
        <email:BusyStatus>2</email:BusyStatus>
        <email:TimeZone>${tz}</email:TimeZone>
        <email:GlobalObjId>BAAAAIIA4AB0xbcQGoLgCAAAAAAAAAAAAAAAAAAAAAAAAAAAMQAAAHZDYWwtVWlkAQAAAA==</email:GlobalObjId>
        <email:DisallowNewTimeProposal>1</email:DisallowNewTimeProposal>
        <email2:MeetingMessageType>1</email2:MeetingMessageType>
      </email:MeetingRequest>`),
    ),
    v141,
  );

  it('reads the whole MeetingRequest, keeping the time zone blob as base64', () => {
    expect(email.meetingRequest).toEqual({
      allDayEvent: false,
      startTime: new Date('2026-12-01T15:00:00.000Z'),
      dtStamp: new Date('2026-11-24T10:00:00.000Z'),
      endTime: new Date('2026-12-01T16:00:00.000Z'),
      instanceType: 1,
      location: 'Room 4',
      organizer: { name: 'Bob Organizer', email: 'bob@example.com' },
      reminder: 15,
      responseRequested: true,
      recurrences: [
        {
          type: 1,
          interval: 2,
          until: new Date('2027-03-01T00:00:00.000Z'),
          dayOfWeek: 10,
          calendarType: 1,
          isLeapMonth: false,
          firstDayOfWeek: 1,
        },
      ],
      sensitivity: 0,
      busyStatus: 2,
      timeZone: tz,
      globalObjId: 'BAAAAIIA4AB0xbcQGoLgCAAAAAAAAAAAAAAAAAAAAAAAAAAAMQAAAHZDYWwtVWlkAQAAAA==',
      disallowNewTimeProposal: true,
      meetingMessageType: 1,
      forwardees: [],
    });
    expect(email.messageClass).toBe('IPM.Schedule.Meeting.Request');
  });

  it('reads the 16.x additions: structured location, UID, proposals and forwardees', () => {
    const mr = decodeEmail(
      firstAdd(
        syncAdd(`
      <email:MeetingRequest xmlns:meetingresponse="MeetingResponse" xmlns:composemail="ComposeMail">
        <email:DtStamp>2026-11-24T10:00:00.000Z</email:DtStamp>
        <airsyncbase:Location>
          <airsyncbase:DisplayName>HQ</airsyncbase:DisplayName>
          <airsyncbase:City>Oslo</airsyncbase:City>
          <airsyncbase:Latitude>59.91</airsyncbase:Latitude>
          <airsyncbase:Longitude>10.75</airsyncbase:Longitude>
        </airsyncbase:Location>
        <email:TimeZone>${tz}</email:TimeZone>
        <calendar:UID>040000008200E00074C5B7101A82E008</calendar:UID>
        <meetingresponse:ProposedStartTime>20261201T160000Z</meetingresponse:ProposedStartTime>
        <meetingresponse:ProposedEndTime>20261201T170000Z</meetingresponse:ProposedEndTime>
        <composemail:Forwardees>
          <composemail:Forwardee><composemail:Name>Carol</composemail:Name><composemail:Email>carol@example.com</composemail:Email></composemail:Forwardee>
        </composemail:Forwardees>
      </email:MeetingRequest>`),
      ),
      v16,
    ).meetingRequest;
    expect(mr?.locationDetail).toEqual({ displayName: 'HQ', city: 'Oslo', latitude: 59.91, longitude: 10.75 });
    expect(mr?.uid).toBe('040000008200E00074C5B7101A82E008');
    expect(mr?.proposedStartTime).toEqual(new Date('2026-12-01T16:00:00.000Z'));
    expect(mr?.proposedEndTime).toEqual(new Date('2026-12-01T17:00:00.000Z'));
    expect(mr?.forwardees).toEqual([{ name: 'Carol', email: 'carol@example.com' }]);
  });
});

describe('decodeEmail: EAS 2.5 forms', () => {
  const data = firstAdd(
    syncAdd(`
      <email:To>jane@example.com</email:To>
      <email:Subject>Old school</email:Subject>
      <email:Body>Hello from 2.5</email:Body>
      <email:BodySize>2048</email:BodySize>
      <email:BodyTruncated>1</email:BodyTruncated>
      <email:Attachments>
        <email:Attachment>
          <email:AttName>ATT00001/report.pdf</email:AttName>
          <email:AttSize>9000</email:AttSize>
          <email:AttMethod>1</email:AttMethod>
          <email:DisplayName>report.pdf</email:DisplayName>
        </email:Attachment>
      </email:Attachments>`),
  );

  it('reads email:Body/BodySize/BodyTruncated as a plain-text body', () => {
    expect(decodeEmail(data, v25).body).toEqual({
      type: 1,
      data: 'Hello from 2.5',
      estimatedDataSize: 2048,
      truncated: true,
    });
  });

  it('reads email:Attachments with AttName as the file reference', () => {
    expect(decodeEmail(data, v25).attachments).toEqual([
      { fileReference: 'ATT00001/report.pdf', displayName: 'report.pdf', method: 1, estimatedDataSize: 9000 },
    ]);
  });

  it('reads 2.5 MIME bodies (MIMEData) as type 4', () => {
    const mime = firstAdd(
      syncAdd(
        '<email:MIMETruncated>0</email:MIMETruncated><email:MIMESize>30</email:MIMESize><email:MIMEData>Subject: x&#13;\n&#13;\nhi</email:MIMEData>',
      ),
    );
    expect(decodeEmail(mime, v25).body).toEqual({
      type: 4,
      data: 'Subject: x\r\n\r\nhi',
      estimatedDataSize: 30,
      truncated: false,
    });
  });

  it('does not read the 2.5 body form under 12.0+', () => {
    expect(decodeEmail(data, v141).body).toBeUndefined();
  });
});

describe('decodeEmail: each field by namespace and name', () => {
  it('reads the first field of its own namespace, skipping same-named ones in others', () => {
    const email = decodeEmail(
      firstAdd(
        syncAdd(`<tasks:Subject>task</tasks:Subject><email:Subject>mail</email:Subject>
        <email:Subject>second</email:Subject><airsyncbase:Read>1</airsyncbase:Read>
        <email2:Importance>2</email2:Importance><email:Importance>0</email:Importance>`),
      ),
      v141,
    );
    expect(email.subject).toBe('mail');
    expect(email.read).toBeUndefined();
    expect(email.importance).toBe(0);
  });

  it('reads the 2.5 body and attachments when the AirSyncBase ones are absent, and not over them', () => {
    const legacy = decodeEmail(firstAdd(syncAdd('<email:Body>old</email:Body>')), v25);
    expect(legacy.body).toMatchObject({ type: 1, data: 'old' });
    const both = decodeEmail(
      firstAdd(
        syncAdd(
          '<email:Body>old</email:Body><airsyncbase:Body><airsyncbase:Type>2</airsyncbase:Type><airsyncbase:Data>new</airsyncbase:Data></airsyncbase:Body>',
        ),
      ),
      v25,
    );
    expect(both.body).toMatchObject({ type: 2, data: 'new' });
  });
});

describe('decodeEmailUpdate: a server Change of a mail', () => {
  const stored = decodeEmail(
    firstAdd(
      syncAdd(`<email:To>"Jane" &lt;jane@example.com&gt;</email:To><email:From>"Bob" &lt;bob@example.com&gt;</email:From>
      <email:Subject>Quarterly report</email:Subject><email:DateReceived>2026-11-20T09:00:00.000Z</email:DateReceived>
      <email:Importance>2</email:Importance><email:Read>0</email:Read>
      <email:Flag><email:Status>2</email:Status><email:FlagType>Flag for follow up</email:FlagType></email:Flag>
      <email:Categories><email:Category>Work</email:Category></email:Categories>
      <airsyncbase:Body><airsyncbase:Type>2</airsyncbase:Type><airsyncbase:Data>&lt;p&gt;Numbers&lt;/p&gt;</airsyncbase:Data></airsyncbase:Body>`),
    ),
    v141,
  );
  const change = (body: string) => decodeEmailUpdate(firstAdd(syncAdd(body)), v141);

  it('holds only the fields whose element is present', () => {
    const update = change(
      '<email:Read>1</email:Read><email2:LastVerbExecuted>1</email2:LastVerbExecuted><email2:LastVerbExecutionTime>2026-11-21T08:00:00.000Z</email2:LastVerbExecutionTime>',
    );
    expect(update).toEqual({ read: true, lastVerbExecuted: 1, lastVerbExecutionTime: new Date('2026-11-21T08:00:00.000Z') });
  });

  it('keeps every field the Change does not carry: sender, recipients, subject, body, flag, categories', () => {
    const merged = mergeEmailUpdate(stored, change('<email:Read>1</email:Read><email2:LastVerbExecuted>3</email2:LastVerbExecuted>'));
    expect(merged.subject).toBe('Quarterly report');
    expect(merged.from).toEqual({ name: 'Bob', email: 'bob@example.com' });
    expect(merged.to).toEqual([{ name: 'Jane', email: 'jane@example.com' }]);
    expect(merged.dateReceived).toEqual(new Date('2026-11-20T09:00:00.000Z'));
    expect(merged.importance).toBe(2);
    expect(merged.body?.data).toBe('<p>Numbers</p>');
    expect(merged.flag?.status).toBe(2);
    expect(merged.categories).toEqual(['Work']);
    expect(merged.read).toBe(true);
    expect(merged.lastVerbExecuted).toBe(3);
  });

  it('an empty Flag clears the flag and an empty Categories clears the categories', () => {
    const merged = mergeEmailUpdate(stored, change('<email:Flag/><email:Categories/>'));
    expect(merged.flag?.status).toBeUndefined();
    expect(merged.flag?.flagType).toBeUndefined();
    expect(merged.categories).toEqual([]);
    expect(merged.read).toBe(false);
    expect(merged.subject).toBe('Quarterly report');
  });

  it('a flag set elsewhere replaces the whole flag', () => {
    const merged = mergeEmailUpdate(
      stored,
      change('<email:Flag><email:Status>1</email:Status><email:CompleteTime>2026-11-22T10:00:00.000Z</email:CompleteTime></email:Flag>'),
    );
    expect(merged.flag).toMatchObject({ status: 1, completeTime: new Date('2026-11-22T10:00:00.000Z'), flagType: undefined });
  });

  it('reads the 2.5 body form when a Change carries it', () => {
    expect(decodeEmailUpdate(firstAdd(syncAdd('<email:Body>edited</email:Body>')), v25).body).toMatchObject({ data: 'edited' });
    expect(decodeEmailUpdate(firstAdd(syncAdd('<email:Read>1</email:Read>')), v25)).toEqual({ read: true });
  });
});

describe('encodeEmailChange', () => {
  it('writes only Read, Flag and Categories, in WBXML the server accepts', () => {
    const tree = encodeEmailChange(
      {
        read: true,
        flag: { status: 1, completeTime: new Date('2026-11-25T10:00:00.000Z'), dateCompleted: new Date('2026-11-25T10:00:00.000Z') },
        categories: ['Done'],
      },
      v141,
    );
    expect(easToXml(tree, { declaration: false, indent: '' })).toBe(
      '<ApplicationData xmlns="AirSync">' +
        '<Read xmlns="Email">1</Read>' +
        '<Flag xmlns="Email"><Status>1</Status>' +
        '<DateCompleted xmlns="Tasks">2026-11-25T10:00:00.000Z</DateCompleted>' +
        '<CompleteTime>2026-11-25T10:00:00.000Z</CompleteTime></Flag>' +
        '<Categories xmlns="Email"><Category>Done</Category></Categories>' +
        '</ApplicationData>',
    );
    expect(decodeEmail(viaWbxml(tree), v141)).toMatchObject({ read: true, categories: ['Done'], flag: { status: 1 } });
  });

  it('clears a flag with an empty Flag and all categories with an empty Categories', () => {
    const tree = encodeEmailChange({ flag: null, categories: [] }, v141);
    expect(easToXml(tree, { declaration: false, indent: '' })).toBe(
      '<ApplicationData xmlns="AirSync"><Flag xmlns="Email"/><Categories xmlns="Email"/></ApplicationData>',
    );
  });

  it('omits what did not change', () => {
    expect(encodeEmailChange({ read: false }, v25).children).toHaveLength(1);
    expect(encodeEmailChange({}, v141).children).toHaveLength(0);
  });

  it('refuses fields the negotiated version does not have', () => {
    expect(() => encodeEmailChange({ flag: null }, v25)).toThrow(/12\.0/);
    expect(() => encodeEmailChange({ categories: [] }, { version: '12.1' })).toThrow(/14\.0/);
  });

  it('round-trips a full flag through WBXML', () => {
    const flag = {
      subject: 'Call back',
      status: 2 as const,
      flagType: 'Flag for follow up',
      startDate: new Date('2026-11-24T00:00:00.000Z'),
      dueDate: new Date('2026-11-25T00:00:00.000Z'),
      utcStartDate: new Date('2026-11-23T23:00:00.000Z'),
      utcDueDate: new Date('2026-11-24T23:00:00.000Z'),
      reminderSet: true,
      reminderTime: new Date('2026-11-25T08:00:00.000Z'),
      ordinalDate: new Date('2026-11-24T10:00:00.000Z'),
      subOrdinalDate: '0',
    };
    const data = viaWbxml(encodeEmailChange({ flag }, v141));
    expect(decodeEmail(data, v141).flag).toEqual(flag);
    expect(encodeFlag(undefined).children).toEqual([]);
  });
});

describe('encodeDraft (16.x)', () => {
  const draft = {
    to: [{ name: 'Doe, Jane', email: 'jane@example.com' }],
    cc: [{ email: 'bob@example.com' }],
    bcc: [{ name: 'Audit', email: 'audit@example.com' }],
    subject: 'Draft: plan',
    importance: 2 as const,
    body: { type: 2 as const, data: '<p>Hi</p>' },
    attachments: {
      add: [{ clientId: 'c1', displayName: 'a.txt', content: new TextEncoder().encode('hello'), method: 1, contentType: 'text/plain' }],
      delete: ['5%3a9%3a0'],
    },
  };

  it('writes recipients, subject, body and attachment edits, and Send only when sending', () => {
    const saved = encodeDraft(draft, v16);
    expect(saved.send).toBeUndefined();
    const sent = encodeDraft({ ...draft, send: true }, v16);
    expect(sent.send).toEqual({ ns: 'Email2', name: 'Send', children: [] });

    const xml = easToXml(saved.applicationData, { declaration: false, indent: '' });
    expect(xml).toContain('<To xmlns="Email">"Doe, Jane" &lt;jane@example.com&gt;</To>');
    expect(xml).toContain('<Bcc xmlns="Email2">"Audit" &lt;audit@example.com&gt;</Bcc>');
    expect(xml).toContain('<Body xmlns="AirSyncBase"><Type>2</Type><Data>&lt;p&gt;Hi&lt;/p&gt;</Data></Body>');
    expect(xml).toContain('<Content>aGVsbG8=</Content>');
    expect(xml).toContain('<Delete><FileReference>5%3a9%3a0</FileReference></Delete>');
    expect(xml).not.toContain('IsDraft');
  });

  it('round-trips the draft fields through WBXML', () => {
    const back = decodeEmail(viaWbxml(encodeDraft(draft, v16).applicationData), v16);
    expect(back).toMatchObject({
      to: draft.to,
      cc: draft.cc,
      bcc: draft.bcc,
      subject: draft.subject,
      importance: 2,
      body: { type: 2, data: '<p>Hi</p>' },
    });
  });

  it('needs 16.0', () => {
    expect(() => encodeDraft(draft, v141)).toThrow(/16\.0/);
  });
});
