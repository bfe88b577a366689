/** The seeded demo data: sizes the contract promises, JA/EN content, zones, the invitation, and the bulk generator. */
import { describe, expect, it } from 'vitest';
import { decodeTimeZone, zoneMatchesBlob } from '../../src/eas/items/timezone.ts';
import { kid, textOf } from '../../src/wbxml/tree.ts';
import { buildDemoWorld, generateItems } from '../../mocks/data.ts';
import { propText } from '../../mocks/meetings.ts';
import { mailContent, type Mailbox, type World } from '../../mocks/model.ts';
import { timezoneBlob } from '../../mocks/timezone.ts';
import { readRenderOptions, renderItem } from '../../mocks/render.ts';
import { NOW } from './helpers.ts';

const world = buildDemoWorld({ seed: 1, now: () => NOW });

function folder(w: World, user: string, name: string) {
  const mb = w.mailboxes.get(user) as Mailbox;
  const f = [...mb.folders.values()].find((x) => x.name === name && !x.shared);
  if (!f) throw new Error(`no ${name}`);
  return f;
}

describe('demo mailbox', () => {
  it.each(['alice', 'bob', 'carol'])('%s has 200+ mails in the Inbox and three subfolders, 50 contacts, 40 events, 20 tasks', (user) => {
    const inbox = folder(world, user, 'Inbox');
    const mb = world.mailboxes.get(user) as Mailbox;
    const subs = [...mb.folders.values()].filter((f) => f.parentId === inbox.store.id && f.store.cls === 'Email');
    expect(subs).toHaveLength(3);
    expect([inbox, ...subs].reduce((n, f) => n + f.store.items.size, 0)).toBeGreaterThanOrEqual(200);
    expect(folder(world, user, 'Contacts').store.items.size).toBe(50);
    expect(folder(world, user, 'Calendar').store.items.size).toBe(40);
    expect(folder(world, user, 'Tasks').store.items.size).toBe(20);
  });

  it('has a GAL of 100+ entries with both users', () => {
    expect(world.gal.length).toBeGreaterThanOrEqual(100);
    expect(world.gal.map((e) => e.email)).toEqual(expect.arrayContaining(['alice@example.test', 'bob@example.test']));
    expect(new Set(world.gal.map((e) => e.email)).size).toBe(world.gal.length);
  });

  it('mixes Japanese and English, HTML bodies, inline cid: images and attachments', () => {
    const mails = [...folder(world, 'alice', 'Inbox').store.items.values()].flatMap((i) => (i.data.kind === 'mail' ? [i.data] : []));
    expect(mails.some((m) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(m.subject))).toBe(true);
    expect(mails.some((m) => /^[\x20-\x7e]+$/.test(m.subject))).toBe(true);
    const contents = mails.map(mailContent);
    expect(contents.filter((c) => c.html !== undefined).length).toBeGreaterThan(mails.length / 2);
    const inline = contents.find((c) => c.attachments.some((a) => a.inline && a.contentId));
    const cid = inline?.attachments.find((a) => a.inline)?.contentId;
    expect(inline?.html).toContain(`cid:${cid}`);
    expect(contents.some((c) => c.attachments.some((a) => !a.inline))).toBe(true);
  });

  it('has recurring events with exceptions in Tokyo, Berlin and New York, with correct TimeZone blobs', () => {
    const events = [...folder(world, 'alice', 'Calendar').store.items.values()].flatMap((i) => (i.data.kind === 'pim' ? [i.data] : []));
    const recurringWithExceptions = events.filter(
      (e) => e.props.some((p) => p.name === 'Recurrence') && e.props.some((p) => p.name === 'Exceptions'),
    );
    const biases = recurringWithExceptions.map((e) => decodeTimeZone(textOf(e.props.find((p) => p.name === 'Timezone'))).bias).sort();
    expect(biases).toEqual([-540, -60, 300].sort());
    // Our blobs agree with the zones' real transitions, as the client's own decoder sees them.
    for (const zone of ['Asia/Tokyo', 'Europe/Berlin', 'America/New_York']) {
      for (const year of [2025, 2026, 2027])
        expect(zoneMatchesBlob(zone, decodeTimeZone(timezoneBlob(zone)), year), `${zone} ${year}`).toBe(true);
    }
    const deleted = recurringWithExceptions
      .flatMap((e) => e.props.filter((p) => p.name === 'Exceptions'))
      .flatMap((x) => x.children)
      .filter((x) => typeof x === 'object' && !(x instanceof Uint8Array) && kid(x, 'Deleted'));
    expect(deleted.length).toBeGreaterThan(0);
  });

  it('places the weekly Tokyo series at 10:00 Tokyo time and the New York stand-up at 09:30 New York time', () => {
    const events = [...folder(world, 'alice', 'Calendar').store.items.values()].flatMap((i) => (i.data.kind === 'pim' ? [i.data] : []));
    const localStart = (subject: RegExp, zone: string): string => {
      const e = events.find((x) => subject.test(propText(x, 'Subject') ?? ''));
      const t = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})/.exec(e ? (propText(e, 'StartTime') ?? '') : '');
      const ms = t ? Date.UTC(Number(t[1]), Number(t[2]) - 1, Number(t[3]), Number(t[4]), Number(t[5])) : NaN;
      return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
    };
    expect(localStart(/Weekly sync/, 'Asia/Tokyo')).toBe('10:00');
    expect(localStart(/stand-up/, 'America/New_York')).toBe('09:30');
    expect(localStart(/Monthly review/, 'Europe/Berlin')).toBe('14:00');
  });

  it('has one pending invitation: the request mail and a tentative, unanswered item with the same UID', () => {
    const requests = [...folder(world, 'alice', 'Inbox').store.items.values()].flatMap((i) =>
      i.data.kind === 'mail' && i.data.meeting ? [i.data] : [],
    );
    expect(requests).toHaveLength(1);
    const uid = requests[0]?.meeting?.uid;
    const items = [...folder(world, 'alice', 'Calendar').store.items.values()].flatMap((i) =>
      i.data.kind === 'pim' && propText(i.data, 'UID') === uid ? [i.data] : [],
    );
    expect(items).toHaveLength(1);
    expect([
      propText(items[0] ?? { kind: 'pim', props: [] }, 'BusyStatus'),
      propText(items[0] ?? { kind: 'pim', props: [] }, 'ResponseType'),
    ]).toEqual(['1', '5']);
  });

  it('is the same for the same seed and differs for another', () => {
    const subjects = (w: World) =>
      [...folder(w, 'alice', 'Inbox').store.items.values()].slice(0, 20).map((i) => (i.data.kind === 'mail' ? i.data.subject : ''));
    expect(subjects(buildDemoWorld({ seed: 1, now: () => NOW }))).toEqual(subjects(world));
    expect(subjects(buildDemoWorld({ seed: 2, now: () => NOW }))).not.toEqual(subjects(world));
  });
});

