/**
 * Push to a closed app against SOGo (issue #14): `eas proxy --vault --push` signs alice in, learns
 * her device's Inbox from its own FolderSync and Sync through the proxy (the sync engine, as the
 * app runs it, with the vault's cookie), holds the Ping, and a mail delivered to alice over SMTP
 * (postfix -> LMTP -> dovecot) reaches the test push service as one Web Push (RFC 8291, decrypted
 * there). The latency, SMTP accepted -> push received, is printed.
 *
 * SOGo looks for changes every SOGoInternalSyncInterval (5 s on the peer). After a Sync that added
 * mail it stores a SyncKey for the folder that its Ping takes for a change until the device sends
 * that key back, so the engine confirms it with one more Sync (sync/collections.ts, `confirms`):
 * no push with nothing new may follow the device's sync, neither the first one nor the one the
 * push woke.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Email } from '../../src/eas/items/email.ts';
import type { Transport } from '../../src/eas/endpoint.ts';
import { startProxy, type RunningProxy } from '../../src/proxy/server.ts';
import { makeCert, startPushService, type PushService, type Subscriber, type TestCert } from '../proxy/push-service.ts';
import { register, signIn } from '../proxy/push-support.ts';
import { makeDist } from '../proxy/support.ts';
import { close, connectClient, folderOfType, items, syncFolders, type PeerClient } from './support/client.ts';
import { plainMail } from './support/mail.ts';
import { ALICE, BOB, SOGO_URL, eventually, unique } from './support/peer.ts';
import { sendSmtp } from './support/smtp.ts';

const PUSH_BOUND_MS = 15_000; // SOGo's 5 s check interval, with room for a loaded machine

let dist: Awaited<ReturnType<typeof makeDist>>;
let cert: TestCert;
let service: PushService;
let proxy: RunningProxy;

beforeAll(async () => {
  dist = await makeDist();
  cert = makeCert();
  service = await startPushService(cert);
  // A short heartbeat, so that the relay's Ping frees its SOGo worker soon after the test.
  proxy = await startProxy({
    upstream: SOGO_URL,
    port: 0,
    dist: dist.dist,
    vault: true,
    push: { allowHosts: ['127.0.0.1'], ca: cert.cert, relay: { quietMs: 500, heartbeatS: 60 } },
  });
});

afterAll(async () => {
  await proxy?.close();
  await service?.close();
  cert?.remove();
  await dist?.remove();
});

/** The engine's requests through the proxy: the vault's cookie in place of the password (the proxy adds its own). */
function throughProxy(proxyUrl: string, cookie: string): Transport {
  return async (request) => {
    const headers = new Headers(request.headers);
    headers.delete('authorization');
    headers.set('cookie', cookie);
    const body = request.method === 'POST' ? await request.arrayBuffer() : undefined;
    return fetch(request.url.replace(SOGO_URL, proxyUrl), { method: request.method, headers, body, signal: request.signal });
  };
}

/**
 * Waits until the relay has held its Ping for 3 s (SOGo checks at once when a Ping arrives) or a
 * push came; returns the pushes that came after `seen`.
 */
async function pushesUntilQuiet(sub: Subscriber, seen: number): Promise<Subscriber['messages']> {
  await eventually(
    'the relay holding its Ping, or a push',
    async () => {
      if (sub.messages.length > seen) return true;
      if (proxy.relay?.held() !== 1) return undefined;
      await new Promise((r) => setTimeout(r, 3000));
      return proxy.relay?.held() === 1 || sub.messages.length > seen ? true : undefined;
    },
    60_000,
    250,
  );
  return sub.messages.slice(seen);
}

describe('eas proxy --vault --push over SOGo', () => {
  let client: PeerClient | undefined;
  afterAll(() => {
    if (client) close(client);
  });

  it('pushes a mail delivered by SMTP once, and nothing after the device synced it', async () => {
    const cookie = await signIn(proxy.url, ALICE.login, ALICE.password);
    const c = await connectClient(ALICE, '14.1', throughProxy(proxy.url, cookie));
    client = c;
    const inbox = (await folderOfType(c, 2)).serverId;
    await syncFolders(c, [inbox]);
    const account = await c.store.db.get('accounts', c.accountId);
    const deviceId = account?.deviceId ?? '';
    const sub = service.subscribe();
    expect((await register(proxy.url, cookie, { deviceId, subscription: sub.json })).status).toBe(201);
    // The first sync added the whole Inbox: SOGo's Ping must not take it for a change.
    expect(await pushesUntilQuiet(sub, 0)).toEqual([]);

    const subject = unique('interop push');
    await sendSmtp({ from: BOB.email, to: [ALICE.email], message: plainMail(BOB, [ALICE], subject, 'Wake the closed app.\n') });
    const accepted = performance.now(); // the push service stamps with performance.now()
    const message = await eventually('the push', async () => sub.messages[0], 60_000, 50);
    const latencyMs = message.at - accepted;
    console.log(`push over SOGo: SMTP accepted -> Web Push received ${Math.round(latencyMs)} ms`);
    expect(message.payload).toEqual({ folders: [inbox], user: ALICE.login, deviceId });
    expect(message.urgency).toBe('high');
    expect(latencyMs).toBeLessThan(PUSH_BOUND_MS);
    expect(sub.errors).toEqual([]);

    // The woken app syncs the folder the push names (the service worker's first step): the mail.
    const syncsBefore = c.exchanges.filter((x) => x.cmd === 'Sync').length;
    await syncFolders(c, [inbox]);
    const subjects = (await items(c, inbox)).map((i) => (i.data as Email).subject);
    expect(subjects.filter((s) => s === subject)).toHaveLength(1);
    console.log(`push over SOGo: the woken sync took ${c.exchanges.filter((x) => x.cmd === 'Sync').length - syncsBefore} Sync request(s)`);
    // No second push, with nothing new, once the relay Pings again.
    expect(await pushesUntilQuiet(sub, 1)).toEqual([]);
    proxy.relay?.unregister(ALICE.login, deviceId);
  });
});
