/**
 * Asks the Global Address List while the user types: once typing pauses (`delayMs`),
 * only for the latest text, and never while offline. An answer for older text is
 * dropped; a failure is reported as 'unavailable', never thrown. While a new answer is
 * awaited, the last answer's people are kept (the screen narrows them to the new text).
 */
import type { Person } from './suggest.ts';

export type GalStatus = 'idle' | 'waiting' | 'done' | 'offline' | 'unavailable';

export interface GalState {
  readonly query: string;
  readonly status: GalStatus;
  readonly people: readonly Person[];
}

export interface GalLookupOptions {
  readonly search: (query: string) => Promise<Person[]>;
  readonly online: () => boolean;
  readonly onState: (state: GalState) => void;
  readonly delayMs?: number;
  /** Shorter text asks nothing (one letter matches half the directory). */
  readonly minLength?: number;
}

export interface GalLookup {
  ask(query: string): void;
  stop(): void;
}

export const GAL_DELAY_MS = 250;

export function galLookup(o: GalLookupOptions): GalLookup {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;
  let last: readonly Person[] = [];
  const report = (state: GalState) => {
    if (state.status !== 'waiting') last = state.people;
    o.onState(state);
  };
  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    latest++;
  };
  const run = async (query: string, ticket: number) => {
    timer = undefined;
    const result = await o.search(query).then(
      (people): GalState => ({ query, status: 'done', people }),
      (): GalState => ({ query, status: o.online() ? 'unavailable' : 'offline', people: [] }),
    );
    if (ticket === latest) report(result);
  };
  return {
    ask(text) {
      stop();
      const query = text.trim();
      if (query.length < (o.minLength ?? 2)) return report({ query, status: 'idle', people: [] });
      if (!o.online()) return report({ query, status: 'offline', people: [] });
      report({ query, status: 'waiting', people: last });
      const ticket = latest;
      timer = setTimeout(() => void run(query, ticket), o.delayMs ?? GAL_DELAY_MS);
    },
    stop,
  };
}
