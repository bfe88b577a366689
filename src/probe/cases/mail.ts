/**
 * The mail cases, all on mails the probe sends to itself: SendMail,
 * ItemOperations, SmartReply, MoveItems, Ping (woken by a new mail) and
 * MeetingResponse (an invitation sent to self, accepted).
 */
import {
  buildItemOperations,
  itemOperationsStatusText,
  parseItemOperations,
  type ItemOperationResult,
} from '../../eas/commands/itemoperations.ts';
import { buildMeetingResponse, meetingResponseStatusText, parseMeetingResponse } from '../../eas/commands/meetingresponse.ts';
import { buildMoveItems, moveItemsStatusText, parseMoveItems } from '../../eas/commands/moveitems.ts';
import { buildPing, parsePing, pingStatusText, type PingResponse } from '../../eas/commands/ping.ts';
import { buildSmartReply, parseSmartReply } from '../../eas/commands/smartreply.ts';
import { describeStatus } from '../../eas/status.ts';
import { fromBase64 } from '../../wbxml/base64.ts';
import { buildInvitation, buildMessage } from '../mime.ts';
import { expectStatus, fail } from '../outcome.ts';
import type { ProbeCase } from '../runner.ts';
import { sleep, type ItemSummary, type ProbeSession } from '../session.ts';

const ATTACHMENT_NAME = 'eas-probe.txt';

/** The first mail's subject, body marker and attachment content. */
function firstMail(s: ProbeSession): { subject: string; marker: string; attachment: string } {
  return {
    subject: `${s.prefix} mail`,
    marker: `marker-${s.runId}-body`,
    attachment: `Attachment of eas probe run ${s.runId}.\n`,
  };
}

/** The first mail, as the Inbox sync state has it now. */
async function findFirstMail(s: ProbeSession, signal: AbortSignal): Promise<ItemSummary> {
  const inbox = s.synced('Email');
  await s.syncUntilQuiet(inbox, signal);
  const subject = firstMail(s).subject;
  return [...inbox.items.values()].find((i) => i.subject === subject) ?? fail(`the mail "${subject}" is not in the Inbox`);
}

export const sendMailCase: ProbeCase = {
  name: 'SendMail',
  needs: ['Email: Sync initial'],
  commands: ['SendMail'],
  timeout: (t) => t.deliveryMs + t.caseMs,
  async run(s, signal) {
    const m = firstMail(s);
    const text = `Sent by eas probe run ${s.runId} to its own address.\n${m.marker}\n`;
    await s.sendToSelf(m.subject, text, signal, { attachment: { name: ATTACHMENT_NAME, content: m.attachment } });
    const mail = await s.waitForMail(m.subject, signal);
    // MS-ASAIRS 2.2.2.7: the attachment is listed with a FileReference for ItemOperations.
    if (mail.fileReferences.length === 0) fail(`the mail arrived as ${mail.serverId} without its attachment in airsyncbase:Attachments`);
    return `sent to ${s.email}; arrived in the Inbox as ${mail.serverId} with its attachment`;
  },
};

function fetchResult(results: readonly ItemOperationResult[]): Extract<ItemOperationResult, { kind: 'Fetch' }> {
  const r = results[0];
  if (r?.kind !== 'Fetch') fail('ItemOperations: no Fetch result in the Response');
  expectStatus('ItemOperations Fetch', r.status, itemOperationsStatusText);
  return r;
}

