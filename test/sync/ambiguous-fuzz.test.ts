/**
 * The durability fuzz with the ambiguous failure: the server applies a request and
 * the connection closes with no answer (mock fault drop-after), for every command the
 * offline edits use: Sync (adds, changes, deletes of contacts, events and tasks; mail
 * read, flag and delete), MoveItems, MeetingResponse, SendMail, SmartReply and
 * SmartForward, and ItemOperations and FolderSync, at 12.1, 14.1 and 16.1. Mixed with
 * the faults of faults.test.ts (the process killed anywhere, 503, cut and truncated
 * answers, Status 3 and 12). Its own seeds: faults.test.ts runs as before.
 *
 * Between two lives another client changes the server (fuzz-edits.ts otherDeviceEdit),
 * and after every life the content oracle compares the store with a fresh device's,
 * field by field (contentAfterLife). With the oracle a seed costs ~3 times what it did:
 * 60 seeds by default (was 200; 30 seeds took 18 s on a loaded 2-core machine).
 *
 * In the end the store equals the server (0 lost, 0 duplicated, 0 fields different),
 * every edit is on the server once, and:
 * - every outbox mail reached its recipient exactly once, with one copy in Sent Items:
 *   by ClientId from 14.0; at 12.1 whenever Sent Items is synced (outbox.ts checks
 *   it for the mail's Message-ID), else at least once (never lost);
 * - every meeting was answered with the user's answer, the server recorded it exactly
 *   once (its meetingAnswers log) and at 16.1 the organizer got exactly one response
 *   mail. The one allowed exception is the engine's rule at 12.1 (edit-commands.ts
 *   alreadyRecorded): no ResponseType to check, so an answer on the calendar item may
 *   be recorded again, which tells the organizer nothing at 12.1.
 *
 * `EAS_AMBIGUOUS_SEEDS=2000 npx vitest run test/sync/ambiguous-fuzz.test.ts` for a longer run.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ConnectionDropped, type FaultSpec } from '../../mocks/faults.ts';
import { propText } from '../../mocks/meetings.ts';
import { FolderType, requireFolderOfType, type Item, type Mailbox, type Store as MockStore, type World } from '../../mocks/model.ts';
import { invite } from '../../mocks/mutations.ts';
import { parseQuery } from '../../mocks/query.ts';
import { rng } from '../../mocks/random.ts';
import type { MockServer } from '../../mocks/server.ts';
import type { MeetingAnswer } from '../../src/sync/engine.ts';
import type { OutgoingMessage } from '../../src/sync/outbox.ts';
import { RESPONSE_TYPE } from '../../src/sync/pending.ts';
import { kids, textAt } from '../../src/wbxml/tree.ts';
import {
  contentAfterLife,
  countProblems,
  EDITS,
  folder,
  marker,
  otherDeviceEdit,
  pick,
  type ContentFigures,
  type Ctx,
  type Dirty,
} from './fuzz-edits.ts';
import { Machine } from './machine.ts';
import { alice, diffViews, instantClock, localView, mockServer, pinVersion, serverView, itemIdOf } from './support.ts';

const SEEDS = Number(process.env['EAS_AMBIGUOUS_SEEDS'] ?? 60);
const MAX_LIVES = 80;
const VERSIONS = ['12.1', '14.1', '16.1'] as const;
/** Time between two processes of a device (longer than a 503's Retry-After). */
const LIFE_GAP_MS = 5 * 60_000;

/** Commands a drop-after may hit: those the edits use, and what the engine sends around them. */
const AMBIGUOUS = ['Sync', 'MoveItems', 'MeetingResponse', 'SendMail', 'SmartReply', 'SmartForward', 'ItemOperations', 'FolderSync', ''];
const OTHER_FAULTS: Partial<FaultSpec>[] = [
  { unavailable: 1, retryAfter: 1 },
  { drop: 1 },
  { truncate: 1 },
  { invalidSyncKey: 1 },
  { folderSyncRequired: 1 },
];

