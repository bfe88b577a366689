/**
 * The app's service worker:
 * - Workbox precaches the app shell (the manifest is injected at build time), so after
 *   the first load the app opens with no network; the data is in IndexedDB.
 * - It runs the sync engine (src/runtime/host.ts). A leader tab drives it with one message
 *   per step; every tab hears of changes on the BroadcastChannel.
 * - Background Sync ('outbox') sends queued mail when no tab is open (Chromium).
 * - A Web Push from `eas proxy --push` syncs and notifies with every tab closed (host.push).
 * - The demo server (src/demo/demo.ts): the mock EAS server answers `example.test`, in
 *   the workers that use the demo only (below).
 * - An update waits until the user presses "Update" (workbox-window sends SKIP_WAITING).
 * - New mail raises a notification from here (src/runtime/new-mail.ts), so it shows with no
 *   tab in front; a click brings the app to that mail (src/runtime/notice-click.ts).
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { openStore } from './store/db.ts';
import { openEngine } from './runtime/engine-adapter.ts';
import type { DemoScope } from './demo/demo-worker.ts';
import { createHost } from './runtime/host.ts';
import type { Notice } from './runtime/new-mail.ts';
import { openAt } from './runtime/notice-click.ts';
import { CHANNEL, type Broadcast } from './runtime/protocol.ts';
import { reregisterAll } from './runtime/push.ts';
import type { ServiceWorkerGlobal } from './sw/types.ts';

declare const self: ServiceWorkerGlobal & DemoScope & { __WB_MANIFEST: (string | PrecacheEntry)[]; importScripts(...urls: string[]): void };

const OUTBOX_TAG = 'outbox';
// The worker's own view of the connection (it follows the browser's, emulation included).
const online = (): boolean => self.navigator.onLine;

/**
 * The demo server (the mock, MSW, postal-mime: 200 KB gzip, near three times the rest of
 * this worker) is a script of its own, demo-sw.js, that only a worker registered as
 * `sw.js?demo=1` imports. A
 * service worker cannot `import()`, and `importScripts` fetches a new script only while
 * the worker is first evaluated or installed; so the page asks for the demo by
 * registering that URL (src/ui/pwa.ts: the demo was requested, or a demo account exists),
 * and this worker imports the script as it is evaluated. The browser keeps a worker's
 * imported scripts with it (its script resource map, Service Workers spec), so every later
 * start, offline too, evaluates the same copy, and updates check it like sw.js itself.
 */
const DEMO = new URL(self.location.href).searchParams.get('demo') === '1';
if (DEMO) self.importScripts('demo-sw.js');
const demo = DEMO ? self.easDemo?.createDemo({ online }) : undefined;
const origin = self.location.origin;

/** The engine's fetch: the demo server answers its own host, everything else goes out. */
const transport = (request: Request): Promise<Response> =>
  demo?.claims(new URL(request.url), origin) ? demo.handle(request) : fetch(request);

const channel = new BroadcastChannel(CHANNEL);

const host = createHost({
  open: async ({ onSyncEvent }) => openEngine({ store: await openStore(), transport, onSyncEvent }),
  broadcast: (m: Broadcast) => channel.postMessage(m),
  online,
  requestBackgroundSync: async () => {
    await self.registration.sync?.register(OUTBOX_TAG);
  },
  demo: demo ? async () => demo : undefined,
  showNotice: (n: Notice) =>
    // Notifications API: `renotify` and `silent` exclude each other.
    self.registration.showNotification(n.title, {
      body: n.body,
      tag: n.tag,
      icon: 'icons/icon-192.png',
      data: { hash: n.hash },
      renotify: !n.silent,
      silent: n.silent === true,
    } as NotificationOptions),
  permission: () => (typeof Notification === 'undefined' ? 'default' : Notification.permission),
});

// Before Workbox's routes: the demo server answers requests pages make to it.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (demo?.claims(url, origin)) event.respondWith(demo.handle(event.request));
});

// The page switches to the demo worker on purpose (the user chose the demo): take over at
// once rather than wait for the update prompt. An update of a demo worker still waits.
self.addEventListener('install', (event) => {
  const active = self.registration.active;
  if (DEMO && active && new URL(active.scriptURL).searchParams.get('demo') !== '1') event.waitUntil(self.skipWaiting());
});

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Hash routes: every navigation is the shell, but for the server's own pages: the proxy's
// OAuth start and callback (`/proxy/oauth/…`) must reach the proxy, or the sign-in never ends.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/(mock-control|__demo|proxy)\//] }));

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  const data = event.data;
  if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'SKIP_WAITING') {
    event.waitUntil(self.skipWaiting());
    return;
  }
  event.waitUntil(host.handle(data, event.ports[0]));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const hash = (event.notification.data as { hash?: unknown } | null)?.hash;
  event.waitUntil(openAt(self.clients, self.registration.scope, typeof hash === 'string' ? hash : '#/mail'));
});

// Web Push from the proxy's relay (src/runtime/push.ts): sync, then a notification, inside the event.
self.addEventListener('push', (event) => event.waitUntil(host.push(event.data?.text())));

// The browser renewed the subscription (or lost it: subscribe again as before); the proxy gets the new one.
self.addEventListener('pushsubscriptionchange', (event) => {
  const renewed = async () => {
    const old = event.oldSubscription;
    const next = event.newSubscription ?? (old ? await self.registration.pushManager.subscribe(old.options) : null);
    if (next) await reregisterAll((input, init) => fetch(input, init), next.toJSON());
  };
  event.waitUntil(renewed().catch(() => undefined));
});

self.addEventListener('sync', (event) => {
  if (event.tag === OUTBOX_TAG) event.waitUntil(host.backgroundSync());
});