export const itemOperationsCase: ProbeCase = {
  name: 'ItemOperations',
  needs: ['SendMail'],
  commands: ['ItemOperations'],
  async run(s, signal) {
    const m = firstMail(s);
    const mail = await findFirstMail(s, signal);
    const inbox = s.synced('Email').folder.serverId;
    // MS-ASCMD 2.2.1.10: Fetch of a mailbox item by CollectionId and ServerId, with its body.
    const fetchBody = buildItemOperations(
      {
        operations: [
          { kind: 'Fetch', target: { serverId: mail.serverId, collectionId: inbox }, options: { bodyPreferences: [{ type: 1 }] } },
        ],
      },
      s.ctx,
    );
    const body = await s.call(fetchBody, parseItemOperations, signal);
    expectStatus('ItemOperations', body.status, itemOperationsStatusText);
    const text = fetchResult(body.results).properties?.body?.data ?? fail('ItemOperations: the fetched mail has no airsyncbase:Body/Data');
    if (!text.includes(m.marker)) fail('ItemOperations: the fetched body is not the text that was sent');
    // MS-ASCMD 2.2.3.8: Fetch of an attachment by its FileReference.
    const reference = mail.fileReferences[0] ?? fail('the probe mail has no FileReference');
    const fetchFile = buildItemOperations({ operations: [{ kind: 'Fetch', target: { fileReference: reference } }] }, s.ctx);
    const file = await s.call(fetchFile, parseItemOperations, signal);
    expectStatus('ItemOperations', file.status, itemOperationsStatusText);
    const data = fetchResult(file.results).properties?.data ?? fail('ItemOperations: the fetched attachment has no Data');
    const content = new TextDecoder().decode(fromBase64(data.trim()));
    if (content.replace(/\r\n/g, '\n') !== m.attachment) fail('ItemOperations: the fetched attachment differs from the one sent');
    return `body (${text.length} characters) and attachment ${ATTACHMENT_NAME} fetched`;
  },
};

export const smartReplyCase: ProbeCase = {
  name: 'SmartReply',
  needs: ['SendMail'],
  commands: ['SmartReply'],
  timeout: (t) => t.deliveryMs + t.caseMs,
  async run(s, signal) {
    const m = firstMail(s);
    const original = await findFirstMail(s, signal);
    const subject = `Re: ${m.subject}`;
    const id = s.nextClientId();
    const mime = buildMessage({
      from: s.email,
      to: s.email,
      subject,
      text: `Reply by eas probe run ${s.runId}.`,
      date: new Date(s.now()),
      messageId: `${id}@eas-probe.invalid`,
      boundary: `eas-probe-${id}`,
    });
    const source = { itemId: original.serverId, folderId: s.synced('Email').folder.serverId };
    const res = await s.call(buildSmartReply({ clientId: id, source, mime }, s.ctx), parseSmartReply, signal);
    if (!res.ok) expectStatus('SmartReply', res.status, describeStatus);
    const reply = await s.waitForMail(subject, signal);
    // MS-ASCMD 2.2.1.20: without ReplaceMime the server retrieves the original and sends it with the reply.
    const quoted = reply.body?.includes(m.marker) === true;
    if (!quoted && reply.bodyTruncated !== true) fail(`the reply (${reply.serverId}) arrived without the original message`);
    return `reply arrived as ${reply.serverId}${quoted ? ' with the original text' : ' (body truncated: quoting not checked)'}`;
  },
};

export const moveItemsCase: ProbeCase = {
  name: 'MoveItems',
  needs: ['SendMail'],
  commands: ['MoveItems'],
  async run(s, signal) {
    const inbox = s.synced('Email');
    const mail = await findFirstMail(s, signal);
    const target = s.folderOfType(4) ?? s.folders.find((f) => f.type === 12) ?? fail('no Deleted Items or other mail folder to move to');
    const there = await moveOne(s, mail.serverId, inbox.folder.serverId, target.serverId, signal);
    inbox.items.delete(mail.serverId); // the mover knows the item left (no Delete is due to it)
    const back = await moveOne(s, there, target.serverId, inbox.folder.serverId, signal);
    await s.syncUntilQuiet(inbox, signal);
    const subject = firstMail(s).subject;
    if (![...inbox.items.values()].some((i) => i.subject === subject)) fail(`after moving back, Sync does not show the mail in the Inbox`);
    return `moved to ${target.displayName} as ${there}, and back as ${back}`;
  },
};

/** One MoveItems; MS-ASCMD 2.2.3.177.10: Status 3 is success, with the new id in DstMsgId. */
async function moveOne(s: ProbeSession, item: string, from: string, to: string, signal: AbortSignal): Promise<string> {
  const r = await s.call(buildMoveItems({ moves: [{ srcMsgId: item, srcFldId: from, dstFldId: to }] }, s.ctx), parseMoveItems, signal);
  const one = r.results[0];
  if (!one) fail(`MoveItems: no Response${r.status !== undefined ? ` (Status ${r.status}: ${moveItemsStatusText(r.status)})` : ''}`);
  expectStatus('MoveItems', one.status, moveItemsStatusText, 3);
  return one.dstMsgId ?? fail('MoveItems: no DstMsgId in the Response (MS-ASCMD 2.2.3.52)');
}

