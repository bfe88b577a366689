/**
 * The one place that chooses the engine behind the screens: the sync engine in this
 * page (engine-adapter.ts). It is loaded after the first paint (its own chunk), so the
 * screens render from the store at once; calls made meanwhile wait for it.
 * (The service-worker variant, when it comes, plugs in here with the same interface.)
 */
import type { Store } from '../store/db.ts';
import type { ClientStatus, EngineClient, EngineEvent } from './engine-client.ts';

export function createClient(store: Store): EngineClient {
  const ready = import('./engine-adapter.ts').then((m) => m.createInPageClient({ store }));
  return deferred(ready);
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
