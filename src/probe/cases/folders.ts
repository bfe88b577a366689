/**
 * Per class (Email, Calendar, Contacts, Tasks), in the class's default folder:
 * GetItemEstimate, the initial Sync with paging, an incremental Sync with
 * nothing to bring, and an add/change/delete round trip on a scratch item.
 */
import {
  buildGetItemEstimate,
  getItemEstimateStatusText,
  parseGetItemEstimate,
  type EstimateCollection,
} from '../../eas/commands/getitemestimate.ts';
import { syncStatusText, type SyncClientCommand, type SyncItemResponse } from '../../eas/commands/sync.ts';
import { encodeCalendar, encodeCalendarChange, type CalendarItem } from '../../eas/items/calendar.ts';
import { encodeContact, type Contact } from '../../eas/items/contact.ts';
import { encodeEmailChange } from '../../eas/items/email.ts';
import { encodeTask, type Task } from '../../eas/items/task.ts';
import { UTC_BLOB } from '../../eas/items/timezone.ts';
import { atLeast } from '../../eas/version.ts';
import type { El } from '../../wbxml/tree.ts';
import { expectStatus, fail, ProbeNotSupported } from '../outcome.ts';
import type { ProbeCase } from '../runner.ts';
import { CLASS_FOLDER_TYPE, type Collection, type ProbeClass, type ProbeSession } from '../session.ts';

function folderFor(s: ProbeSession, cls: ProbeClass): NonNullable<ReturnType<ProbeSession['classFolder']>> {
  const folder = s.classFolder(cls);
  if (!folder) throw new ProbeNotSupported(`FolderSync lists no ${cls} folder (Type ${CLASS_FOLDER_TYPE[cls]})`);
  return folder;
}

/**
 * GetItemEstimate with the key of a freshly primed folder (MS-ASCMD 2.2.1.9):
 * the number of items the initial Sync is about to bring. Asked by the initial
 * Sync case between priming and paging; the GetItemEstimate case judges it.
 */
async function estimate(s: ProbeSession, c: Collection, signal: AbortSignal): Promise<number> {
  const collection: EstimateCollection = atLeast(s.version, '14.0')
    ? { syncKey: c.syncKey, collectionId: c.folder.serverId, options: [{ filterType: c.filterType }] }
    : { syncKey: c.syncKey, collectionId: c.folder.serverId, class: c.cls, filterType: c.filterType };
  const r = await s.call(buildGetItemEstimate({ collections: [collection] }, s.ctx), parseGetItemEstimate, signal);
  expectStatus('GetItemEstimate', r.status, getItemEstimateStatusText);
  const one = r.responses[0] ?? fail('GetItemEstimate: no Response');
  expectStatus('GetItemEstimate', one.status, getItemEstimateStatusText);
  return one.estimate ?? fail('GetItemEstimate: no Estimate in the Response');
}

export function initialSyncCase(cls: ProbeClass): ProbeCase {
  return {
    name: `${cls}: Sync initial`,
    needs: ['FolderSync'],
    commands: ['Sync'],
    timeout: (t) => t.syncMs,
    async run(s, signal) {
      const c = s.collection(cls, folderFor(s, cls));
      // MS-ASCMD 2.2.3.181.4: SyncKey 0 primes the state and returns the first key.
      const prime = await s.syncOnce(c, signal);
      if (prime.empty || c.syncKey === '0') fail('Sync with SyncKey 0 gave no new SyncKey');
      if (s.advertises('GetItemEstimate')) {
        s.estimates.set(
          cls,
          await estimate(s, c, signal).then(
            (n) => ({ estimate: n }),
            (error: unknown) => ({ error }),
          ),
        );
      }
      const { items, pages } = await pageThrough(s, c, signal);
      const broken = [...c.items.values()].filter((i) => i.error !== undefined);
      if (broken.length > 0) fail(`${broken.length} of ${items} items do not decode; ${broken[0]?.serverId}: ${broken[0]?.error}`);
      return `${items} items in ${pages} pages of at most ${s.windowSize}`;
    },
  };
}

