/**
 * Push to a closed app in Chromium (390×844), issue #14: the BUILT app through
 * `eas proxy --vault --push` over `eas mock` (both as the commands, in their own processes).
 *
 * Chromium here cannot reach a push service: its `PushManager.subscribe` answers "Registration
 * failed - permission denied" at once in headless mode (tried: Chromium 150). So the test stands
 * in for the browser vendor: the page's PushManager gives a subscription made by the test push
 * service on loopback (test/proxy/push-service.ts: it holds the keys, decrypts RFC 8291 and checks
 * the VAPID JWT), the proxy's relay sends its encrypted push there, and the test hands the
 * decrypted payload to the service worker with the Chrome DevTools Protocol
 * (`ServiceWorker.deliverPushMessage`), as the browser would, with every app tab closed.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bobSendsAlice } from '../proxy/push-support.ts';
import { makeCert, startPushService, type PushService, type Subscriber, type TestCert } from '../proxy/push-service.ts';
import { axeProblems, launchChromium, PHONE, ROOT, SHOTS, startBuiltServer } from './browser.ts';
import { eas, stopAll, type EasProcess } from './processes.ts';

const DIST = resolve(ROOT, 'test-results/e2e-dist-push');
let cert: TestCert;
let service: PushService;
let mock: EasProcess;
let proxy: EasProcess;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  cert = makeCert();
  service = await startPushService(cert);
  const app = await startBuiltServer(DIST); // this worktree's build, in a directory of its own
  await app.close();
  mock = await eas(['mock', '--port', '0', '--seed', '3']);
  proxy = await eas(
    ['proxy', '--upstream', mock.url, '--port', '0', '--dist', DIST, '--vault', '--push', '--push-allow-host', '127.0.0.1'],
    { NODE_EXTRA_CA_CERTS: cert.certFile },
  );
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  stopAll();
  await service?.close();
  cert?.remove();
});

/**
 * The page's PushManager, standing in for the browser's: `subscribe` gives the test push service's
 * subscription (kept in localStorage like a browser keeps it) and records the options it got.
 */
async function fakePushManager(context: BrowserContext, sub: Subscriber): Promise<void> {
  await context.addInitScript((json: Subscriber['json']) => {
    const KEY = 'e2e-push';
    const toBuffer = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)).buffer;
    const made = (key: string) => ({
      endpoint: json.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey: toBuffer(key) },
      toJSON: () => ({ endpoint: json.endpoint, expirationTime: null, keys: json.keys }),
      getKey: () => null,
      unsubscribe: async () => (localStorage.removeItem(KEY), true),
    });
    PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
      localStorage.setItem(`${KEY}-options`, JSON.stringify(options ?? null));
      if (options?.userVisibleOnly !== true || typeof options.applicationServerKey !== 'string')
        throw new DOMException('userVisibleOnly', 'NotAllowedError');
      localStorage.setItem(KEY, options.applicationServerKey);
      return made(options.applicationServerKey) as unknown as PushSubscription;
    };
    PushManager.prototype.getSubscription = async () => {
      const key = localStorage.getItem(KEY);
      return key ? (made(key) as unknown as PushSubscription) : null;
    };
  }, sub.json);
}

interface Shown {
  title: string;
  body: string;
  tag: string;
  hash?: string;
}

/** Runs in the service worker (no app tab needed): its notifications, and the subjects in its IndexedDB Inbox. */
function inWorker(worker: Worker): Promise<{ shown: Shown[]; inbox: string[] }> {
  return worker.evaluate(async () => {
    const reg = (globalThis as unknown as { registration: ServiceWorkerRegistration }).registration;
    const shown = (await reg.getNotifications()).map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      hash: (n.data as { hash?: string } | null)?.hash,
    }));
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const open = indexedDB.open('eas-pwa');
      open.onsuccess = () => ok(open.result);
      open.onerror = () => fail(open.error);
    });
    const all = <T>(store: string) =>
      new Promise<T[]>((ok) => {
        const r = db.transaction(store).objectStore(store).getAll();
        r.onsuccess = () => ok(r.result as T[]);
      });
    const inboxes = new Set((await all<{ serverId: string; type: number }>('folders')).filter((f) => f.type === 2).map((f) => f.serverId));
    const items = await all<{ folderId: string; data: { subject?: string } }>('items');
    db.close();
    return { shown, inbox: items.filter((i) => inboxes.has(i.folderId)).map((i) => i.data.subject ?? '') };
  });
}

