/**
 * Store records for the e2e pages: one account with default folders, subfolders, a
 * shared folder, a folder in its initial sync, mails (one invitation, HTML bodies with
 * remote and cid: images), a calendar with a recurring series and its exceptions,
 * contacts and tasks. Dates are relative to `now` so the screens always show something.
 * Written straight into IndexedDB in the shape src/store/schema.ts defines.
 */
import type { Store } from '../../../src/store/db.ts';
import type { AccountRecord, BodyRecord, FolderRecord, ItemRecord } from '../../../src/store/schema.ts';
import type { Email } from '../../../src/eas/items/email.ts';
import type { CalendarItem } from '../../../src/eas/items/calendar.ts';
import type { Contact } from '../../../src/eas/items/contact.ts';
import type { Task } from '../../../src/eas/items/task.ts';
import { zoneFromIana, runtimeZone } from '../../../src/eas/items/timezone.ts';

export const ACCOUNT_ID = 'acct-demo';
const A = ACCOUNT_ID;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const PIXEL_PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

function folder(serverId: string, displayName: string, type: number, parentId = '0', extra: Partial<FolderRecord> = {}): FolderRecord {
  return {
    accountId: A,
    serverId,
    parentId,
    displayName,
    type,
    syncKey: '1',
    enabled: true,
    status: { kind: 'idle' },
    count: 0,
    unread: 0,
    ...extra,
  };
}

export function demoAccount(now: number): AccountRecord {
  return {
    id: A,
    email: 'alice@example.test',
    displayName: 'Alice (Example)',
    url: 'https://mail.example.test',
    user: 'alice',
    domain: 'example.test',
    deviceId: '6f1c2e0a9b8d4c3e8a7f6e5d4c3b2a19',
    deviceType: 'EasPwa',
    version: '16.1',
    folderSyncKey: '3',
    classes: { Email: true, Calendar: true, Contacts: true, Tasks: true },
    filters: { Email: 5, Calendar: 0, Contacts: 0, Tasks: 0 },
    push: 'push',
    intervalMinutes: 15,
    state: { kind: 'ok' },
    lastSyncAt: now - 4 * 60_000,
    createdAt: now - 30 * DAY,
  };
}

export const FOLDERS = {
  inbox: '1',
  drafts: '2',
  sent: '3',
  deleted: '4',
  projects: '5',
  archive2025: '6',
  newsletters: '7',
  shared: '8',
  archive: '9',
  bulk: 'bulk',
  calendar: 'c1',
  contacts: 'k1',
  tasks: 't1',
} as const;

const PEOPLE = [
  ['田中 博', 'tanaka@partner.example.com'],
  ['Sarah Miller', 'sarah@contoso.example'],
  ['佐藤 花子', 'sato@sample.example.jp'],
  ['David Chen', 'david.chen@fabrikam.example'],
  ['鈴木 一郎', 'suzuki@toto-sys.example.jp'],
  ['Emma Wilson', 'emma@northwind.example'],
  ['高橋 美咲', 'takahashi@sakura.example.jp'],
  ['Lukas Weber', 'lukas@fabrikam.example'],
] as const;

const SUBJECTS = [
  ['来週の定例会議について', '議題案を共有します。ご確認ください。'],
  ['Q3 budget review', 'Attached is the updated forecast for Q3, please have a look before Thursday.'],
  ['見積書の送付', 'お世話になっております。ご依頼の見積書をお送りします。'],
  ['Re: Release 2.4 checklist', 'All items are green except the migration guide.'],
  ['出張の手配', '大阪出張の新幹線とホテルを手配しました。'],
  ['Lunch on Friday?', 'There is a new ramen place near the office.'],
  ['【重要】システムメンテナンスのお知らせ', '11月30日(日) 2:00〜6:00 にメンテナンスを実施します。'],
  ['Design review notes', 'Thanks everyone, the notes from today are below.'],
] as const;

function address(i: number) {
  const p = PEOPLE[i % PEOPLE.length] ?? PEOPLE[0];
  return { name: p[0], email: p[1] };
}

