/**
 * Push against SOGo: the engine's Ping loop (MS-ASCMD 2.2.1.13) is woken by a mail delivered to
 * alice over SMTP (postfix -> LMTP -> dovecot), syncs the Inbox, and the mail is in the store.
 *
 * SOGo checks for changes when a Ping arrives and then every SOGoInternalSyncInterval (5 s on
 * the peer), so the Ping should answer within about 5 s of delivery: the bound is 10 s, and 12 s
 * until the mail is committed to the store. A Sync that added mail leaves SOGo a key its Ping
 * takes for a change until the client sends it back, which the engine does with one more Sync
 * (sync/collections.ts, `confirms`); the test still waits for a Ping that stays out before it
 * delivers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Email } from '../../src/eas/items/email.ts';
import type { SyncEvent } from '../../src/sync/events.ts';
import { close, connectClient, folderOfType, items, syncAll, type PeerClient } from './support/client.ts';
import { plainMail } from './support/mail.ts';
import { ALICE, BOB, VERSIONS, eventually, unique } from './support/peer.ts';
import { sendSmtp } from './support/smtp.ts';

const INBOX = 2;
// Short, so that a Ping left waiting when the loop stops frees its SOGo worker within a minute.
const HEARTBEAT_S = 60;
const PING_BOUND_MS = 10_000;
const STORE_BOUND_MS = 12_000;

describe.each(VERSIONS)('the Ping loop, EAS %s', (version) => {
  let c: PeerClient | undefined;
  const stop = new AbortController();
  afterAll(() => {
    stop.abort();
    if (c) close(c);
  });

  it('is woken by a delivery within 10 s and the mail reaches the store', async () => {
    const client = await connectClient(ALICE, version);
    c = client;
    await syncAll(client);
    const inbox = (await folderOfType(client, INBOX)).serverId;
    const events: { at: number; e: SyncEvent }[] = [];
    client.engine.subscribe((e) => events.push({ at: Date.now(), e }));
    const loop = client.engine.push(client.accountId, {
      signal: stop.signal,
      initialHeartbeat: HEARTBEAT_S,
      minHeartbeat: HEARTBEAT_S,
      maxHeartbeat: HEARTBEAT_S,
    });

    await eventually(
      'a Ping that stays out',
      async () => {
        const last = events.at(-1);
        const waiting = last?.e.type === 'push' && last.e.state === 'ping' && Date.now() - last.at > 1500;
        return waiting ? true : undefined;
      },
      30_000,
      250,
    );

    const subject = unique(`interop ping ${version}`);
    await sendSmtp({ from: BOB.email, to: [ALICE.email], message: plainMail(BOB, [ALICE], subject, 'Wake up.\n') });
    const delivered = Date.now();
    await eventually(
      'the mail in the store',
      async () => {
        const mails = (await items(client, inbox)).map((i) => i.data as Email);
        return mails.some((m) => m.subject === subject) ? true : undefined;
      },
      30_000,
      100,
    );

    const pinged = client.exchanges.find((x) => x.cmd === 'Ping' && x.at > delivered);
    const stored = events.find((x) => x.at > delivered && x.e.type === 'changes' && x.e.folderId === inbox && x.e.added > 0);
    const pingMs = (pinged?.at ?? Infinity) - delivered;
    const storeMs = (stored?.at ?? Infinity) - delivered;
    console.log(`Ping loop ${version}: Ping answered ${pingMs} ms, mail in the store ${storeMs} ms after SMTP accepted it`);
    expect(pinged?.status).toBe(200);
    expect(pingMs).toBeLessThan(PING_BOUND_MS);
    expect(storeMs).toBeLessThan(STORE_BOUND_MS);
    const copies = (await items(client, inbox)).filter((i) => (i.data as Email).subject === subject);
    expect(copies).toHaveLength(1);

    stop.abort();
    expect(await loop).toBe('aborted');
  });
});