interface Figures {
  lives: number;
  kills: number;
  mails: number;
  answers: number;
  /** Drop-after faults that hit, per command. */
  readonly hits: Map<string, number>;
  /** Second copies of mails at 12.1 without a synced Sent Items (allowed: never lost). */
  extraCopies: number;
  /** Answers on a calendar item recorded again at 12.1 (allowed: no mail to the organizer at 12.1). */
  answersAgain: number;
  readonly content: ContentFigures;
}

interface Fuzz extends Ctx {
  readonly version: (typeof VERSIONS)[number];
  /** Sent Items is synced: a 12.1 mail whose answer was lost can be looked for there. */
  readonly sentSynced: boolean;
  /** This seed's meetings, not yet answered. */
  readonly invitations: { readonly uid: string; readonly subject: string }[];
  /** Commands this seed's edits need (a drop-after aims at one of them first). */
  readonly commands: Set<string>;
  readonly figures: Figures;
  readonly world: World;
  /**
   * Items the server changes as a result of this seed's own commands before the device
   * syncs them back: a replied or forwarded mail (its last verb), an answered meeting
   * (its response and busy status), its request, and the organizer's copy in a shared calendar.
   */
  readonly touched: Dirty;
}

const bob = { name: 'Bob', email: 'bob@example.test' };
const bobsInbox = (c: Fuzz): MockStore => requireFolderOfType(c.world.mailboxes.get('bob') as Mailbox, FolderType.Inbox).store;
const bySubject = (store: MockStore, subject: string): Item[] =>
  [...store.items.values()].filter((i) => i.data.kind === 'mail' && i.data.subject === subject);

/** The mail reached bob once and has one copy in alice's Sent Items (at 12.1 without Sent Items synced: at least once). */
function delivered(c: Fuzz, subject: string): string | undefined {
  const got = bySubject(bobsInbox(c), subject).length;
  const saved = bySubject(folder(c, FolderType.SentItems), subject).length;
  if (got !== saved) return `mail "${subject}": ${got} delivered, ${saved} in Sent Items`;
  const exactly = c.version !== '12.1' || c.sentSynced;
  if (got === 0 || (exactly && got !== 1))
    return `mail "${subject}" delivered ${got} times (${c.version}, Sent Items ${c.sentSynced ? 'synced' : 'off'})`;
  c.figures.extraCopies += got - 1;
  return undefined;
}

const VERB = { accept: 'Accepted', tentative: 'Tentative', decline: 'Declined' } as const;
/** MS-ASCAL 2.2.2.4 AttendeeStatus after the answer: 3 accepted, 2 tentative, 4 declined (5 not responded). */
const ATTENDEE_STATUS = { accept: 3, tentative: 2, decline: 4 } as const;

/** The attendee's status in the organizer's (bob's) calendar item of the meeting. */
function attendeeStatus(c: Fuzz, uid: string, email: string): string | undefined {
  const calendar = requireFolderOfType(c.world.mailboxes.get('bob') as Mailbox, FolderType.Calendar).store;
  const event = [...calendar.items.values()].find((i) => i.data.kind === 'pim' && propText(i.data, 'UID') === uid);
  const attendees = event?.data.kind === 'pim' ? event.data.props.find((p) => p.name === 'Attendees') : undefined;
  const me = attendees && kids(attendees, 'Attendee').find((a) => textAt(a, 'Email') === email);
  return me && textAt(me, 'AttendeeStatus');
}
const USER_RESPONSE = { accept: 1, tentative: 2, decline: 3 } as const;