export function mail(i: number, now: number, extra: Partial<Email> = {}): Email {
  const [subject, preview] = SUBJECTS[i % SUBJECTS.length] ?? SUBJECTS[0];
  return {
    to: [{ name: 'Alice', email: 'alice@example.test' }],
    cc: i % 5 === 0 ? [address(i + 3)] : [],
    replyTo: [],
    bcc: [],
    from: address(i),
    subject: i < SUBJECTS.length ? subject : `${subject} #${i}`,
    dateReceived: new Date(now - i * 47 * 60_000 - 5 * 60_000),
    read: i % 3 !== 0,
    importance: i === 6 ? 2 : 1,
    flag: i % 7 === 1 ? { status: 2, flagType: 'Flag for follow up' } : undefined,
    messageClass: 'IPM.Note',
    body: { type: 2, estimatedDataSize: 2400, truncated: true, preview },
    attachments:
      i % 4 === 1
        ? [
            {
              fileReference: `att-${i}`,
              displayName: i % 8 === 1 ? 'forecast-Q3.xlsx' : '見積書.pdf',
              method: 1,
              estimatedDataSize: 48_213,
            },
          ]
        : [],
    ...extra,
  };
}

function mailItem(folderId: string, serverId: string, data: Email): ItemRecord {
  return {
    accountId: A,
    folderId,
    serverId,
    id: serverId,
    class: 'Email',
    data,
    sortKey: (data.dateReceived ?? new Date(0)).toISOString(),
    read: data.read ? 1 : 0,
    updatedAt: Date.now(),
  };
}

export const HTML_BODY = `<div style="font-family:sans-serif">
<h2 style="color:#1f4e79">Q3 budget review</h2>
<p>Hi Alice,</p>
<p>Attached is the updated forecast. The summary chart:</p>
<p><img src="cid:chart@example" alt="chart" width="120" height="40" style="border:1px solid #ccc"></p>
<p><img src="https://images.example.com/banner.png" alt="Remote banner" width="300" height="60"></p>
<table style="border-collapse:collapse" border="1" cellpadding="4"><tr><th>Item</th><th>Q2</th><th>Q3</th></tr>
<tr><td>Cloud</td><td>¥1,200,000</td><td>¥1,350,000</td></tr><tr><td>Travel</td><td>¥400,000</td><td>¥310,000</td></tr></table>
<p>Best,<br>Sarah</p><blockquote>前回の会議メモ: 予算は据え置き。</blockquote></div>`;

function invitation(now: number): Email {
  const start = new Date(Math.ceil((now + DAY) / HOUR) * HOUR);
  return mail(2, now, {
    subject: '招待: プロジェクト キックオフ',
    from: address(0),
    messageClass: 'IPM.Schedule.Meeting.Request',
    read: false,
    dateReceived: new Date(now - 20 * 60_000),
    meetingRequest: {
      startTime: start,
      endTime: new Date(start.getTime() + HOUR),
      location: '会議室A',
      organizer: address(0),
      recurrences: [],
      forwardees: [],
      responseRequested: true,
      instanceType: 0,
      busyStatus: 2,
    },
    body: { type: 2, truncated: true, preview: 'キックオフを開催します。ご参加ください。' },
  });
}

function localAt(daysFromToday: number, hour: number, minute = 0): Date {
  const d = new Date();
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + daysFromToday, hour, minute);
}

