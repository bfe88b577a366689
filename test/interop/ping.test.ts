/**
 * Push: a Ping (MS-ASCMD 2.2.1.13) on alice's Inbox returns Status 2 naming the Inbox soon
 * after a mail is delivered to her over SMTP (postfix -> LMTP -> dovecot), and the engine's
 * sync of that folder then brings the mail.
 *
 * SOGo checks for changes when the Ping arrives and then every SOGoInternalSyncInterval (5 s
 * on the peer), so the answer should come within about 5 s of delivery; 10 s is the bound.
 * The engine has no Ping loop yet: the Ping goes through EasClient as the engine's device.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildPing, parsePing, type PingResponse } from '../../src/eas/commands/ping.ts';
import type { Email } from '../../src/eas/items/email.ts';
import type { EasClient } from '../../src/eas/http.ts';
import { close, command, connectClient, easClient, folderOfType, items, syncAll, syncFolders, type PeerClient } from './support/client.ts';
import { plainMail } from './support/mail.ts';
import { ALICE, BOB, VERSIONS, sleep, unique } from './support/peer.ts';
import { sendSmtp } from './support/smtp.ts';

const INBOX = 2;
// Short enough that a Ping left waiting by a failed test frees its SOGo worker within a minute.
const HEARTBEAT_S = 60;
const LATENCY_BOUND_MS = 10_000;

/**
 * A Ping that is still waiting after `settleMs`: SOGo has made its first check and found
 * nothing. (Wrapped in an object: an async function returning a bare promise would wait for it.)
 */
async function waitingPing(c: PeerClient, client: EasClient, inboxId: string, settleMs = 1500): Promise<{ answer: Promise<PingResponse> }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const ping = command(client, buildPing, parsePing, { heartbeatInterval: HEARTBEAT_S, folders: [{ id: inboxId, class: 'Email' }] });
    const early = await Promise.race([ping, sleep(settleMs).then(() => undefined)]);
    if (early === undefined) return { answer: ping };
    // Answered at once: something is still unsynced. Sync what it names and ping again.
    expect(early.status, `early Ping answer ${JSON.stringify(early)}`).toBe(2);
    await syncFolders(c, early.folders);
  }
  throw new Error('every Ping returned at once');
}

describe.each(VERSIONS)('Ping, EAS %s', (version) => {
  let c: PeerClient | undefined;
  afterAll(() => c && close(c));

  it('returns Status 2 for the Inbox within 10 s of a delivery, and the sync brings the mail', async () => {
    c = await connectClient(ALICE, version);
    await syncAll(c);
    const inbox = (await folderOfType(c, INBOX)).serverId;
    const client = await easClient(c);
    const ping = await waitingPing(c, client, inbox);

    const subject = unique(`interop ping ${version}`);
    await sendSmtp({ from: BOB.email, to: [ALICE.email], message: plainMail(BOB, [ALICE], subject, 'Wake up.\n') });
    const delivered = Date.now();
    const answer = await ping.answer;
    const latency = Date.now() - delivered;
    console.log(`Ping ${version}: answered ${latency} ms after SMTP accepted the mail`);

    expect(answer.status).toBe(2);
    expect(answer.folders).toEqual([inbox]);
    expect(latency).toBeLessThan(LATENCY_BOUND_MS);

    await syncFolders(c, answer.folders);
    const mails = (await items(c, inbox)).map((i) => i.data as Email);
    expect(mails.filter((m) => m.subject === subject)).toHaveLength(1);
  });
});