/** The meeting carries the answer, recorded once, and (16.1) the organizer got one response mail. */
function answeredOnce(c: Fuzz, meeting: { uid: string; subject: string }, answer: MeetingAnswer, onMail: boolean): string | undefined {
  const what = `meeting "${meeting.subject}" (${answer} on the ${onMail ? 'request mail' : 'calendar item'}, ${c.version})`;
  const recorded = c.world.meetingAnswers.filter((a) => a.login === 'alice' && a.uid === meeting.uid);
  if (recorded.length === 0 || recorded.some((a) => a.userResponse !== USER_RESPONSE[answer]))
    return `${what}: recorded ${JSON.stringify(recorded)}`;
  const mayRepeat = c.version === '12.1' && !onMail;
  if (recorded.length > 1 && !mayRepeat) return `${what}: recorded ${recorded.length} times`;
  c.figures.answersAgain += recorded.length - 1;
  const mails = bySubject(bobsInbox(c), `${VERB[answer]}: ${meeting.subject}`).length;
  const toldOrganizer = c.version === '16.1'; // SendResponse is 16.0+ (MS-ASCMD 2.2.3.163)
  if (mails !== (toldOrganizer ? 1 : 0)) return `${what}: ${mails} response mails to the organizer`;
  const status = attendeeStatus(c, meeting.uid, 'alice@example.test');
  const wantStatus = toldOrganizer ? String(ATTENDEE_STATUS[answer]) : '5';
  if (status !== wantStatus) return `${what}: the organizer's copy shows AttendeeStatus ${status}, expected ${wantStatus}`;
  const events = [...folder(c, FolderType.Calendar).items.values()].filter(
    (i) => i.data.kind === 'pim' && propText(i.data, 'UID') === meeting.uid,
  );
  if (answer === 'decline') return events.length === 0 ? undefined : `${what}: still in the calendar`;
  const shown = events.map((i) => (i.data.kind === 'pim' ? propText(i.data, 'ResponseType') : undefined));
  return shown.length === 1 && shown[0] === String(RESPONSE_TYPE[USER_RESPONSE[answer]])
    ? undefined
    : `${what}: calendar shows ${JSON.stringify(shown)}`;
}

const message = (c: Fuzz, subject: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  accountId: c.accountId,
  to: [bob],
  cc: [],
  bcc: [],
  subject,
  text: `Text of ${subject}`,
  attachments: [],
  ...extra,
});

/** The edits of this fuzz on top of faults.test.ts's: mail from the outbox and meeting answers. */
const OUTBOX_AND_MEETINGS: ((c: Fuzz) => Promise<void>)[] = [
  async (c) => {
    const subject = `${marker(c)} news`;
    await c.engine.queueMail(message(c, subject));
    c.commands.add('SendMail');
    c.figures.mails += 1;
    c.checks.push(() => delivered(c, subject));
  },
  async (c) => {
    const inbox = folder(c, FolderType.Inbox);
    const original = pick(c, inbox, (i) => i.data.kind === 'mail' && !i.data.meeting);
    if (!original) return;
    const kind = c.r.pick(['reply', 'replyAll', 'forward'] as const);
    // At 12.1 a quoted text goes as SendMail (no ReplaceMime), else as SmartReply/SmartForward.
    const quoted = c.r.chance(0.3);
    const subject = `${kind === 'forward' ? 'Fw' : 'Re'}: ${marker(c)}`;
    await c.engine.queueMail(
      message(c, subject, {
        source: { kind, ref: { accountId: c.accountId, itemId: await itemIdOf(c.store, c.accountId, inbox.id, original.id) }, quoted },
      }),
    );
    c.touched.set(original.id, 'mail');
    c.commands.add(quoted && c.version === '12.1' ? 'SendMail' : kind === 'forward' ? 'SmartForward' : 'SmartReply');
    c.figures.mails += 1;
    c.checks.push(() => delivered(c, subject));
  },
  async (c) => {
    const meeting = c.invitations.pop();
    if (!meeting) return;
    const calendar = folder(c, FolderType.Calendar);
    const inbox = folder(c, FolderType.Inbox);
    const event = pick(c, calendar, (i) => i.data.kind === 'pim' && propText(i.data, 'UID') === meeting.uid);
    const request = pick(c, inbox, (i) => i.data.kind === 'mail' && i.data.meeting?.uid === meeting.uid);
    if (!event || !request) return;
    const answer = c.r.pick(['accept', 'tentative', 'decline'] as const);
    const onMail = c.r.chance(0.4);
    const [folderId, serverId] = onMail ? [inbox.id, request.id] : [calendar.id, event.id];
    await c.engine.respondToMeeting(c.accountId, await itemIdOf(c.store, c.accountId, folderId, serverId), answer);
    c.touched.set(event.id, 'item').set(request.id, 'item');
    // The organizer's copy too, where alice sees it (bob's calendar shared with her): the answer reaches it (16.x).
    for (const f of c.mb.folders.values()) {
      for (const i of f.store.items.values())
        if (i.data.kind === 'pim' && propText(i.data, 'UID') === meeting.uid) c.touched.set(i.id, 'item');
    }
    c.commands.add('MeetingResponse');
    c.figures.answers += 1;
    c.checks.push(() => answeredOnce(c, meeting, answer, onMail));
  },
];

