/**
 * A mail sent alice -> bob through SOGo arrives: SendMail (MS-ASCMD 2.2.1.17) on alice's
 * account, then bob sees it in his Inbox over EAS (his own engine) and over IMAP, and alice's
 * Sent holds exactly one copy (SaveInSentItems, MS-ASCMD 2.2.3.157).
 *
 * The engine has no outbox/SendMail API yet, so the command goes through EasClient with the
 * engine account's DeviceId and negotiated version: 14.1 sends the WBXML ComposeMail form,
 * 12.1 the message/rfc822 body with SaveInSent=T in the query.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildSendMail, parseSendMail } from '../../src/eas/commands/sendmail.ts';
import type { Email } from '../../src/eas/items/email.ts';
import { close, command, connectClient, easClient, folderOfType, items, syncAll, syncFolders, type PeerClient } from './support/client.ts';
import { countBySubject } from './support/imap.ts';
import { plainMail } from './support/mail.ts';
import { ALICE, BOB, VERSIONS, eventually, unique } from './support/peer.ts';

const INBOX = 2; // MS-ASCMD 2.2.3.186.3 folder types
const SENT = 5;

describe.each(VERSIONS)('SendMail alice -> bob, EAS %s', (version) => {
  const open: PeerClient[] = [];
  afterAll(() => open.forEach(close));

  it('arrives in bob\'s Inbox (EAS and IMAP), one copy in alice\'s Sent', async () => {
    const alice = await connectClient(ALICE, version);
    const bob = await connectClient(BOB, version);
    open.push(alice, bob);
    await syncAll(bob);
    const bobInbox = await folderOfType(bob, INBOX);
    const before = (await items(bob, bobInbox.serverId)).length;

    const subject = unique(`interop send ${version}`);
    const mime = new TextEncoder().encode(plainMail(ALICE, [BOB], subject, `Hello Bob,\n\nsent over EAS ${version}.\n`));
    const clientId = `interop-${Date.now()}-${version}`.replace('.', '');
    const answer = await command(await easClient(alice), buildSendMail, parseSendMail, { clientId, mime, saveInSentItems: true });
    expect(answer).toEqual({ ok: true }); // success is an empty body (MS-ASCMD 2.2.1.17)

    const found = await eventually(`"${subject}" in bob's Inbox over EAS`, async () => {
      await syncFolders(bob, [bobInbox.serverId]);
      const mails = (await items(bob, bobInbox.serverId)).map((i) => i.data as Email);
      const hits = mails.filter((m) => m.subject === subject);
      return hits.length > 0 ? { hits, total: mails.length } : undefined;
    });
    expect(found.hits).toHaveLength(1);
    expect(found.hits[0]?.from?.email).toBe(ALICE.email);
    expect(found.hits[0]?.to.map((a) => a.email)).toEqual([BOB.email]);
    expect(found.total).toBe(before + 1);

    expect(await countBySubject(BOB, 'INBOX', subject)).toBe(1);
    expect(await countBySubject(ALICE, 'Sent', subject)).toBe(1);

    // And alice's client sees its Sent copy in the Sent folder.
    await syncAll(alice);
    const sent = await items(alice, (await folderOfType(alice, SENT)).serverId);
    expect(sent.filter((i) => (i.data as Email).subject === subject)).toHaveLength(1);
  });
});