/** What `GET /proxy/session` says about the relay (the test holds the browser's cookie). */
async function relayStatus(context: BrowserContext): Promise<{ deviceId: string; holdsPing: boolean; state: string; folders: string[] }[]> {
  const cookie = (await context.cookies(proxy.url)).map((c) => `${c.name}=${c.value}`).join('; ');
  const res = await fetch(`${proxy.url}/proxy/session`, { headers: { Cookie: cookie } });
  return ((await res.json()) as { push?: [] }).push ?? [];
}

async function signIn(page: Page, origin = proxy.url): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByRole('heading', { name: 'Add an account' }).waitFor({ timeout: 30_000 });
  await page.getByLabel('Email', { exact: true }).fill('alice@example.test');
  await page.getByLabel('Password', { exact: true }).fill('alicepass');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('keeps your password').waitFor({ timeout: 30_000 });
  await page.getByLabel('User name', { exact: true }).fill('alice');
  await page.getByRole('textbox', { name: /^Domain/ }).fill('example.test');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'What to sync' }).waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Done' }).click();
  await page.waitForFunction(() => document.documentElement.dataset['engine'] === 'sw' && !!navigator.serviceWorker.controller, null, {
    timeout: 30_000,
  });
  await page.getByRole('listbox', { name: 'Inbox' }).getByRole('option').first().waitFor({ timeout: 60_000 });
}

