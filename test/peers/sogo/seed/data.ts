/**
 * The seed data of the SOGo peer: the same content on every run, dated relative to the seeding
 * day (mail by days before now, events and tasks by the current week) so that FilterType windows
 * always have something in them.
 */

export interface SeedMail {
  mailbox: string;
  flags: string[];
  /** INTERNALDATE, and the Date header. */
  date: Date;
  raw: string;
}

/** A calendar object or vCard, stored as `<uid>.ics` / `<uid>.vcf`. */
export interface SeedObject {
  uid: string;
  body: string;
}

export interface UserSeed {
  user: string;
  password: string;
  /** Every mailbox the user has after seeding, INBOX first, empty ones included. */
  mailboxes: string[];
  mails: SeedMail[];
  events: SeedObject[];
  tasks: SeedObject[];
  contacts: SeedObject[];
}

const DAY = 86_400_000;
const MINUTE = 60_000;
const CRLF = '\r\n';

interface Person {
  name: string;
  address: string;
}
const ALICE: Person = { name: 'Alice Example', address: 'alice@example.test' };
const BOB: Person = { name: 'Bob Example', address: 'bob@example.test' };
const CAROL: Person = { name: 'Carol Customer', address: 'carol@example.org' };
const DAVE: Person = { name: 'Dave Developer', address: 'dave@example.net' };
const EMILIE: Person = { name: 'Émilie Zoë', address: 'emilie@example.org' };
const BOT: Person = { name: 'Build Bot', address: 'noreply@example.com' };
const SENDERS = [BOB, CAROL, DAVE, BOT];

/** Standard mailboxes SOGo creates at a device's first FolderSync; made here so the list is stable. */
const STANDARD = ['Drafts', 'Sent', 'Trash', 'Junk', 'Templates'];