export const pingCase: ProbeCase = {
  name: 'Ping',
  needs: ['SendMail'],
  commands: ['Ping'],
  timeout: (t) => t.heartbeat * 4000 + t.caseMs,
  async run(s, signal) {
    const inbox = s.synced('Email');
    await s.syncUntilQuiet(inbox, signal); // nothing unsynced, so only the new mail can wake the Ping
    const folders = [{ id: inbox.folder.serverId, class: 'Email' as const }];
    const ping = (heartbeatInterval: number): Promise<PingResponse> =>
      s.call(buildPing({ heartbeatInterval, folders }, s.ctx), parsePing, signal);
    const pending = settle(ping(s.timing.heartbeat));
    await sleep(s.timing.pingDelayMs, signal);
    const sentAt = s.now();
    await s.sendToSelf(`${s.prefix} ping`, `Wakes the Ping of eas probe run ${s.runId}.`, signal);
    let r = await unsettle(await pending);
    let note = '';
    // MS-ASCMD 2.2.3.177.11 Status 5: the heartbeat is out of range; HeartbeatInterval gives the limit.
    if (r.status === 5 && r.heartbeatInterval !== undefined) {
      note = `; heartbeat raised to the server's ${r.heartbeatInterval} s`;
      r = await ping(r.heartbeatInterval);
    }
    if (r.status === 1) fail(`the heartbeat expired (Status 1) without reporting the new mail${note}`);
    expectStatus('Ping', r.status, pingStatusText, 2);
    if (!r.folders.includes(inbox.folder.serverId)) fail(`Status 2 names ${r.folders.join(', ') || 'no folder'}, not the Inbox`);
    return `Status 2 naming the Inbox, ${Math.round(s.now() - sentAt)} ms after the mail was sent${note}`;
  },
};

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Holds a promise's outcome, so a failure while we are busy elsewhere is not an unhandled rejection. */
function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

function unsettle<T>(r: Settled<T>): T {
  if (!r.ok) throw r.error;
  return r.value;
}

export const meetingResponseCase: ProbeCase = {
  name: 'MeetingResponse',
  needs: ['SendMail', 'Calendar: Sync initial'],
  commands: ['MeetingResponse'],
  timeout: (t) => 2 * t.deliveryMs + t.caseMs,
  async run(s, signal) {
    const inbox = s.synced('Email');
    const calendar = s.synced('Calendar');
    const subject = `${s.prefix} meeting`;
    const uid = `${s.prefix}-meeting@eas-probe.invalid`;
    const start = new Date(Math.ceil((s.now() + 48 * 3_600_000) / 3_600_000) * 3_600_000);
    const calendarText = buildInvitation({
      uid,
      summary: subject,
      start,
      end: new Date(start.getTime() + 1_800_000),
      stamp: new Date(s.now()),
      organizer: 'organizer@eas-probe.invalid',
      attendee: s.email,
    });
    await s.sendToSelf(subject, `Invitation sent by eas probe run ${s.runId}.`, signal, { calendar: calendarText });
    const request = await s.waitForMail(subject, signal);
    // MS-ASEMAIL 2.2.2.48: a meeting request carries email:MeetingRequest (MessageClass IPM.Schedule.Meeting.Request).
    if (!request.meetingRequest) fail(`the invitation arrived as ${request.messageClass ?? 'a mail'} without a MeetingRequest`);
    const req = buildMeetingResponse(
      { requests: [{ userResponse: 1, collectionId: inbox.folder.serverId, requestId: request.serverId }] },
      s.ctx,
    );
    const r = await s.call(req, parseMeetingResponse, signal);
    const result = r.results[0] ?? fail('MeetingResponse: no Result');
    expectStatus('MeetingResponse', result.status, meetingResponseStatusText);
    // The accepted meeting is one calendar item, found by its UID (or, where the server rewrites UIDs, its subject).
    const isIt = (i: ItemSummary): boolean => i.uid === uid || i.subject === subject;
    await s.waitForItem(calendar, isIt, 'the accepted meeting', signal);
    const events = [...calendar.items.values()].filter(isIt);
    if (events.length !== 1) fail(`${events.length} calendar items for the meeting, not one`);
    return `accepted; one calendar item ${events[0]?.serverId}${result.calendarId ? ` (CalendarId ${result.calendarId})` : ''}`;
  },
};
