/**
 * `eas proxy --vault --push` in process, over HTTP: the app registers its push subscription, the relay
 * holds the Ping for its device, bob sends alice a mail, and the test push service receives one
 * message that it decrypts itself (push-service.ts) naming alice's Inbox. Then each error path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDist, raw, sleep } from './support.ts';
import { makeCert, startPushService, type PushService, type TestCert } from './push-service.ts';
import { bobSendsAlice, eas, folderSync, newDevice, register, session, signIn, startEnv, syncFolder, type Env } from './push-support.ts';
import { checkSubscription, isPublicAddress } from '../../src/proxy/webpush.ts';
import { basic, decoded, wbxml, WBXML } from './support.ts';
import { textAt } from '../../src/wbxml/tree.ts';

let dist: Awaited<ReturnType<typeof makeDist>>;
let cert: TestCert;
let service: PushService;

beforeAll(async () => {
  dist = await makeDist();
  cert = makeCert();
  service = await startPushService(cert);
});

afterAll(async () => {
  await service.close();
  cert.remove();
  await dist.remove();
});

/** Fast relay timings for tests: quiet after the device's requests, back-off base and cap. */
const FAST = { quietMs: 50, backoffMs: { base: 100, cap: 800 } };

function pushOptions(extra: object = {}) {
  return { push: { allowHosts: ['127.0.0.1'], ca: cert.cert, relay: { ...FAST, ...extra } } };
}

async function config(url: string): Promise<{ vault: boolean; push?: { vapidPublicKey: string } }> {
  return JSON.parse((await raw(url, { path: '/proxy/config' })).body.toString()) as { vault: boolean; push?: { vapidPublicKey: string } };
}

async function held(env: Env, n = 1): Promise<void> {
  await expect.poll(() => env.proxy.relay?.held(), { timeout: 5000 }).toBe(n);
}