export function estimateCase(cls: ProbeClass): ProbeCase {
  return {
    name: `${cls}: GetItemEstimate`,
    needs: [`${cls}: Sync initial`],
    commands: ['GetItemEstimate'],
    async run(s) {
      const asked = s.estimates.get(cls) ?? fail('GetItemEstimate was not asked');
      if ('error' in asked) throw asked.error;
      const synced = s.synced(cls).items.size;
      if (asked.estimate !== synced) {
        fail(`estimate ${asked.estimate} right after priming, but the initial Sync then brought ${synced} items`);
      }
      return `estimate ${asked.estimate} right after priming = the items the initial Sync brought`;
    },
  };
}

/**
 * Syncs until MoreAvailable is absent (MS-ASCMD 2.2.3.116), checking that no
 * page is larger than the WindowSize asked for (MS-ASCMD 2.2.3.199) and no item
 * is added twice.
 */
async function pageThrough(s: ProbeSession, c: Collection, signal: AbortSignal): Promise<{ items: number; pages: number }> {
  const seen = new Set<string>();
  let idle = 0;
  for (let page = 1; ; page++) {
    const r = await s.syncOnce(c, signal, { windowSize: s.windowSize });
    const commands = r.result?.commands ?? [];
    if (commands.length > s.windowSize) fail(`page ${page} has ${commands.length} changes; WindowSize was ${s.windowSize}`);
    for (const cmd of commands) {
      if (cmd.kind !== 'Add') continue;
      if (seen.has(cmd.serverId)) fail(`page ${page} adds ${cmd.serverId} a second time`);
      seen.add(cmd.serverId);
    }
    if (!r.result?.moreAvailable) return { items: c.items.size, pages: page };
    idle = commands.length === 0 ? idle + 1 : 0;
    if (idle >= 3) fail(`MoreAvailable on ${idle} pages in a row without any change`);
  }
}

export function incrementalSyncCase(cls: ProbeClass): ProbeCase {
  return {
    name: `${cls}: Sync incremental`,
    needs: [`${cls}: Sync initial`],
    async run(s, signal) {
      const c = s.synced(cls);
      const r = await s.syncOnce(c, signal);
      // MS-ASCMD 2.2.1.21: with nothing new the server MAY answer an empty body.
      if (r.empty) return 'no changes (empty answer)';
      const n = r.result?.commands.length ?? 0;
      if (n > 0) fail(`${n} changes right after a complete sync, nothing having changed`);
      return 'no changes (Status 1, no Commands)';
    },
  };
}

// ------------------------------------------------------------------ round trips

/** A Sync carrying one client command; returns the server's Response for it, if it sent one. */
async function command(s: ProbeSession, c: Collection, cmd: SyncClientCommand, signal: AbortSignal): Promise<SyncItemResponse | undefined> {
  const r = await s.syncOnce(c, signal, { commands: [cmd], deletesAsMoves: false });
  // The client takes it (parseSync passes over it), the probe names it.
  if (r.result?.changesWithoutServerId) fail(`Sync ${cmd.kind}: a Responses/Change without ServerId, which MS-ASCMD 2.2.3.166.8 requires`);
  return r.result?.responses.find((x) => x.kind === cmd.kind && idOf(x) === idOf(cmd));
}

/** An Add is named by its ClientId, the other commands by their ServerId. */
function idOf(x: SyncClientCommand | SyncItemResponse): string | undefined {
  return x.kind === 'Add' ? x.clientId : x.serverId;
}

/** Change and Delete are answered in Responses only when they fail (MS-ASCMD 2.2.3.154). */
function checkOptional(what: string, r: SyncItemResponse | undefined): void {
  if (r) expectStatus(what, r.status, syncStatusText);
}

/** Change, then Delete, then checks the item does not come back in the next Sync. */
async function changeAndDelete(s: ProbeSession, c: Collection, serverId: string, changed: El, signal: AbortSignal): Promise<void> {
  checkOptional('Sync Change', await command(s, c, { kind: 'Change', serverId, applicationData: changed }, signal));
  checkOptional('Sync Delete', await command(s, c, { kind: 'Delete', serverId }, signal));
  c.items.delete(serverId);
  await s.syncUntilQuiet(c, signal);
  if (c.items.has(serverId)) fail(`${serverId} came back in the Sync after its Delete`);
}

interface Scratch {
  readonly add: El;
  readonly change: El;
}