describe('bulk generator', () => {
  it('generates 50k mails with bodies made on first use (its speed is a bench row, not a test)', () => {
    const w = buildDemoWorld({ seed: 3, now: () => NOW, empty: true });
    const mb = w.mailboxes.get('alice') as Mailbox;
    const inbox = folder(w, 'alice', 'Inbox');
    generateItems(w, mb, inbox.store, 50_000, 3);
    expect(inbox.store.items.size).toBe(50_000);
    const last = [...inbox.store.items.values()].pop();
    expect(last?.data.kind === 'mail' && typeof last.data.content).toBe('function');
    expect(last?.data.kind === 'mail' && mailContent(last.data).text.length).toBeGreaterThan(0);
    for (const name of ['Contacts', 'Calendar', 'Tasks']) {
      const f = folder(w, 'alice', name);
      generateItems(w, mb, f.store, 1000, 3);
      expect(f.store.items.size).toBe(1000);
    }
  });
});

describe('addresses on the wire', () => {
  it('sends From/To as decoded UTF-8 text, as EAS servers do, never as RFC 2047 words', () => {
    const inbox = folder(world, 'alice', 'Inbox');
    const items = [...inbox.store.items.values()].filter((i) => i.data.kind === 'mail');
    const opts = readRenderOptions(undefined, '14.1');
    const froms = items.map((i) => textOf(renderItem(i, opts).find((e) => e.name === 'From')));
    expect(froms.some((f) => /^"[^"]*[\u3040-\u30ff\u4e00-\u9fff][^"]*" <[^>]+@[^>]+>$/.test(f))).toBe(true);
    expect(froms.filter((f) => f.includes('=?'))).toEqual([]);
  });
});