// ----------------------------------------------------------------------------- dates

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** 20261124 */
function ymd(d: Date): string {
  return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`;
}

/** A floating local time on the day of `d`, for use with TZID: 20261124T093000 */
function at(d: Date, hh: number, mm = 0): string {
  return `${ymd(d)}T${two(hh)}${two(mm)}00`;
}

/** 20261124T093000Z */
function utc(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function addDays(d: Date, n: number): Date {
  return new Date(d.getTime() + n * DAY);
}

/** RFC 5322 date-time in UTC: "Tue, 24 Nov 2026 09:30:00 +0000" */
function rfc5322(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

export interface Anchors {
  now: Date;
  /** 00:00 UTC today. */
  today: Date;
  /** 00:00 UTC on this week's Monday. */
  monday: Date;
}

export function anchors(now: Date): Anchors {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return { now, today, monday: addDays(today, -((today.getUTCDay() + 6) % 7)) };
}

// ----------------------------------------------------------------------------- mail

/** RFC 2047 encoded-word for a header value that is not ASCII. */
function headerText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function mailbox(p: Person): string {
  const name = headerText(p.name);
  return `${name === p.name ? `"${name}"` : name} <${p.address}>`;
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}

interface MailSpec {
  from: Person;
  to: Person[];
  cc?: Person[];
  subject: string;
  date: Date;
  id: string;
  inReplyTo?: string;
  extraHeaders?: string[];
  /** Everything after the common headers: Content-Type etc. and the body. */
  content: string;
}

function mail(spec: MailSpec): string {
  const headers = [
    `From: ${mailbox(spec.from)}`,
    `To: ${spec.to.map(mailbox).join(', ')}`,
    ...(spec.cc ? [`Cc: ${spec.cc.map(mailbox).join(', ')}`] : []),
    `Subject: ${headerText(spec.subject)}`,
    `Date: ${rfc5322(spec.date)}`,
    `Message-ID: <${spec.id}@example.test>`,
    ...(spec.inReplyTo ? [`In-Reply-To: <${spec.inReplyTo}@example.test>`, `References: <${spec.inReplyTo}@example.test>`] : []),
    ...(spec.extraHeaders ?? []),
    'MIME-Version: 1.0',
  ];
  return headers.join(CRLF) + CRLF + spec.content.replace(/\r?\n/g, CRLF);
}

function plain(body: string): string {
  return `Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${body}\n`;
}

function alternative(text: string, html: string, boundary: string): string {
  return [
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
    `--${boundary}--`,
    '',
  ].join('\n');
}

/** A 1x1 transparent PNG. */
const PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

function withAttachments(text: string, boundary: string): string {
  const csv = Buffer.from('quarter,revenue\nQ1,100\nQ2,120\nQ3,135\nQ4,150\n');
  return [
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    `--${boundary}`,
    'Content-Type: text/csv; name="numbers.csv"',
    'Content-Disposition: attachment; filename="numbers.csv"',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(csv),
    `--${boundary}`,
    'Content-Type: image/png; name="pixel.png"',
    'Content-Disposition: attachment; filename="pixel.png"',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(PIXEL_PNG),
    `--${boundary}--`,
    '',
  ].join('\n');
}

function invitation(text: string, ics: string, boundary: string): string {
  return [
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    `--${boundary}`,
    'Content-Type: text/calendar; charset=utf-8; method=REQUEST',
    '',
    ics.replace(/\r\n/g, '\n'),
    `--${boundary}--`,
    '',
  ].join('\n');
}

const INBOX_DAYS = [0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 9, 11, 13, 15, 18, 21, 24, 27, 30, 35, 40, 50, 60, 75, 90, 110, 140, 170, 200];
const TOPICS = [
  'Welcome to the EAS test peer',
  'Invitation: Design review',
  'Build #1042 passed',
  'Quarterly numbers',
  'Grüße aus Berlin – Café um 15 Uhr?',
  'Re: Release plan',
  'Release plan',
  'Urgent: certificate expires',
  'Long read: the sync protocol',
  'Lunch on Friday?',
  'Invoice 2026-017',
  'Team photo',
  'Meeting notes',
  'Your parcel is on its way',
  'Conference travel',
  'Coffee machine broken',
  'Code review request',
  'Weekly digest',
  'Holiday schedule',
  'Office move',
  'Security training',
  'Printer settings',
  'Q&A session recording',
  'Old thread',
  'Newsletter: November',
  'Account statement',
  'Survey results',
  'Summer party photos',
  'Welcome aboard',
  'First mail',
];

function inboxMail(i: number, a: Anchors, invite: string): SeedMail {
  const date = new Date(a.now.getTime() - (INBOX_DAYS[i] ?? 0) * DAY - (i + 1) * 7 * MINUTE);
  const subject = TOPICS[i] ?? `Message ${i}`;
  const id = `seed-alice-inbox-${two(i)}`;
  const base = { to: [ALICE], subject, date, id };
  const unseen = [0, 1, 2, 3, 4, 7].includes(i);
  const flags = [...(unseen ? [] : ['\\Seen']), ...([3, 10].includes(i) ? ['\\Flagged'] : []), ...(i === 6 ? ['\\Answered'] : [])];
  const text = `Hello Alice,\n\nthis is seed message ${i + 1} of 30 in your Inbox: "${subject}".\n\nRegards\n`;
  const specs: Record<number, MailSpec> = {
    1: { ...base, from: BOB, content: invitation('Bob invites you to a design review on Wednesday.', invite, 'inv-b1') },
    2: {
      ...base,
      from: BOT,
      content: alternative('Build 1042 passed.', '<html><body><p>Build <b>1042</b> passed.</p></body></html>', 'alt-b2'),
    },
    3: { ...base, from: DAVE, content: withAttachments('Numbers attached, and a pixel.', 'mix-b3') },
    4: { ...base, from: EMILIE, content: plain('Hallo Alice,\n\nhast du um 15 Uhr Zeit für einen Café? Grüße, Émilie') },
    5: { ...base, from: BOB, inReplyTo: 'seed-alice-inbox-06', content: plain('Looks good to me.\n\n> Here is the release plan.') },
    7: {
      ...base,
      from: CAROL,
      to: [ALICE, BOB],
      cc: [DAVE],
      extraHeaders: ['Importance: high', 'X-Priority: 1'],
      content: plain('The certificate expires in 3 days.'),
    },
    8: {
      ...base,
      from: DAVE,
      content: plain(Array.from({ length: 120 }, (_, n) => `Line ${n + 1}: the sync protocol in some detail.`).join('\n')),
    },
  };
  const spec = specs[i] ?? { ...base, from: SENDERS[i % SENDERS.length] ?? BOB, content: plain(text) };
  return { mailbox: 'INBOX', flags, date, raw: mail(spec) };
}

/** Plain mails in `box`: received from `others` in turn, or in Sent, sent by `user` to them. */
function simpleMails(user: Person, box: string, days: number[], subjects: string[], others: Person[], now: Date): SeedMail[] {
  const local = user.address.split('@')[0] ?? 'user';
  return days.map((d, i) => {
    const date = new Date(now.getTime() - d * DAY - (i + 1) * 11 * MINUTE);
    const subject = subjects[i] ?? `${box} ${i + 1}`;
    const other = others[i % others.length] ?? BOB;
    const [from, to] = box === 'Sent' ? [user, other] : [other, user];
    const id = `seed-${local}-${box.toLowerCase().replace(/\W/g, '-')}-${two(i)}`;
    const content = plain(`${subject}\n\n(seed message ${i + 1} in ${box})`);
    return { mailbox: box, flags: ['\\Seen'], date, raw: mail({ from, to: [to], subject, date, id, content }) };
  });
}

// ----------------------------------------------------------------------------- iCalendar

const BERLIN = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** Folds content lines longer than 75 octets (RFC 5545 3.1). */
function fold(line: string): string {
  const parts: string[] = [];
  let rest = line;
  while (Buffer.byteLength(rest) > 75) {
    let cut = 74;
    while (Buffer.byteLength(rest.slice(0, cut)) > 74) cut--;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  parts.push(rest);
  return parts.join(`${CRLF} `);
}

function calendar(components: string[][], method?: string): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//eas-pwa//SOGo peer seed//EN',
    ...(method ? [`METHOD:${method}`] : []),
    ...BERLIN,
    ...components.flat(),
    'END:VCALENDAR',
  ];
  return lines.map(fold).join(CRLF) + CRLF;
}

function vevent(uid: string, stamp: Date, props: string[]): string[] {
  return ['BEGIN:VEVENT', `UID:${uid}`, `DTSTAMP:${utc(stamp)}`, ...props, 'END:VEVENT'];
}

function vtodo(uid: string, stamp: Date, props: string[]): string[] {
  return ['BEGIN:VTODO', `UID:${uid}`, `DTSTAMP:${utc(stamp)}`, ...props, 'END:VTODO'];
}

const TZ = 'TZID=Europe/Berlin';

function designReview(a: Anchors, method?: string): string {
  const wed = addDays(a.monday, 2);
  return calendar(
    [
      vevent('seed-bob-design-review', a.monday, [
        `DTSTART;${TZ}:${at(wed, 14)}`,
        `DTEND;${TZ}:${at(wed, 15)}`,
        'SUMMARY:Design review',
        'LOCATION:Room 2.01',
        `ORGANIZER;CN=${BOB.name}:mailto:${BOB.address}`,
        `ATTENDEE;CN=${ALICE.name};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${ALICE.address}`,
        `ATTENDEE;CN=${BOB.name};ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:${BOB.address}`,
        'SEQUENCE:0',
      ]),
    ],
    method,
  );
}

function aliceEvents(a: Anchors): SeedObject[] {
  const m = a.monday;
  const stamp = m;
  // Weekly on Mondays from three weeks ago, ten times: the 2nd dropped (EXDATE), this week's
  // moved to 11:00 and renamed (an exception, RECURRENCE-ID), all in Europe/Berlin.
  const first = addDays(m, -21);
  const weekly = calendar([
    vevent('seed-alice-weekly-planning', stamp, [
      `DTSTART;${TZ}:${at(first, 9, 30)}`,
      `DTEND;${TZ}:${at(first, 10)}`,
      'SUMMARY:Weekly planning',
      'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10',
      `EXDATE;${TZ}:${at(addDays(m, -14), 9, 30)}`,
      'LOCATION:Room 1.12',
    ]),
    vevent('seed-alice-weekly-planning', stamp, [
      `RECURRENCE-ID;${TZ}:${at(m, 9, 30)}`,
      `DTSTART;${TZ}:${at(m, 11)}`,
      `DTEND;${TZ}:${at(m, 11, 30)}`,
      'SUMMARY:Weekly planning (moved)',
      'LOCATION:Room 1.12',
    ]),
  ]);
  const one = (uid: string, props: string[]): SeedObject => ({ uid, body: calendar([vevent(uid, stamp, props)]) });
  return [
    { uid: 'seed-alice-weekly-planning', body: weekly },
    one('seed-alice-lunch-carol', [
      `DTSTART;${TZ}:${at(addDays(m, 1), 12)}`,
      `DTEND;${TZ}:${at(addDays(m, 1), 13)}`,
      'SUMMARY:Lunch with Carol',
      'LOCATION:Café Central',
      'DESCRIPTION:Talk about the renewal.\\nBring the numbers.',
      `ORGANIZER;CN=${ALICE.name}:mailto:${ALICE.address}`,
      `ATTENDEE;CN=${CAROL.name};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:${CAROL.address}`,
    ]),
    one('seed-alice-offsite', [
      `DTSTART;VALUE=DATE:${ymd(addDays(m, 3))}`,
      `DTEND;VALUE=DATE:${ymd(addDays(m, 4))}`,
      'SUMMARY:Company offsite',
      'TRANSP:TRANSPARENT',
    ]),
    one('seed-alice-conference', [
      `DTSTART;VALUE=DATE:${ymd(addDays(m, 29))}`,
      `DTEND;VALUE=DATE:${ymd(addDays(m, 32))}`,
      'SUMMARY:Conference',
      'LOCATION:Berlin',
    ]),
    one('seed-alice-quarterly-review', [
      `DTSTART:${utc(new Date(addDays(a.today, -45).getTime() + 14 * 3_600_000))}`,
      `DTEND:${utc(new Date(addDays(a.today, -45).getTime() + 15 * 3_600_000))}`,
      'SUMMARY:Quarterly review',
    ]),
    {
      uid: 'seed-alice-dentist',
      body: calendar([
        [
          'BEGIN:VEVENT',
          'UID:seed-alice-dentist',
          `DTSTAMP:${utc(stamp)}`,
          `DTSTART;${TZ}:${at(addDays(m, 2), 16)}`,
          `DTEND;${TZ}:${at(addDays(m, 2), 17)}`,
          'SUMMARY:Dentist',
          'CLASS:PRIVATE',
          'BEGIN:VALARM',
          'ACTION:DISPLAY',
          'DESCRIPTION:Dentist',
          'TRIGGER:-PT15M',
          'END:VALARM',
          'END:VEVENT',
        ],
      ]),
    },
    one('seed-alice-morning-run', [
      `DTSTART;${TZ}:${at(addDays(m, 7), 7)}`,
      `DTEND;${TZ}:${at(addDays(m, 7), 7, 45)}`,
      'SUMMARY:Morning run',
      'RRULE:FREQ=DAILY;COUNT=5',
    ]),
  ];
}

function aliceTasks(a: Anchors): SeedObject[] {
  const t = (uid: string, props: string[]): SeedObject => ({ uid, body: calendar([vtodo(uid, a.monday, props)]) });
  return [
    t('seed-alice-task-slides', [
      'SUMMARY:Prepare slides',
      `DUE;${TZ}:${at(addDays(a.monday, 2), 17)}`,
      'PRIORITY:1',
      'STATUS:NEEDS-ACTION',
    ]),
    t('seed-alice-task-passport', [
      'SUMMARY:Renew passport',
      `DUE;VALUE=DATE:${ymd(addDays(a.today, -3))}`,
      'PRIORITY:5',
      'STATUS:NEEDS-ACTION',
    ]),
    t('seed-alice-task-expenses', [
      'SUMMARY:File expenses',
      `DUE;VALUE=DATE:${ymd(addDays(a.today, -2))}`,
      'STATUS:COMPLETED',
      `COMPLETED:${utc(addDays(a.today, -1))}`,
      'PERCENT-COMPLETE:100',
    ]),
    t('seed-alice-task-specs', ['SUMMARY:Read the EAS specs', 'DESCRIPTION:MS-ASCMD first, then MS-ASAIRS.']),
  ];
}

// ----------------------------------------------------------------------------- vCard

function vcard(uid: string, lines: string[]): SeedObject {
  return { uid, body: ['BEGIN:VCARD', 'VERSION:3.0', `UID:${uid}`, ...lines, 'END:VCARD'].map(fold).join(CRLF) + CRLF };
}

function carol(owner: string): SeedObject {
  return vcard(`seed-${owner}-carol`, [
    `FN:${CAROL.name}`,
    'N:Customer;Carol;;;',
    'ORG:Customer Corp;Purchasing',
    'TITLE:Head of Purchasing',
    `EMAIL;TYPE=INTERNET,WORK:${CAROL.address}`,
    'TEL;TYPE=WORK:+1 555 0100',
    'TEL;TYPE=CELL:+1 555 0101',
    'ADR;TYPE=WORK:;;1 Main Street;Springfield;IL;62701;USA',
    'BDAY:1985-04-12',
    'NOTE:Prefers calls in the morning.',
  ]);
}

function aliceContacts(): SeedObject[] {
  return [
    carol('alice'),
    vcard('seed-alice-dave', [
      `FN:${DAVE.name}`,
      'N:Developer;Dave;;;',
      `EMAIL;TYPE=INTERNET,WORK:${DAVE.address}`,
      'EMAIL;TYPE=INTERNET,HOME:dave.home@example.net',
      'URL:https://example.net/~dave',
      'TEL;TYPE=HOME:+44 20 7946 0000',
    ]),
    vcard('seed-alice-emilie', [
      `FN:${EMILIE.name}`,
      'N:Zoë;Émilie;;;',
      `EMAIL;TYPE=INTERNET:${EMILIE.address}`,
      'ORG:Café Zoë',
      'ADR;TYPE=HOME:;;Straße des 17. Juni 1;Berlin;;10623;Deutschland',
    ]),
    vcard('seed-alice-bob', [
      `FN:${BOB.name}`,
      'N:Example;Bob;;;',
      `EMAIL;TYPE=INTERNET,WORK:${BOB.address}`,
      'ORG:Example Org',
      'TITLE:Product Manager',
      'TEL;TYPE=WORK:+49 30 1234502',
    ]),
  ];
}

// ----------------------------------------------------------------------------- users

function aliceSeed(a: Anchors): UserSeed {
  const invite = designReview(a, 'REQUEST');
  const mails = [
    ...INBOX_DAYS.map((_, i) => inboxMail(i, a, invite)),
    ...simpleMails(
      ALICE,
      'INBOX/Projects',
      [2, 8, 16, 33, 65],
      ['Atlas: kickoff', 'Atlas: milestones', 'Atlas: risks', 'Borealis: budget', 'Borealis: retrospective'],
      [BOB, DAVE],
      a.now,
    ),
    ...simpleMails(
      ALICE,
      'Archive',
      [220, 260, 300, 365],
      ['Archived: contract', 'Archived: onboarding', 'Archived: old invoice', 'Archived: last year'],
      [CAROL, BOT],
      a.now,
    ),
    ...simpleMails(ALICE, 'Sent', [0, 12], ['Re: Welcome to the EAS test peer', 'Renewal proposal'], [BOB, CAROL], a.now),
  ];
  return {
    user: 'alice',
    password: 'alicepass',
    mailboxes: ['INBOX', 'INBOX/Projects', 'Archive', ...STANDARD],
    mails,
    events: aliceEvents(a),
    tasks: aliceTasks(a),
    contacts: aliceContacts(),
  };
}

function bobSeed(a: Anchors): UserSeed {
  const mails = [
    ...simpleMails(
      BOB,
      'INBOX',
      [0, 1, 3, 6, 10, 20, 45],
      ['Hello Bob', 'Roadmap draft', 'Build #1040 failed', 'Customer call', 'Re: Roadmap draft', 'Parking', 'Old news'],
      [ALICE, CAROL, BOT, DAVE],
      a.now,
    ),
    ...simpleMails(BOB, 'Sent', [1, 4], ['Design review', 'Roadmap feedback'], [ALICE, DAVE], a.now),
  ];
  const gym = addDays(a.monday, 3);
  return {
    user: 'bob',
    password: 'bobpass',
    mailboxes: ['INBOX', ...STANDARD],
    mails,
    // The design review has alice as attendee: SOGo copies it into her calendar.
    events: [
      { uid: 'seed-bob-design-review', body: designReview(a) },
      {
        uid: 'seed-bob-gym',
        body: calendar([vevent('seed-bob-gym', a.monday, [`DTSTART;${TZ}:${at(gym, 18)}`, `DTEND;${TZ}:${at(gym, 19)}`, 'SUMMARY:Gym'])]),
      },
    ],
    tasks: [
      {
        uid: 'seed-bob-task-review',
        body: calendar([
          vtodo('seed-bob-task-review', a.monday, ["SUMMARY:Review Alice's slides", `DUE;VALUE=DATE:${ymd(addDays(a.monday, 4))}`]),
        ]),
      },
    ],
    contacts: [
      carol('bob'),
      vcard('seed-bob-alice', [
        `FN:${ALICE.name}`,
        'N:Example;Alice;;;',
        `EMAIL;TYPE=INTERNET,WORK:${ALICE.address}`,
        'ORG:Example Org',
        'TITLE:Engineer',
      ]),
    ],
  };
}

/** The seed, alice first: bob's meeting lands in her calendar only once it exists. */
export function seeds(now: Date): UserSeed[] {
  const a = anchors(now);
  return [aliceSeed(a), bobSeed(a)];
}
