/**
 * Mail through the engine's durable outbox against SOGo: alice -> bob goes out with SendMail
 * (MS-ASCMD 2.2.1.17) and arrives in bob's Inbox, seen over EAS (his own engine) and over IMAP,
 * with exactly one copy in alice's Sent (SaveInSentItems, MS-ASCMD 2.2.3.157). Bob's reply to
 * it goes out with SmartReply (MS-ASCMD 2.2.1.20) and reaches alice, once.
 * 14.1 sends the WBXML ComposeMail form; 12.1 the message/rfc822 body with SaveInSent=T.
 *
 * SOGo quirk at 12.1: the SmartReply query's CollectionId, a ServerId like `mail%2F<guid>` sent
 * percent-encoded as the query syntax requires (`mail%252F<guid>`, MS-ASHTTP 2.2.1.1.1.2), is
 * decoded once too often and SOGo answers HTTP 500; only the raw `mail%2F<guid>` works. The
 * outbox then falls back to SendMail with the original included, so the reply still arrives.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Email } from '../../src/eas/items/email.ts';
import type { OutgoingMessage } from '../../src/sync/outbox.ts';
import { close, connectClient, folderOfType, items, syncAll, syncFolders, type PeerClient } from './support/client.ts';
import { countBySubject } from './support/imap.ts';
import { ALICE, BOB, VERSIONS, eventually, unique, type PeerUser } from './support/peer.ts';

const INBOX = 2; // MS-ASCMD 2.2.3.186.3 folder types
const SENT = 5;

function mailTo(from: PeerClient, to: PeerUser, subject: string, text: string): OutgoingMessage {
  return { accountId: from.accountId, to: [{ name: to.name, email: to.email }], cc: [], bcc: [], subject, text, attachments: [] };
}

/** Sends what the outbox holds; nothing may stay queued. */
async function flush(c: PeerClient): Promise<void> {
  const report = await c.engine.flushOutbox(c.accountId);
  expect(report).toMatchObject({ ok: true });
  const queued = (await c.store.db.getAllFromIndex('pending', 'byAccount', c.accountId)).filter((p) => p.kind === 'send');
  expect(queued, 'the outbox is empty').toEqual([]);
}

/** The one mail with this subject in the user's Inbox, once the engine's sync has it. */
async function arrived(c: PeerClient, subject: string): Promise<{ mail: Email; serverId: string; folderId: string; id: string }> {
  const inbox = (await folderOfType(c, INBOX)).serverId;
  const hits = await eventually(`"${subject}" in ${c.user.login}'s Inbox over EAS`, async () => {
    await syncFolders(c, [inbox]);
    const found = (await items(c, inbox)).filter((i) => (i.data as Email).subject === subject);
    return found.length > 0 ? found : undefined;
  });
  expect(hits).toHaveLength(1);
  const hit = hits[0];
  if (!hit) throw new Error('unreachable');
  return { mail: hit.data as Email, serverId: hit.serverId, folderId: inbox, id: hit.id };
}

async function sentCopies(c: PeerClient, subject: string): Promise<number> {
  await syncAll(c);
  const sent = await items(c, (await folderOfType(c, SENT)).serverId);
  return sent.filter((i) => (i.data as Email).subject === subject).length;
}

describe.each(VERSIONS)('the outbox against SOGo, EAS %s', (version) => {
  const open: PeerClient[] = [];
  afterAll(() => open.forEach(close));
  const subject = unique(`interop send ${version}`);

  it("a mail alice -> bob arrives in bob's Inbox (EAS and IMAP), one copy in alice's Sent", async () => {
    const alice = await connectClient(ALICE, version);
    const bob = await connectClient(BOB, version);
    open.push(alice, bob);
    await syncAll(alice);
    await syncAll(bob);

    await alice.engine.queueMail(mailTo(alice, BOB, subject, `Hello Bob,\n\nsent over EAS ${version}.\n`));
    await flush(alice);

    const got = await arrived(bob, subject);
    expect(got.mail.from?.email).toBe(ALICE.email);
    expect(got.mail.to.map((a) => a.email)).toEqual([BOB.email]);
    expect(await countBySubject(BOB, 'INBOX', subject)).toBe(1);
    expect(await countBySubject(ALICE, 'Sent', subject)).toBe(1);
    expect(await sentCopies(alice, subject)).toBe(1);
  });

  it("bob's reply (SmartReply) reaches alice once, one copy in bob's Sent", async () => {
    const [alice, bob] = open;
    if (!alice || !bob) throw new Error('the first test did not connect');
    const original = await arrived(bob, subject);
    const reply = `Re: ${subject}`;
    await bob.engine.queueMail({
      ...mailTo(bob, ALICE, reply, 'Thanks, Alice.\n'),
      source: { kind: 'reply', ref: { accountId: bob.accountId, itemId: original.id }, quoted: false },
    });
    const before = bob.exchanges.length;
    await flush(bob);
    const sent = bob.exchanges
      .slice(before)
      .filter((e) => e.cmd === 'SmartReply' || e.cmd === 'SendMail')
      .map(({ cmd, status }) => ({ cmd, status }));
    if (version === '14.1') {
      expect(sent).toEqual([{ cmd: 'SmartReply', status: 200 }]);
    } else {
      expect(
        sent.filter((e) => e.cmd === 'SmartReply').every((e) => e.status === 500),
        'SOGo 5.8 refuses 12.1 SmartReply',
      ).toBe(true);
      expect(sent.at(-1), 'the SendMail fallback').toEqual({ cmd: 'SendMail', status: 200 });
    }

    const got = await arrived(alice, reply);
    expect(got.mail.from?.email).toBe(BOB.email);
    expect(await countBySubject(ALICE, 'INBOX', reply)).toBe(1);
    expect(await countBySubject(BOB, 'Sent', reply)).toBe(1);
    expect(await sentCopies(bob, reply)).toBe(1);
  });
});