/** Each edit of faults.test.ts once, the new ones twice (so most seeds send and answer). */
const ALL_EDITS: ((c: Fuzz) => Promise<void>)[] = [...EDITS, ...OUTBOX_AND_MEETINGS, ...OUTBOX_AND_MEETINGS];

/** Which Sync commands the queue holds: Sync carries adds, changes, deletes, read and flag. */
function syncCommands(c: Fuzz, kinds: readonly string[]): void {
  if (kinds.some((k) => k === 'add' || k === 'change' || k === 'delete')) c.commands.add('Sync');
  if (kinds.includes('move')) c.commands.add('MoveItems');
}

/** The transport into the mock, counting the drop-after faults that hit by command. */
function counting(server: MockServer, hits: Map<string, number>): (r: Request) => Promise<Response> {
  return async (r) => {
    try {
      return await server.handle(r);
    } catch (e) {
      if (e instanceof ConnectionDropped) {
        const cmd = parseQuery(new URL(r.url))?.cmd ?? r.method;
        hits.set(cmd, (hits.get(cmd) ?? 0) + 1);
      }
      throw e;
    }
  };
}

async function runSeed(server: MockServer, seed: number, figures: Figures): Promise<void> {
  const r = rng(seed);
  server.control.faults.clear();
  const version = VERSIONS[seed % VERSIONS.length] as Fuzz['version'];
  const world = server.mock.world;
  const tag = `a${seed}`;
  const invitations = Array.from({ length: r.int(1, 2) }, (_, i) => {
    const subject = `${tag} meeting ${i}`;
    return { subject, ...invite(world, 'bob', 'alice', subject, seed * 10 + i) };
  });
  // One clock for all the device's processes, as a wall clock: a server's "busy until" passes.
  const clock = instantClock();
  const machine = new Machine(pinVersion(counting(server, figures.hits), version), r, clock);
  let h = await machine.boot();
  const account = await h.engine.addAccount(alice);
  expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true });
  const mb = world.mailboxes.get('alice') as Mailbox;
  const sentSynced = r.chance(0.75);
  const sentId = requireFolderOfType(mb, FolderType.SentItems).store.id;
  if (!sentSynced) await h.engine.setFolderEnabled(account.id, sentId, false);
  const c: Fuzz = {
    engine: h.engine,
    store: machine.store!,
    accountId: account.id,
    mb,
    r,
    tag,
    used: new Set(),
    checks: [],
    n: 0,
    version,
    sentSynced,
    invitations,
    commands: new Set(),
    figures,
    world,
    touched: new Map(),
  };
  const edits = r.int(3, 8);
  for (let i = 0; i < edits; i++) await r.pick(ALL_EDITS)(c);
  syncCommands(
    c,
    (await machine.store!.db.getAll('pending')).map((p) => p.kind),
  );

  const dirty: Dirty = new Map(c.touched);
  const differences: string[] = [];
  const lives = await machine.liveUntilThrough(
    account.id,
    `seed ${seed}`,
    MAX_LIVES,
    async (lives) => {
      for (let i = r.int(0, 2); i > 0; i--) otherDeviceEdit(c, world, dirty);
      // The first life aims a drop-after at a command the edits need; later ones draw from the whole mix.
      if (lives === 0 && c.commands.size > 0) server.control.faults.set({ dropAfter: 1, dropAfterCmd: r.pick([...c.commands]) });
      else if (r.chance(0.5))
        server.control.faults.set(r.chance(0.6) ? { dropAfter: r.int(1, 2), dropAfterCmd: r.pick(AMBIGUOUS) } : r.pick(OTHER_FAULTS));
      await clock.sleep(LIFE_GAP_MS);
      return r.chance(0.5) ? r.int(1, 12) : undefined;
    },
    async (through) => {
      const problem =
        differences.length === 0
          ? await contentAfterLife(server, version, machine, account.id, through, dirty, figures.content)
          : undefined;
      if (problem) differences.push(problem);
    },
  );
  server.control.faults.clear();
  h = await machine.boot();
  expect(await h.engine.syncAccount(account.id)).toMatchObject({ ok: true, folderErrors: [] });
  const problems = c.checks.map((check) => check()).filter((x): x is string => x !== undefined);
  problems.push(...differences);
  const store = machine.store!;
  const [remote, local] = [serverView(server), await localView(store, account.id)];
  if (!sentSynced) for (const view of [remote, local]) view.delete(sentId);
  problems.push(...diffViews(remote, local), ...(await countProblems(store, account.id)));
  if ((await store.db.getAll('pending')).length > 0) problems.push('queue not empty');
  if (problems.length)
    throw new Error(`seed ${seed} (${version}): ${problems.join('; ')} (faults: ${server.control.faults.log.slice(-20).join(' ')})`);
  store.close();
  figures.lives += lives;
  figures.kills += machine.kills;
}