describe('push: register, a mail arrives, the push names the folder', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv(dist.dist, pushOptions());
  });
  afterAll(() => env.stop());

  it('offers the VAPID key in /proxy/config: an uncompressed P-256 point, base64url', async () => {
    const c = await config(env.proxy.url);
    expect(c.vault).toBe(true);
    const key = Buffer.from(c.push?.vapidPublicKey ?? '', 'base64url');
    expect([key.length, key[0]]).toEqual([65, 4]);
    expect(c.push?.vapidPublicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
  });

  it('pushes once per change, with the changed folder, the account and high urgency; again after the device synced', async () => {
    const cookie = await signIn(env.proxy.url);
    const device = await newDevice(env.proxy.url, cookie, 'phone1');
    const sub = service.subscribe();
    const res = await register(env.proxy.url, cookie, { deviceId: 'phone1', subscription: sub.json });
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body.toString())).toEqual({ deviceId: 'phone1', holdsPing: true, state: 'watching', folders: [device.inbox] });
    await held(env);

    await bobSendsAlice(env.upstream, 'Lunch?');
    const m = await sub.next();
    expect(m.payload).toEqual({ folders: [device.inbox], user: 'alice', deviceId: 'phone1' });
    expect([m.urgency, m.ttl]).toEqual(['high', String(12 * 3600)]);
    expect(m.k).toBe((await config(env.proxy.url)).push?.vapidPublicKey);
    expect(m.claims.aud).toBe(service.origin);
    expect(m.claims.sub).toBe('mailto:postmaster@localhost');

    // A second mail before the device synced: the same change is not pushed twice.
    await bobSendsAlice(env.upstream, 'Lunch at one');
    await sleep(300);
    expect(sub.messages).toHaveLength(1);
    const s = await session(env.proxy.url, cookie);
    expect(s.body['push']).toEqual([
      {
        deviceId: 'phone1',
        holdsPing: true,
        state: 'waiting',
        reason: 'every watched folder has a pushed change the device has not synced',
        folders: [],
      },
    ]);

    // The service worker syncs the Inbox: both mails are there; the relay watches again.
    expect(await syncFolder(env.proxy.url, cookie, device, device.inbox)).toEqual(['Lunch at one', 'Lunch?']);
    await held(env);
    await bobSendsAlice(env.upstream, 'Coffee');
    expect((await sub.next()).payload).toEqual({ folders: [device.inbox], user: 'alice', deviceId: 'phone1' });
    expect(sub.errors).toEqual([]);
  });

  it('lets go of its Ping while the device itself talks to the server, and Pings again once it is quiet', async () => {
    const cookie = await signIn(env.proxy.url);
    const device = await newDevice(env.proxy.url, cookie, 'phone2');
    const sub = service.subscribe();
    expect((await register(env.proxy.url, cookie, { deviceId: 'phone2', subscription: sub.json })).status).toBe(201);
    await held(env, 1); // phone1 waits for its sync; phone2 is held
    // The app's own Ping (an older app) goes through; the relay's Ping is gone meanwhile.
    const ping = eas(
      env.proxy.url,
      cookie,
      'Ping',
      'phone2',
      `<Ping xmlns="Ping"><HeartbeatInterval>60</HeartbeatInterval><Folders><Folder><Id>${device.inbox}</Id><Class>Email</Class></Folder></Folders></Ping>`,
    );
    await expect.poll(() => env.proxy.relay?.status('alice', 'phone2')?.state).toBe('yielding');
    expect(env.proxy.relay?.held()).toBe(0);
    await bobSendsAlice(env.upstream, 'For the open tab');
    expect((await ping).status).toBe(200); // the app's Ping saw it: the open app syncs, no push needed
    await syncFolder(env.proxy.url, cookie, device, device.inbox);
    await held(env, 1);
    expect(sub.messages).toHaveLength(0);
    env.proxy.relay?.unregister('alice', 'phone2');
  });

  it('a registration, new or replacing, made while the device’s own Ping is in flight waits for that Ping to end', async () => {
    const cookie = await signIn(env.proxy.url);
    const device = await newDevice(env.proxy.url, cookie, 'phone3');
    const ping = eas(
      env.proxy.url,
      cookie,
      'Ping',
      'phone3',
      `<Ping xmlns="Ping"><HeartbeatInterval>60</HeartbeatInterval><Folders><Folder><Id>${device.inbox}</Id><Class>Email</Class></Folder></Folders></Ping>`,
    );
    await sleep(100); // the app's Ping is held upstream
    const before = env.proxy.relay?.held() ?? 0;
    expect((await register(env.proxy.url, cookie, { deviceId: 'phone3', subscription: service.subscribe().json })).status).toBe(201);
    expect(env.proxy.relay?.status('alice', 'phone3')?.state).toBe('yielding');
    const sub = service.subscribe();
    expect((await register(env.proxy.url, cookie, { deviceId: 'phone3', subscription: sub.json })).status).toBe(200);
    expect(env.proxy.relay?.status('alice', 'phone3')?.state).toBe('yielding');
    expect(env.proxy.relay?.held()).toBe(before);
    await bobSendsAlice(env.upstream, 'To the open tab');
    expect((await ping).status).toBe(200);
    await syncFolder(env.proxy.url, cookie, device, device.inbox);
    await expect.poll(() => env.proxy.relay?.status('alice', 'phone3')?.state).toBe('watching');
    await bobSendsAlice(env.upstream, 'To the closed app');
    expect((await sub.next()).payload).toEqual({ folders: [device.inbox], user: 'alice', deviceId: 'phone3' });
    env.proxy.relay?.unregister('alice', 'phone3');
  });

  it('validates the registration: JSON, same origin, a session, an https public endpoint, real keys', async () => {
    const cookie = await signIn(env.proxy.url);
    const sub = service.subscribe().json;
    const post = (body: unknown, headers: Record<string, string> = {}) => register(env.proxy.url, cookie, body, 'POST', headers);
    const form = await raw(env.proxy.url, {
      method: 'POST',
      path: '/proxy/push',
      body: 'deviceId=x',
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect((await post({ deviceId: 'x', subscription: sub }, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await post({ deviceId: 'x', subscription: sub }, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await register(env.proxy.url, 'eas_session=' + 'A'.repeat(43), { deviceId: 'x', subscription: sub })).status).toBe(401);
    const error = async (body: unknown) => {
      const r = await post(body);
      return [r.status, (JSON.parse(r.body.toString()) as { error: string }).error];
    };
    expect(await error({ subscription: sub })).toEqual([400, 'deviceId must be the EAS DeviceId the app syncs with']);
    expect(await error({ deviceId: 'x', subscription: { ...sub, endpoint: 'http://push.example.com/x' } })).toEqual([
      400,
      'subscription.endpoint must be an https: URL',
    ]);
    expect(await error({ deviceId: 'x', subscription: { ...sub, endpoint: 'https://10.1.2.3/x' } })).toEqual([
      400,
      'subscription.endpoint must be on a public address',
    ]);
    expect(await error({ deviceId: 'x', subscription: { ...sub, endpoint: 'https://[::1]:8443/x' } })).toEqual([
      400,
      'subscription.endpoint must be on a public address',
    ]);
    expect(await error({ deviceId: 'x', subscription: { ...sub, endpoint: 'https://localhost/x' } })).toEqual([
      400,
      'subscription.endpoint must be on a public address',
    ]);
    const offCurve = Buffer.alloc(65, 7);
    offCurve[0] = 4;
    expect(await error({ deviceId: 'x', subscription: { ...sub, keys: { ...sub.keys, p256dh: offCurve.toString('base64url') } } })).toEqual(
      [400, 'subscription.keys.p256dh must be a P-256 public key (65 bytes, base64url)'],
    );
    expect(
      await error({ deviceId: 'x', subscription: { ...sub, keys: { ...sub.keys, auth: Buffer.alloc(15).toString('base64url') } } }),
    ).toEqual([400, 'subscription.keys.auth must be 16 bytes, base64url']);
    expect(env.proxy.relay?.status('alice', 'x')).toBeUndefined();
  });

  it('replaces a device’s subscription (200), removes it (204), and caps subscriptions per user', async () => {
    const cookie = await signIn(env.proxy.url, 'bob');
    const first = service.subscribe().json;
    expect((await register(env.proxy.url, cookie, { deviceId: 'b1', subscription: first })).status).toBe(201);
    expect((await register(env.proxy.url, cookie, { deviceId: 'b1', subscription: service.subscribe().json })).status).toBe(200);
    for (let i = 2; i <= 10; i++)
      expect((await register(env.proxy.url, cookie, { deviceId: `b${i}`, subscription: first })).status).toBe(201);
    const over = await register(env.proxy.url, cookie, { deviceId: 'b11', subscription: first });
    expect([over.status, JSON.parse(over.body.toString())]).toEqual([
      409,
      { error: 'at most 10 push subscriptions per user: remove one first' },
    ]);
    for (let i = 1; i <= 10; i++)
      expect((await register(env.proxy.url, cookie, { deviceId: `b${i}`, subscription: first }, 'DELETE')).status).toBe(204);
    expect((await session(env.proxy.url, cookie)).body['push']).toEqual([]);
  });

  it('logging out stops the push of that session', async () => {
    const cookie = await signIn(env.proxy.url, 'bob');
    expect((await register(env.proxy.url, cookie, { deviceId: 'bx', subscription: service.subscribe().json })).status).toBe(201);
    expect(env.proxy.relay?.status('bob', 'bx')).toBeDefined();
    await raw(env.proxy.url, { method: 'POST', path: '/proxy/logout', headers: { Cookie: cookie } });
    expect(env.proxy.relay?.status('bob', 'bx')).toBeUndefined();
  });
});

describe('push: the server and the push service misbehave', () => {
  it('Status 7: tells the app once that the hierarchy changed, then waits for its FolderSync and watches again', async () => {
    const env = await startEnv(dist.dist, pushOptions());
    try {
      const cookie = await signIn(env.proxy.url);
      const device = await newDevice(env.proxy.url, cookie, 'phone7');
      const sub = service.subscribe();
      await register(env.proxy.url, cookie, { deviceId: 'phone7', subscription: sub.json });
      await held(env);
      // Alice's laptop makes a folder: her phone's hierarchy is out of date (MS-ASCMD 2.2.3.177.11 Status 7).
      const laptop = { Authorization: basic('alice', 'alicepass'), 'MS-ASProtocolVersion': '14.1', 'Content-Type': WBXML };
      const fs = await raw(env.upstream, {
        method: 'POST',
        path: '/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=alice&DeviceId=laptop&DeviceType=PC',
        headers: laptop,
        body: wbxml('<FolderSync xmlns="FolderHierarchy"><SyncKey>0</SyncKey></FolderSync>'),
      });
      const key = textAt(decoded(fs.body), 'SyncKey');
      await raw(env.upstream, {
        method: 'POST',
        path: '/Microsoft-Server-ActiveSync?Cmd=FolderCreate&User=alice&DeviceId=laptop&DeviceType=PC',
        headers: laptop,
        body: wbxml(
          `<FolderCreate xmlns="FolderHierarchy"><SyncKey>${key}</SyncKey><ParentId>0</ParentId><DisplayName>Projects</DisplayName><Type>12</Type></FolderCreate>`,
        ),
      });
      const m = await sub.next();
      expect(m.payload).toEqual({ folders: [], user: 'alice', deviceId: 'phone7', hierarchyChanged: true });
      expect(m.urgency).toBe('normal');
      await expect.poll(() => env.proxy.relay?.status('alice', 'phone7')?.state).toBe('waiting');
      await sleep(200);
      expect(sub.messages).toHaveLength(1); // the server answers 7 again at once: no second push, no loop
      // The app wakes, runs FolderSync; the relay watches again and the next mail is pushed.
      const after = await folderSync(env.proxy.url, cookie, 'phone7', device.folderKey);
      expect(after.added.map((f) => f.name)).toEqual(['Projects']);
      await held(env);
      await bobSendsAlice(env.upstream, 'After the new folder');
      expect((await sub.next()).payload).toEqual({ folders: [device.inbox], user: 'alice', deviceId: 'phone7' });
    } finally {
      await env.stop();
    }
  });

  it('Status 6: watches only as many folders as the server allows, the Inbox first; learns the device’s own FolderCreate', async () => {
    const env = await startEnv(dist.dist, pushOptions(), { maxPingFolders: 1 });
    try {
      const cookie = await signIn(env.proxy.url);
      const device = await newDevice(env.proxy.url, cookie, 'phone6');
      const created = await eas(
        env.proxy.url,
        cookie,
        'FolderCreate',
        'phone6',
        `<FolderCreate xmlns="FolderHierarchy"><SyncKey>${device.folderKey}</SyncKey><ParentId>0</ParentId><DisplayName>Receipts</DisplayName><Type>12</Type></FolderCreate>`,
      );
      const receipts = textAt(decoded(created.body), 'ServerId')!;
      await syncFolder(env.proxy.url, cookie, device, receipts);
      const sub = service.subscribe();
      const res = await register(env.proxy.url, cookie, { deviceId: 'phone6', subscription: sub.json });
      expect(JSON.parse(res.body.toString()).folders).toEqual([device.inbox, receipts]);
      await expect.poll(() => env.proxy.relay?.status('alice', 'phone6')?.folders).toEqual([device.inbox]); // after MaxFolders 1
      await held(env);
      await bobSendsAlice(env.upstream, 'Within the limit');
      expect((await sub.next()).payload['folders']).toEqual([device.inbox]);
    } finally {
      await env.stop();
    }
  });

  it('404/410 from the push service drops the subscription and its Ping', async () => {
    const env = await startEnv(dist.dist, pushOptions());
    try {
      const cookie = await signIn(env.proxy.url);
      await newDevice(env.proxy.url, cookie, 'gone1');
      const gone = service.subscribe();
      gone.answer = 410;
      await register(env.proxy.url, cookie, { deviceId: 'gone1', subscription: gone.json });
      await held(env);
      await bobSendsAlice(env.upstream, 'Nobody listens');
      await expect.poll(() => session(env.proxy.url, cookie).then((s) => s.body['push'])).toEqual([]);
      expect(env.proxy.relay?.held()).toBe(0);
      expect(gone.requests).toBe(1);
      await bobSendsAlice(env.upstream, 'Still nobody');
      await sleep(200);
      expect(gone.requests).toBe(1);
      expect(env.logs.some((l) => l.endsWith('push service 410: subscription dropped'))).toBe(true);
    } finally {
      await env.stop();
    }
  });

  it('takes the server’s heartbeat limit (Status 5), waits out 503 Retry-After, backs off when the upstream drops or is gone', async () => {
    // 1 s of the mock's time is 2 ms: its 600 s limit holds the Ping for 1.2 s.
    const env = await startEnv(dist.dist, pushOptions(), { maxHeartbeat: 600, timeScale: 0.002 });
    const relayLines = () => env.logs.filter((l) => / relay a\*\*\* hb1: /.test(l));
    try {
      const cookie = await signIn(env.proxy.url);
      const device = await newDevice(env.proxy.url, cookie, 'hb1');
      const sub = service.subscribe();
      await register(env.proxy.url, cookie, { deviceId: 'hb1', subscription: sub.json });
      await expect.poll(() => relayLines().some((l) => l.endsWith("heartbeat set to the server's limit, 600s"))).toBe(true);
      await held(env);

      // 503 with Retry-After: 1 s: nothing is asked of the server before it is over.
      env.mock.control.faults.set({ unavailable: 1, retryAfter: 1 });
      await expect.poll(() => relayLines().some((l) => l.endsWith('upstream 503: Retry-After 1s')), { timeout: 5000 }).toBe(true);
      const refusedAt = performance.now();
      await bobSendsAlice(env.upstream, 'After the 503');
      const m = await sub.next();
      expect(m.at - refusedAt).toBeGreaterThanOrEqual(900);
      expect(m.payload['folders']).toEqual([device.inbox]);
      await syncFolder(env.proxy.url, cookie, device, device.inbox);

      // The answer breaks off: the relay tries again soon and still pushes.
      env.mock.control.faults.set({ drop: 1 });
      await expect.poll(() => relayLines().some((l) => /: upstream (answer cut off|ECONNRESET)/.test(l)), { timeout: 5000 }).toBe(true);
      await bobSendsAlice(env.upstream, 'After the drop');
      expect((await sub.next()).payload['folders']).toEqual([device.inbox]);
      await syncFolder(env.proxy.url, cookie, device, device.inbox);
      await held(env);

      // The server is gone: tries spread out (doubling, with jitter, capped at 800 ms), never a burst.
      await env.upstreamServer.close();
      const before = relayLines().length;
      await sleep(2500);
      const tries = relayLines()
        .slice(before)
        .map((l) => Number(/next try in (\d+)ms/.exec(l)?.[1]))
        .filter((n) => n > 0);
      expect(tries.length).toBeGreaterThanOrEqual(3);
      expect(tries.length).toBeLessThanOrEqual(8);
      expect(tries.every((ms) => ms <= 800)).toBe(true);
      expect(tries[2]!).toBeGreaterThan(tries[0]! / 2); // waits grow, not shrink
      await env.restartUpstream();
      await bobSendsAlice(env.upstream, 'Back again');
      expect((await sub.next(8000)).payload['folders']).toEqual([device.inbox]);
      await syncFolder(env.proxy.url, cookie, device, device.inbox);
      await held(env);

      // 401: the password changed. The relay stops; the app learns it when it next opens; a new sign-in resumes.
      env.mock.control.faults.set({ unauthorized: 1 });
      await expect.poll(() => env.proxy.relay?.status('alice', 'hb1')?.state, { timeout: 5000 }).toBe('stopped');
      expect(await session(env.proxy.url, cookie)).toEqual({
        status: 401,
        body: { error: 'the server refused the saved password: sign in again', reason: 'password' },
      });
      expect(
        (await eas(env.proxy.url, cookie, 'FolderSync', 'hb1', '<FolderSync xmlns="FolderHierarchy"><SyncKey>0</SyncKey></FolderSync>'))
          .status,
      ).toBe(401);
      const sent = sub.requests;
      await bobSendsAlice(env.upstream, 'While stopped');
      await sleep(1500);
      expect(sub.requests).toBe(sent);
      expect(env.proxy.relay?.held()).toBe(0);
      const again = await signIn(env.proxy.url);
      expect((await sub.next()).payload['folders']).toEqual([device.inbox]); // the mail that came meanwhile
      expect(((await session(env.proxy.url, again)).body['push'] as { state: string }[])[0]?.state).toBe('waiting');
      expect(sub.errors).toEqual([]);
    } finally {
      await env.stop();
    }
  }, 30_000);
});

describe('push endpoint checks', () => {
  it('refuses --push without --vault', async () => {
    await expect(startEnv(dist.dist, { vault: false, push: true })).rejects.toThrow('push needs vault mode');
  });

  it('knows public addresses from private, loopback, link-local and documentation ones', () => {
    expect(['8.8.8.8', '2606:4700::1111', '142.250.0.1'].map(isPublicAddress)).toEqual([true, true, true]);
    expect(
      [
        '127.0.0.1',
        '10.0.0.1',
        '192.168.1.1',
        '172.20.0.1',
        '169.254.1.1',
        '100.64.0.1',
        '::1',
        'fd00::1',
        'fe80::1',
        '::ffff:10.0.0.1',
        '0.0.0.0',
      ]
        .map(isPublicAddress)
        .every((p) => !p),
    ).toBe(true);
    const keys = service.subscribe().json.keys;
    expect(checkSubscription({ endpoint: 'https://127.0.0.1:9/x', keys }, new Set(['127.0.0.1']))).toEqual({
      endpoint: 'https://127.0.0.1:9/x',
      keys,
    });
    expect(checkSubscription({ endpoint: 'https://127.0.0.1:9/x', keys }, new Set())).toBe(
      'subscription.endpoint must be on a public address',
    );
    expect(typeof checkSubscription({ endpoint: 'https://fcm.googleapis.com/fcm/send/abc', keys }, new Set())).toBe('object');
  });
});