function events(): CalendarItem[] {
  const zone = zoneFromIana(runtimeZone()).blob;
  const standupStart = localAt(-14, 9, 30);
  const tomorrowStandup = localAt(1, 9, 30);
  const dayAfter = localAt(2, 9, 30);
  const midnight = (days: number) => localAt(days, 0);
  return [
    {
      subject: 'Daily stand-up',
      startTime: standupStart,
      endTime: new Date(standupStart.getTime() + 15 * 60_000),
      timezone: zone,
      location: 'Teams',
      reminder: 5,
      busyStatus: 2,
      recurrence: { type: 1, interval: 1, dayOfWeek: 62 },
      exceptions: [
        { exceptionStartTime: tomorrowStandup, startTime: localAt(1, 11), endTime: localAt(1, 11, 15), subject: 'Daily stand-up (moved)' },
        { exceptionStartTime: dayAfter, deleted: true },
      ],
    },
    {
      subject: '設計レビュー',
      startTime: localAt(0, 14),
      endTime: localAt(0, 15, 30),
      timezone: zone,
      location: '本社 3F',
      reminder: 15,
      busyStatus: 2,
      meetingStatus: 3,
      responseType: 5,
      organizerName: '田中 博',
      organizerEmail: 'tanaka@partner.example.com',
      responseRequested: true,
      attendees: [
        { email: 'tanaka@partner.example.com', name: '田中 博', status: 3, type: 1 },
        { email: 'alice@example.test', name: 'Alice', status: 5, type: 1 },
        { email: 'david.chen@fabrikam.example', name: 'David Chen', status: 2, type: 2 },
      ],
      body: { type: 1, data: 'アーキテクチャ図の最終確認をします。' },
    },
    {
      subject: 'Customer call: Contoso',
      startTime: localAt(0, 14, 30),
      endTime: localAt(0, 15),
      timezone: zone,
      busyStatus: 1,
      reminder: 10,
    },
    { subject: '大阪出張', startTime: midnight(3), endTime: midnight(5), allDayEvent: true, timezone: zone, busyStatus: 3 },
    { subject: 'Dentist', startTime: localAt(5, 17), endTime: localAt(5, 18), timezone: zone, reminder: 60, location: 'Shibuya' },
    {
      subject: 'Month-end close',
      startTime: localAt(-40, 16),
      endTime: localAt(-40, 17),
      timezone: zone,
      recurrence: { type: 2, interval: 1, dayOfMonth: 31 },
      reminder: 1440,
    },
    { subject: 'Team dinner 🍣', startTime: localAt(8, 19), endTime: localAt(8, 21), timezone: zone, location: '新宿' },
  ];
}

const CONTACT_NAMES: readonly [string, string, string, string][] = [
  ['博', '田中', 'ひろし', 'たなか'],
  ['花子', '佐藤', 'はなこ', 'さとう'],
  ['一郎', '鈴木', 'いちろう', 'すずき'],
  ['美咲', '高橋', 'みさき', 'たかはし'],
  ['Sarah', 'Miller', '', ''],
  ['David', 'Chen', '', ''],
  ['Emma', 'Wilson', '', ''],
  ['Lukas', 'Weber', '', ''],
  ['Olivia', 'Brown', '', ''],
  ['Noah', 'Garcia', '', ''],
  ['健太', '伊藤', 'けんた', 'いとう'],
  ['さくら', '山本', 'さくら', 'やまもと'],
  ['Mia', 'Anderson', '', ''],
  ['James', 'Taylor', '', ''],
];

const ROMAJI: readonly string[] = ['h.tanaka', 'h.sato', 'i.suzuki', 'm.takahashi', '', '', '', '', '', '', 'k.ito', 's.yamamoto'];

function contacts(): Contact[] {
  return CONTACT_NAMES.map(([first, last, yf, yl], i) => ({
    firstName: first,
    lastName: last,
    ...(yf ? { yomiFirstName: yf, yomiLastName: yl } : {}),
    fileAs: yf ? `${last} ${first}` : `${last}, ${first}`,
    email1Address: `${yf ? (ROMAJI[i] ?? 'user') : last.toLowerCase()}@${['sample.example.jp', 'contoso.example', 'toto-sys.example.jp', 'fabrikam.example'][i % 4]}`,
    companyName: ['株式会社サンプル', 'Contoso Ltd.', '東都システム', 'Fabrikam GmbH'][i % 4],
    jobTitle: ['エンジニア', 'Product Manager', '営業部長', 'Designer'][i % 4],
    mobilePhoneNumber: `+81 90-${1000 + i * 37}-${2000 + i * 53}`,
    ...(i === 0
      ? {
          birthday: new Date(Date.UTC(1985, 3, 12)),
          businessAddressCity: '千代田区',
          businessAddressState: '東京都',
          businessAddressStreet: '丸の内1-1-1',
          businessAddressPostalCode: '100-0005',
        }
      : {}),
  }));
}