/**
 * A fresh mock world every few seeds: each seed adds meetings and sent mail to it, and a
 * new device syncs it all (a world takes ~45 ms to build, a seed ~0.1 s).
 */
const SEEDS_PER_WORLD = 20;
const world = (): MockServer => mockServer({ data: { mails: 40, contacts: 12, events: 12, tasks: 12, notes: 0, gal: 0 } });

describe('offline edits through random faults with lost answers (drop-after)', () => {
  it(`${SEEDS} seeds at 12.1/14.1/16.1: nothing lost or doubled, each mail sent and each meeting answered once`, async () => {
    const figures: Figures = {
      lives: 0,
      kills: 0,
      mails: 0,
      answers: 0,
      hits: new Map(),
      extraCopies: 0,
      answersAgain: 0,
      content: { checks: 0, items: 0, fields: 0 },
    };
    const started = Date.now();
    let server = world();
    for (let seed = 1; seed <= SEEDS; seed++) {
      if (seed % SEEDS_PER_WORLD === 1) server = world();
      await runSeed(server, seed, figures);
    }
    const hits = [...figures.hits]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([cmd, n]) => `${cmd} ${n}`)
      .join(', ');
    console.log(
      `ambiguous failures: ${SEEDS} seeds, ${figures.lives} process lives, ${figures.kills} kills, ${figures.mails} mails, ${figures.answers} meeting answers; ` +
        `drop-after hits: ${hits}; 12.1 second copies without Sent Items: ${figures.extraCopies}; 12.1 answers recorded again: ${figures.answersAgain}; ` +
        `content oracle after every life: ${figures.content.checks} comparisons, ${figures.content.items} items and ${figures.content.fields} fields compared, 0 differences; ${Date.now() - started} ms`,
    );
    expect(figures.content.checks).toBe(figures.lives);
    for (const cmd of ['Sync', 'MoveItems', 'MeetingResponse', 'SendMail', 'SmartReply', 'SmartForward'])
      expect(figures.hits.get(cmd) ?? 0, cmd).toBeGreaterThan(0);
  }, 300_000);
});
