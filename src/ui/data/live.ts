/**
 * The app's shared handles (store, engine client) and `useLive`, a query that runs
 * again whenever the engine reports a change to the stores it reads.
 */
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { DemoAction, DemoState } from '../../demo/demo.ts';
import type { Db } from '../../store/db.ts';
import type { StoreName } from '../../store/schema.ts';
import type { EngineClient, EngineEvent } from '../../runtime/engine-client.ts';

export interface AppHandles {
  readonly db: Db;
  readonly client: EngineClient;
  /** The demo server's fault panel; absent where there is no demo (unit tests). */
  readonly demo?: (action: DemoAction, user?: string) => Promise<DemoState>;
}

export const AppContext = createContext<AppHandles | null>(null);

export function useApp(): AppHandles {
  const app = useContext(AppContext);
  if (!app) throw new Error('AppContext is missing');
  return app;
}

export interface Live<T> {
  readonly value: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
}

/**
 * Runs `query` now and after every `changed` event that touches one of `stores`;
 * `deps` restart it. Changes arriving while a query runs coalesce into one re-run.
 */
export function useLive<T>(query: (db: Db) => Promise<T>, deps: readonly unknown[], stores: readonly StoreName[]): Live<T> {
  const { db, client } = useApp();
  const [state, setState] = useState<Live<T>>({ value: undefined, error: undefined, loading: true });
  useEffect(() => {
    let alive = true;
    let running = false;
    let again = false;
    const run = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      do {
        again = false;
        try {
          const value = await query(db);
          if (alive) setState({ value, error: undefined, loading: false });
        } catch (error) {
          if (alive) setState((s) => ({ value: s.value, error, loading: false }));
        }
      } while (again && alive);
      running = false;
    };
    // A new query (other deps) must not show the previous one's value meanwhile.
    setState({ value: undefined, error: undefined, loading: true });
    void run();
    const off = client.subscribe((e: EngineEvent) => {
      if (e.type === 'changed' && e.stores.some((s) => stores.includes(s))) void run();
    });
    return () => {
      alive = false;
      off();
    };
  }, [db, client, ...deps]);
  return state;
}

/** Re-renders on every engine event of the given types (status, online, sync). */
export function useEngineEvents(types: readonly EngineEvent['type'][]): number {
  const { client } = useApp();
  const [tick, setTick] = useState(0);
  useEffect(() => client.subscribe((e) => types.includes(e.type) && setTick((n) => n + 1)), [client]);
  return tick;
}