function tasks(): Task[] {
  const day = (n: number) => {
    const d = localAt(n, 0);
    return { dueDate: new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate())), utcDueDate: d };
  };
  return [
    { subject: '経費精算を提出', complete: false, importance: 2, ...day(-1) },
    { subject: 'Review pull request #482', complete: false, importance: 1, ...day(0), reminderSet: true, reminderTime: localAt(0, 16) },
    { subject: '見積書を送付', complete: false, importance: 1, ...day(0) },
    { subject: 'Book flights to Osaka', complete: false, importance: 1, ...day(2) },
    { subject: 'Prepare Q4 OKRs', complete: false, importance: 2, ...day(6) },
    { subject: '名刺を注文', complete: false, importance: 0 },
    { subject: 'Renew passport', complete: true, dateCompleted: localAt(-2, 10), importance: 1, ...day(-3) },
  ];
}

export interface SeedOptions {
  readonly mails?: number;
  /** Mails in the extra "Bulk" folder (for the 100k scroll test). */
  readonly bulk?: number;
  readonly now?: number;
}

async function putAll(store: Store, name: 'items' | 'folders' | 'bodies' | 'attachments', values: readonly unknown[]): Promise<void> {
  for (let i = 0; i < values.length; i += 5000) {
    const tx = store.db.transaction(name, 'readwrite');
    for (const v of values.slice(i, i + 5000)) void tx.store.put(v as never);
    await tx.done;
  }
}

