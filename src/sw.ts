/**
 * The app's service worker:
 * - Workbox precaches the app shell (the manifest is injected at build time), so after
 *   the first load the app opens with no network; the data is in IndexedDB.
 * - It runs the sync engine (src/sw/host.ts). A leader tab drives it with one message
 *   per step; every tab hears of changes on the BroadcastChannel.
 * - Background Sync ('outbox') sends queued mail when no tab is open (Chromium).
 * - The demo server (src/sw/demo.ts): the mock EAS server answers `example.test`.
 * - An update waits until the user presses "Update" (workbox-window sends SKIP_WAITING).
 * - New mail raises a notification from here (src/sw/new-mail.ts), so it shows with no
 *   tab in front; a click brings the app to that mail (src/sw/notice-click.ts).
 */
import './sw/storage-shim.ts';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { openStore } from './store/db.ts';
import type { Engine } from './sync/engine.ts';
import { createInPageClient } from './ui/engine-adapter.ts';
import { createDemo } from './sw/demo.ts';
import { createHost } from './sw/host.ts';
import type { Notice } from './sw/new-mail.ts';
import { openAt } from './sw/notice-click.ts';
import { CHANNEL, type Broadcast } from './sw/protocol.ts';
import type { ServiceWorkerGlobal } from './sw/types.ts';

declare const self: ServiceWorkerGlobal & { __WB_MANIFEST: (string | PrecacheEntry)[] };

const OUTBOX_TAG = 'outbox';
// The worker's own view of the connection (it follows the browser's, emulation included).
const online = (): boolean => self.navigator.onLine;
const demo = createDemo({ online });
const origin = self.location.origin;

/** The engine's fetch: the demo server answers its own host, everything else goes out. */
const transport = (request: Request): Promise<Response> =>
  demo.claims(new URL(request.url), origin) ? demo.handle(request) : fetch(request);

const channel = new BroadcastChannel(CHANNEL);

const host = createHost({
  async open({ onSyncEvent }) {
    const store = await openStore();
    let engine: Engine | undefined;
    const client = createInPageClient({ store, transport, onEngine: (e) => (engine = e), onSyncEvent });
    if (!engine) throw new Error('the engine was not created');
    return { client, engine, store };
  },
  broadcast: (m: Broadcast) => channel.postMessage(m),
  online,
  requestBackgroundSync: async () => {
    await self.registration.sync?.register(OUTBOX_TAG);
  },
  demo: async () => demo,
  showNotice: (n: Notice) =>
    self.registration.showNotification(n.title, { body: n.body, tag: n.tag, icon: 'icons/icon-192.png', data: { hash: n.hash }, renotify: true } as NotificationOptions),
  permission: () => (typeof Notification === 'undefined' ? 'default' : Notification.permission),
});

// Before Workbox's routes: the demo server answers requests pages make to it.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (demo.claims(url, origin)) event.respondWith(demo.handle(event.request));
});

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Hash routes: every navigation is the shell.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/(mock-control|__demo)\//] }));

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

self.addEventListener('sync', (event) => {
  if (event.tag === OUTBOX_TAG) event.waitUntil(host.backgroundSync());
});
