/**
 * The one place that chooses where the engine runs:
 * - in the service worker (the built app in a browser with service workers): calls
 *   and steps travel as messages (sw-client.ts), the worker runs the engine;
 * - in this page otherwise (the dev server, `?sw=0`, or when registration fails): the
 *   worker's host (host.ts) runs here, over engine-adapter.ts, with the demo server in
 *   the page.
 * Either way a leader tab (leader.ts) drives the schedule, and both are loaded after
 * the first paint (their own chunks): the screens render from the store at once, and
 * calls made meanwhile wait.
 */
import type { DemoAction, DemoState } from '../demo/demo.ts';
import { isDemoHost } from '../demo/demo-host.ts';
import { CHANNEL, type StepKind, type StepResult } from './protocol.ts';
import type { Store } from '../store/db.ts';
import type { ClientStatus, EngineClient, EngineEvent } from './engine-client.ts';
import { startLeaderElection } from './leader.ts';
import type { SwClient } from './sw-client.ts';

export type RuntimeMode = 'sw' | 'page';

export interface Runtime {
  readonly client: EngineClient;
  /** The demo server's fault panel (demo.ts DemoAction), wherever the demo runs. */
  demo(action: DemoAction, user?: string): Promise<DemoState>;
}

interface Started {
  readonly mode: RuntimeMode;
  readonly client: EngineClient;
  step(kind: StepKind): Promise<StepResult>;
  demo(action: DemoAction, user?: string): Promise<DemoState>;
}

/** Service workers unless unavailable, not built (dev server), or turned off with ?sw=0. */
function wantsServiceWorker(): boolean {
  const off = new URLSearchParams(globalThis.location?.search ?? '').get('sw') === '0';
  return import.meta.env.PROD && !off && typeof navigator !== 'undefined' && 'serviceWorker' in navigator;
}

export interface RuntimeOptions {
  /**
   * Registers the service worker (the screens' src/ui/pwa.ts, which also offers
   * updates and picks the demo worker when the demo is wanted); resolves with the
   * registration, or undefined when that failed.
   */
  readonly registerServiceWorker: () => Promise<ServiceWorkerRegistration | undefined>;
  /** Switches to the worker that carries the demo server (src/ui/pwa.ts useDemoWorker). */
  readonly useDemoWorker: () => Promise<void>;
}

export function createRuntime(store: Store, options: RuntimeOptions): Runtime {
  const started = (wantsServiceWorker() ? inWorker(options) : Promise.resolve(undefined)).then((s) => s ?? inPage(store));
  void started.then((s) => {
    // Visible to tests and to the curious: where the engine runs, and whether this tab leads.
    document.documentElement.dataset['engine'] = s.mode;
    startLeaderElection(
      (k) => s.step(k),
      () => (document.documentElement.dataset['leader'] = 'true'),
    );
  });
  return {
    client: deferred(started.then((s) => s.client)),
    demo: async (action, user) => (await started).demo(action, user),
  };
}

async function inWorker({ registerServiceWorker, useDemoWorker }: RuntimeOptions): Promise<Started | undefined> {
  if (!(await registerServiceWorker())) return undefined;
  const { createSwClient } = await import('./sw-client.ts');
  const client = demoFirst(
    createSwClient(async () => {
      const reg = await navigator.serviceWorker.ready;
      if (!reg.active) throw new Error('no active service worker');
      return reg.active;
    }),
    useDemoWorker,
  );
  return { mode: 'sw', client, step: (k) => client.step(k), demo: (a, u) => client.demo(a, u) };
}

/**
 * Setting up an account on the demo host (the button, `?demo=1`, or the address typed
 * by hand) first switches to the worker that carries the demo server (pwa.ts
 * useDemoWorker): the demo is loaded only by those who use it.
 */
function demoFirst(client: SwClient, useDemo: () => Promise<void>): SwClient {
  const onDemoHost = (address: string): boolean => {
    try {
      return isDemoHost(new URL(/^https?:\/\//i.test(address) ? address : `https://${address.replace(/^[^@]*@/, '')}`).hostname);
    } catch {
      return false;
    }
  };
  return {
    ...client,
    discover: async (email, password) => {
      if (onDemoHost(email)) await useDemo();
      return client.discover(email, password);
    },
    addAccount: async (input, onStep) => {
      if (onDemoHost(input.server) || onDemoHost(input.email)) await useDemo();
      return client.addAccount(input, onStep);
    },
  };
}

/**
 * No service worker: the worker's host (host.ts) runs in this page instead,
 * reached through the same messages, so edits are pushed, steps scheduled and the
 * demo driven exactly as in the worker (Background Sync aside).
 */
async function inPage(store: Store): Promise<Started> {
  const [{ openEngine }, { createHost }, { createSwClient }, { showPageNotice }] = await Promise.all([
    import('./engine-adapter.ts'),
    import('./host.ts'),
    import('./sw-client.ts'),
    import('./notice-click.ts'),
  ]);
  const demo = lazyDemo();
  const transport = async (request: Request): Promise<Response> =>
    isDemoHost(new URL(request.url).hostname) ? (await demo()).handle(request) : fetch(request);
  const channel = new BroadcastChannel(CHANNEL);
  const host = createHost({
    open: async ({ onSyncEvent }) => openEngine({ store, transport, onSyncEvent }),
    broadcast: (m) => channel.postMessage(m),
    online: () => navigator.onLine,
    // No worker to wake later: the leader's next step sends what waits.
    requestBackgroundSync: async () => undefined,
    demo,
    showNotice: showPageNotice,
    permission: () => (typeof Notification === 'undefined' ? 'default' : Notification.permission),
  });
  const here = { postMessage: (m: unknown, transfer: Transferable[]) => void host.handle(structuredClone(m), transfer[0] as MessagePort) };
  const client = createSwClient(async () => here as unknown as ServiceWorker);
  return { mode: 'page', client, step: (k) => client.step(k), demo: (a, u) => client.demo(a, u) };
}

/** The demo server in the page (its own chunk, loaded on the first demo request). */
function lazyDemo(): () => Promise<import('../demo/demo.ts').Demo> {
  let demo: Promise<import('../demo/demo.ts').Demo> | undefined;
  return () =>
    (demo ??= import('../demo/demo.ts').then((m) => m.createDemo({ dbName: 'eas-pwa-demo-page', online: () => navigator.onLine })));
}

/** An EngineClient whose calls wait for the real one; listeners are attached when it comes. */
export function deferred(ready: Promise<EngineClient>): EngineClient {
  let client: EngineClient | undefined;
  const listeners = new Set<(e: EngineEvent) => void>();
  void ready.then((c) => {
    client = c;
    c.subscribe((e) => listeners.forEach((l) => l(e)));
  });
  const special: Pick<EngineClient, 'status' | 'subscribe'> = {
    status: (): ClientStatus => client?.status() ?? { online: globalThis.navigator?.onLine ?? true, syncing: [] },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return new Proxy(special as EngineClient, {
    get(target, name: keyof EngineClient) {
      if (name === 'status' || name === 'subscribe') return target[name];
      return async (...args: unknown[]) => {
        const c = await ready;
        return (c[name] as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
}