describe('push to a closed app', () => {
  it('the switch registers the subscription with the proxy; a mail to alice wakes the worker with every tab closed: notification shown, mail already on the device', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-US', timezoneId: 'Europe/Berlin', deviceScaleFactor: 1 });
    await context.grantPermissions(['notifications'], { origin: proxy.url });
    const subscriber = service.subscribe();
    await fakePushManager(context, subscriber);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await signIn(page);

    // The user turns the new-mail notification on in Settings.
    await page.evaluate(() => (location.hash = '#/settings'));
    await page.getByLabel('Notify me of new mail').check();
    await page.getByText('New mail is announced even while the app is closed.').waitFor({ timeout: 30_000 });
    const config = (await page.evaluate(async () => (await fetch('/proxy/config')).json())) as { push: { vapidPublicKey: string } };
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem('e2e-push-options'))) ?? 'null')).toEqual({
      userVisibleOnly: true,
      applicationServerKey: config.push.vapidPublicKey,
    });
    await page.screenshot({ path: resolve(SHOTS, 'push-settings-on.png') });
    expect(await axeProblems(page)).toEqual([]);
    const deviceId = (await page.locator('dl.kv code').first().textContent()) ?? '';
    expect(deviceId).not.toBe('');
    const [registered] = await relayStatus(context);
    expect(registered).toMatchObject({ deviceId, holdsPing: true });

    // Every app tab closes; a blank tab stays for the DevTools session (the browser's own part).
    const blank = await context.newPage();
    const cdp = await context.newCDPSession(blank);
    const registrations: { registrationId: string; scopeURL: string }[] = [];
    cdp.on(
      'ServiceWorker.workerRegistrationUpdated',
      (e: { registrations: { registrationId: string; scopeURL: string }[] }) => void registrations.push(...e.registrations),
    );
    await cdp.send('ServiceWorker.enable');
    await page.close();

    // The relay holds alice's Ping once the device is quiet, watching the Inbox the app synced.
    await expect.poll(async () => (await relayStatus(context))[0]?.state, { timeout: 60_000 }).toBe('watching');
    expect((await relayStatus(context))[0]?.folders.length).toBeGreaterThan(0);
    const subject = `Pushed while closed ${Date.now()}`;
    await bobSendsAlice(mock.url, subject);
    const message = await subscriber.next(60_000);
    expect(subscriber.errors).toEqual([]);
    expect(message.payload).toMatchObject({ deviceId, user: 'example.test\\alice' });
    expect((message.payload['folders'] as string[]).length).toBe(1);

    // The browser's part: the decrypted message goes to the service worker.
    await expect.poll(() => registrations.find((r) => r.scopeURL === `${proxy.url}/`)?.registrationId, { timeout: 10_000 }).toBeDefined();
    const registrationId = registrations.find((r) => r.scopeURL === `${proxy.url}/`)?.registrationId ?? '';
    expect(context.pages().map((p) => p.url())).toEqual(['about:blank']);
    const worker = async () => context.serviceWorkers().at(-1) ?? (await context.waitForEvent('serviceworker'));
    expect((await inWorker(await worker())).inbox).not.toContain(subject); // nothing synced it before the push
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: proxy.url, registrationId, data: JSON.stringify(message.payload) });

    const newMail = async () => (await inWorker(await worker())).shown.filter((n) => n.tag.startsWith('new-mail:'));
    await expect.poll(newMail, { timeout: 60_000 }).toHaveLength(1);
    const [notice] = await newMail();
    expect(notice?.title).toBe('New mail from bob@example.test');
    expect(notice?.body).toBe(subject);
    expect(notice?.hash).toMatch(/^#\/mail\/[^/]+\/[^/]+\/[^/]+$/);
    expect((await inWorker(await worker())).inbox).toContain(subject);

    // The same push again finds nothing new: a silent "No new mail", not the browser's generic notice.
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: proxy.url, registrationId, data: JSON.stringify(message.payload) });
    const quiet = async () => (await inWorker(await worker())).shown.filter((n) => n.tag === 'push-quiet');
    await expect.poll(quiet, { timeout: 60_000 }).toHaveLength(1);
    expect((await quiet())[0]).toMatchObject({ title: 'No new mail', body: 'alice@example.test', hash: '#/mail' });

    // The user taps it: the app opens at that mail, already on the device.
    const again = await context.newPage();
    await again.goto(`${proxy.url}/${notice?.hash ?? ''}`);
    await again.getByRole('heading', { name: subject }).waitFor({ timeout: 30_000 });
    await again.screenshot({ path: resolve(SHOTS, 'push-opened-mail.png') });

    // The settings say the same in Japanese.
    await again.evaluate(() => (location.hash = '#/settings'));
    await again.getByRole('combobox', { name: 'Language' }).selectOption('ja');
    await again.getByText('アプリを閉じていても新着メールを通知します。').waitFor({ timeout: 10_000 });
    await context.close();
  }, 240_000);

  it('where the server offers no push, the settings say so in English and Japanese, and nothing subscribes', async () => {
    const plain = await eas(['proxy', '--upstream', mock.url, '--port', '0', '--dist', DIST, '--vault']);
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-US', deviceScaleFactor: 1 });
    await context.grantPermissions(['notifications'], { origin: plain.url });
    await fakePushManager(context, service.subscribe());
    const page = await context.newPage();
    await signIn(page, plain.url);
    await page.evaluate(() => (location.hash = '#/settings'));
    await page.getByLabel('Notify me of new mail').check();
    await page.getByText('New mail is announced only while the app is open: this server cannot wake the app.').waitFor({ timeout: 30_000 });
    await page.getByRole('combobox', { name: 'Language' }).selectOption('ja');
    await page
      .getByText('新着メールはアプリを開いている間だけ通知します。このサーバーはアプリを起こせません。')
      .waitFor({ timeout: 10_000 });
    await page.screenshot({ path: resolve(SHOTS, 'push-settings-no-server-ja.png') });
    expect(await page.evaluate(() => localStorage.getItem('e2e-push-options'))).toBeNull();
    await context.close();
  }, 120_000);
});
