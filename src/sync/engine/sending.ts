/** The outbox as the engine offers it (engine.ts): queue, discard, retry and send mail (sync/outbox.ts). */
import { putOp } from '../local.ts';
import { writtenToOps } from '../../store/recents.ts';
import { outboxRecord, sendQueuedMail } from '../outbox.ts';
import type { Engine } from '../engine.ts';
import { seedIds, type EngineCore } from './core.ts';

export type Sending = Pick<Engine, 'queueMail' | 'discardMail' | 'retryMail' | 'flushOutbox'>;

export function sending(core: EngineCore): Sending {
  const { store, clock, emit, dataLock, ids, inFlight, idsReady, requireAccount, job } = core;

  return {
    async queueMail(mail) {
      await idsReady;
      const id = await dataLock.run(mail.accountId, async () => {
        await seedIds(store, ids);
        const record = outboxRecord(await requireAccount(mail.accountId), mail, ids.next(), clock.now());
        await store.commit([putOp('pending', record), ...(await writtenToOps(store, mail, clock.now()))]);
        return record.id as number;
      });
      emit({ type: 'outbox', accountId: mail.accountId, id, state: 'queued' });
      return id;
    },

    discardMail: (accountId, id) =>
      dataLock.run(accountId, async () => {
        const p = await store.db.get('pending', id);
        if (p?.kind !== 'send' || p.accountId !== accountId) return true;
        if (inFlight.has(id)) return false;
        await store.commit([{ store: 'pending', op: 'delete', key: id }]);
        emit({ type: 'outbox', accountId, id, state: 'discarded' });
        return true;
      }),

    async retryMail(accountId, id) {
      await dataLock.run(accountId, async () => {
        const p = await store.db.get('pending', id);
        if (p?.kind !== 'send' || p.payload.state !== 'failed') return;
        await store.commit([putOp('pending', { ...p, attempts: 0, lastError: undefined, payload: { ...p.payload, state: 'queued' } })]);
      });
      emit({ type: 'outbox', accountId, id, state: 'queued' });
    },

    async flushOutbox(accountId) {
      const ids = accountId ? [accountId] : await store.db.getAllKeys('accounts');
      const reports = await Promise.all(
        ids.map((id) =>
          job(
            id,
            async (run) => {
              await sendQueuedMail(run);
              return [];
            },
            false,
          ),
        ),
      );
      const bad = reports.find((r) => !r.ok);
      return bad ?? { ok: true, folderErrors: [] };
    },
  };
}