export async function seedDemo(store: Store, opts: SeedOptions = {}): Promise<void> {
  const now = opts.now ?? Date.now();
  const n = opts.mails ?? 240;
  const inbox: ItemRecord[] = [mailItem(FOLDERS.inbox, 'm-invite', invitation(now))];
  for (let i = 0; i < n; i++) inbox.push(mailItem(FOLDERS.inbox, `m${i}`, mail(i, now)));
  const sent = Array.from({ length: 12 }, (_, i) =>
    mailItem(
      FOLDERS.sent,
      `s${i}`,
      mail(i + 3, now, { from: { name: 'Alice', email: 'alice@example.test' }, to: [address(i + 1)], read: true }),
    ),
  );
  const projects = Array.from({ length: 9 }, (_, i) => mailItem(FOLDERS.projects, `p${i}`, mail(i + 1, now - 3 * DAY, { read: i > 2 })));
  const shared = Array.from({ length: 5 }, (_, i) => mailItem(FOLDERS.shared, `sh${i}`, mail(i + 4, now - DAY, { read: i > 1 })));
  const all = [...inbox, ...sent, ...projects, ...shared];
  const unread = (f: string) => all.filter((i) => i.folderId === f && i.read === 0).length;
  const count = (f: string) => all.filter((i) => i.folderId === f).length;
  const folders: FolderRecord[] = [
    folder(FOLDERS.inbox, 'Inbox', 2, '0', {
      class: 'Email',
      count: count(FOLDERS.inbox),
      unread: unread(FOLDERS.inbox),
      lastSyncAt: now - 4 * 60_000,
    }),
    folder(FOLDERS.drafts, 'Drafts', 3, '0', { class: 'Email' }),
    folder(FOLDERS.sent, 'Sent Items', 5, '0', { class: 'Email', count: count(FOLDERS.sent) }),
    folder(FOLDERS.deleted, 'Deleted Items', 4, '0', { class: 'Email' }),
    folder(FOLDERS.projects, 'プロジェクト', 12, FOLDERS.inbox, {
      class: 'Email',
      count: count(FOLDERS.projects),
      unread: unread(FOLDERS.projects),
    }),
    folder(FOLDERS.archive2025, '2025', 12, FOLDERS.projects, { class: 'Email' }),
    folder(FOLDERS.newsletters, 'Newsletters', 12, '0', { class: 'Email' }),
    folder(FOLDERS.archive, 'Archive', 12, '0', { class: 'Email', status: { kind: 'syncing' }, estimate: 5200, count: 1730, syncKey: '0' }),
    folder(FOLDERS.shared, 'Sales team', 12, '0', {
      class: 'Email',
      owner: '田中 博',
      count: count(FOLDERS.shared),
      unread: unread(FOLDERS.shared),
    }),
    folder(FOLDERS.calendar, 'Calendar', 8, '0', { class: 'Calendar' }),
    folder(FOLDERS.contacts, 'Contacts', 9, '0', { class: 'Contacts' }),
    folder(FOLDERS.tasks, 'Tasks', 7, '0', { class: 'Tasks' }),
  ];
  if (opts.bulk) folders.push(folder(FOLDERS.bulk, 'Bulk', 12, '0', { class: 'Email', count: opts.bulk }));
  await store.db.put('accounts', demoAccount(now));
  await putAll(store, 'folders', folders);
  await putAll(store, 'items', all);
  const cal = events().map(
    (e, i): ItemRecord => ({
      accountId: A,
      folderId: FOLDERS.calendar,
      serverId: `e${i}`,
      id: `e${i}`,
      class: 'Calendar',
      data: e,
      sortKey: e.startTime.toISOString(),
      updatedAt: now,
    }),
  );
  const con = contacts().map(
    (c, i): ItemRecord => ({
      accountId: A,
      folderId: FOLDERS.contacts,
      serverId: `k${i}`,
      id: `k${i}`,
      class: 'Contacts',
      data: c,
      sortKey: (c.fileAs ?? '').toLowerCase(),
      updatedAt: now,
    }),
  );
  const tsk = tasks().map(
    (t, i): ItemRecord => ({
      accountId: A,
      folderId: FOLDERS.tasks,
      serverId: `t${i}`,
      id: `t${i}`,
      class: 'Tasks',
      data: t,
      sortKey: t.utcDueDate?.toISOString() ?? '~',
      updatedAt: now,
    }),
  );
  await putAll(store, 'items', [...cal, ...con, ...tsk]);
  const bodies: BodyRecord[] = [
    { accountId: A, folderId: FOLDERS.inbox, serverId: 'm1', type: 2, data: HTML_BODY, fetchedAt: now },
    {
      accountId: A,
      folderId: FOLDERS.inbox,
      serverId: 'm-invite',
      type: 1,
      data: 'キックオフを開催します。ご参加ください。\n\n議題:\n1. 目的\n2. 体制\n3. スケジュール',
      fetchedAt: now,
    },
  ];
  await putAll(store, 'bodies', bodies);
  await store.db.put('attachments', {
    accountId: A,
    fileReference: 'att-chart',
    contentType: 'image/png',
    bytes: PIXEL_PNG,
    size: PIXEL_PNG.length,
    lastUsed: now,
  });
  const m1 = inbox.find((i) => i.serverId === 'm1');
  if (m1?.class === 'Email')
    await store.db.put('items', {
      ...m1,
      data: {
        ...m1.data,
        attachments: [
          ...m1.data.attachments,
          { fileReference: 'att-chart', displayName: 'chart.png', contentId: '<chart@example>', isInline: true, method: 1 },
        ],
      },
    });
  if (opts.bulk) await seedBulk(store, opts.bulk, now);
}

async function seedBulk(store: Store, total: number, now: number): Promise<void> {
  for (let start = 0; start < total; start += 10_000) {
    const tx = store.db.transaction('items', 'readwrite');
    for (let i = start; i < Math.min(total, start + 10_000); i++) {
      const date = new Date(now - i * 60_000);
      const data: Email = {
        to: [],
        cc: [],
        replyTo: [],
        bcc: [],
        attachments: [],
        from: address(i),
        subject: `Bulk message ${i}`,
        dateReceived: date,
        read: true,
        body: { type: 2, preview: `Preview of message number ${i}` },
      };
      void tx.store.put({
        accountId: A,
        folderId: FOLDERS.bulk,
        serverId: `b${i}`,
        id: `b${i}`,
        class: 'Email',
        data,
        sortKey: date.toISOString(),
        read: 1,
        updatedAt: now,
      });
    }
    await tx.done;
  }
}
