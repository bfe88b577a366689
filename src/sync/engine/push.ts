/** Push (engine.ts): the Ping loop and its steps (ping.ts), over the engine's syncs. */
import { buildPing, parsePing } from '../../eas/commands/ping.ts';
import { classify } from '../errors.ts';
import { clearBackoff, pushStep, runPush, type PushDeps } from '../ping.ts';
import type { Engine } from '../engine.ts';
import { stateFor, type EngineCore } from './core.ts';
import type { SyncCycle } from './cycle.ts';

export type Push = Pick<Engine, 'push' | 'pushStep' | 'wakePush'>;

export function push(core: EngineCore, cycle: SyncCycle): Push {
  const { store, clock, emit, idsReady, runFor, failed, noteFailure, cleared } = core;
  const { syncAccount, syncFolders, syncHierarchy: syncHierarchyOnly } = cycle;
  const wakers = new Map<string, AbortController>();

  const pushDeps: PushDeps = {
    store,
    clock,
    emit,
    syncAccount,
    syncFolders,
    syncHierarchy: syncHierarchyOnly,
    async ping(account, req, signal) {
      const run = runFor(account);
      try {
        const answer = await run.session.run(
          (ctx) => buildPing(req, ctx),
          parsePing,
          (r) => r.status,
          { signal, retries: 0 },
        );
        if (account.lastFailure) await cleared(run); // the server answers again
        return answer;
      } catch (e) {
        if (signal.aborted) throw e;
        const err = classify(e, account.url);
        // A busy server's Retry-After is kept on the account, like a sync's: the status line shows the next try.
        if (stateFor(err) || (err.kind === 'busy' && err.retryAfterMs !== undefined)) await failed(run, err);
        else await noteFailure(run, err.kind, clock.now()); // a Ping that cannot get through: the status line says so
        throw err;
      }
    },
  };

  /** The signal that ends an account's back-off sleep early; a new one after each wake. */
  function wakeSignal(accountId: string): AbortSignal {
    let c = wakers.get(accountId);
    if (!c || c.signal.aborted) {
      c = new AbortController();
      wakers.set(accountId, c);
    }
    return c.signal;
  }

  return {
    async push(accountId, pushOptions = {}) {
      await idsReady;
      return runPush(pushDeps, accountId, pushOptions, () => wakeSignal(accountId));
    },

    async pushStep(accountId, pushOptions = {}) {
      await idsReady;
      return pushStep(pushDeps, accountId, pushOptions);
    },

    async wakePush(accountId) {
      const ids = accountId ? [accountId] : await store.db.getAllKeys('accounts');
      for (const id of ids) {
        await clearBackoff(store, id);
        wakers.get(id)?.abort();
      }
    },
  };
}