/** A new item of the class and its changed version, named after the run. */
function scratch(cls: Exclude<ProbeClass, 'Email'>, s: ProbeSession): Scratch {
  const name = `${s.prefix} ${cls.toLowerCase()}`;
  const ctx = s.ctx;
  if (cls === 'Calendar') {
    const event = scratchEvent(s, name);
    return { add: encodeCalendar(event, ctx), change: encodeCalendarChange(event, { ...event, subject: `${name} (changed)` }, ctx) };
  }
  if (cls === 'Contacts') {
    const contact: Contact = { fileAs: name, firstName: s.prefix, lastName: 'contact', email1Address: `${s.runId}@eas-probe.invalid` };
    return { add: encodeContact(contact, ctx), change: encodeContact({ ...contact, jobTitle: 'changed by eas probe' }, ctx) };
  }
  const task: Task = { subject: name, complete: false, importance: 1 };
  return { add: encodeTask(task, ctx), change: encodeTask({ ...task, subject: `${name} (changed)`, importance: 2 }, ctx) };
}

/** A 30-minute UTC appointment tomorrow; up to 14.1 the client makes the UID (MS-ASCAL 2.2.2.46). */
function scratchEvent(s: ProbeSession, subject: string): CalendarItem {
  const hour = 3_600_000;
  const start = new Date(Math.ceil((s.now() + 24 * hour) / hour) * hour);
  return {
    subject,
    startTime: start,
    endTime: new Date(start.getTime() + hour / 2),
    dtStamp: new Date(s.now()),
    timezone: UTC_BLOB,
    uid: `${s.prefix}-event@eas-probe.invalid`,
    clientUid: `${s.prefix}-event`,
    allDayEvent: false,
    busyStatus: 2,
    sensitivity: 0,
    meetingStatus: 0,
  };
}

export function roundTripCase(cls: Exclude<ProbeClass, 'Email'>): ProbeCase {
  return {
    name: `${cls}: add/change/delete`,
    needs: [`${cls}: Sync initial`],
    async run(s, signal) {
      const c = s.synced(cls);
      await s.syncUntilQuiet(c, signal);
      const item = scratch(cls, s);
      const clientId = s.nextClientId();
      const added = await command(s, c, { kind: 'Add', clientId, applicationData: item.add }, signal);
      // MS-ASCMD 2.2.3.154: every client Add is answered with its ClientId, a Status and the new ServerId.
      if (added?.kind !== 'Add') fail(`no Responses/Add for ClientId ${clientId}`);
      expectStatus('Sync Add', added.status, syncStatusText);
      const serverId = added.serverId ?? fail('Sync Add: no ServerId in the Response');
      await changeAndDelete(s, c, serverId, item.change, signal);
      return `added ${serverId}, changed it, deleted it`;
    },
  };
}

/** Mail cannot be added with Sync before 16.0 (drafts only then): the add is a SendMail to self. */
export const mailRoundTripCase: ProbeCase = {
  name: 'Email: add/change/delete',
  needs: ['Email: Sync initial', 'SendMail'],
  timeout: (t) => t.deliveryMs + t.caseMs,
  async run(s, signal) {
    const subject = `${s.prefix} round trip`;
    await s.sendToSelf(subject, `Round trip of eas probe run ${s.runId}.`, signal);
    const mail = await s.waitForMail(subject, signal);
    // MS-ASEMAIL 2.2.2.58: Read is one of the properties a client changes on a received mail.
    await changeAndDelete(s, s.synced('Email'), mail.serverId, encodeEmailChange({ read: true }, s.ctx), signal);
    const trash = s.folderOfType(4);
    if (!trash) return `added by SendMail as ${mail.serverId}, marked read, deleted`;
    // MS-ASCMD 2.2.3.43: with DeletesAsMoves 0 the deletion is permanent, so the mail is not in Deleted Items.
    const deleted = s.collections.get(trash.serverId) ?? s.collection('Email', trash, 1);
    if (deleted.syncKey === '0') await s.syncOnce(deleted, signal);
    await s.syncUntilQuiet(deleted, signal);
    if ([...deleted.items.values()].some((i) => i.subject === subject)) {
      fail(`deleted with DeletesAsMoves 0, which is permanent, but the mail went to ${trash.displayName}`);
    }
    return `added by SendMail as ${mail.serverId}, marked read, deleted for good (not in ${trash.displayName})`;
  },
};
