/**
 * EngineClient over the sync engine running here (src/sync/engine.ts): in the service
 * worker, or in the page when there is none (start.ts). Engine events become
 * store-change notifications for the screens; every HTTP exchange goes to the protocol
 * inspector. Sends go to the engine's durable outbox (the host,
 * host.ts, sends them at once); bodies, attachments and searches ask the server.
 */
import { createEngine, type Engine, type MeetingAnswer } from '../sync/engine.ts';
import { locateServer } from '../sync/account.ts';
import { SyncError, type ErrorKind } from '../sync/errors.ts';
import type { SyncEvent } from '../sync/events.ts';
import type { Transport } from '../eas/endpoint.ts';
import type { Store } from '../store/db.ts';
import type { StoreName } from '../store/schema.ts';
import { SYNC_CLASSES } from '../store/schema.ts';
import { forgetAccount } from './new-mail.ts';
import { forgetRelay } from './push.ts';
import { SetupError, type ClientStatus, type EngineClient, type EngineEvent, type ItemRef, type SetupErrorKind } from './engine-client.ts';

const SETUP_ERRORS: Partial<Record<ErrorKind, SetupErrorKind>> = {
  'wrong-password': 'auth',
  'password-expired': 'auth',
  unreachable: 'unreachable',
  cors: 'cors',
  'not-eas': 'notEas',
  blocked: 'blocked',
  provisioning: 'blocked',
  autodiscover: 'autodiscover',
  version: 'version',
};

const ANSWERS: Record<1 | 2 | 3, MeetingAnswer> = { 1: 'accept', 2: 'tentative', 3: 'decline' };

/** Which stores an engine event touched. */
function storesOf(e: SyncEvent): StoreName[] {
  switch (e.type) {
    case 'changes':
      return ['items', 'folders', 'pending'];
    case 'folders':
    case 'progress':
      return ['folders'];
    case 'account':
    case 'synced':
    case 'error':
      return ['accounts', 'folders'];
    case 'conflict':
      return ['conflicts', 'items', 'pending'];
    case 'wiped':
      return ['accounts', 'folders', 'items', 'pending', 'bodies', 'attachments'];
    case 'outbox':
      return ['pending'];
    case 'push':
      return [];
  }
}

export interface EngineOptions {
  readonly store: Store;
  readonly transport?: Transport;
  /** Hears every engine event as is (the host's new-mail watch). */
  readonly onSyncEvent?: (event: SyncEvent) => void;
}

/** The engine with its EngineClient: the host (host.ts) also drives the engine itself (Ping steps, the outbox). */
export interface Hosted {
  readonly client: EngineClient;
  readonly engine: Engine;
  readonly store: Store;
  /** Sends what the outbox holds (one account, or all), shown as a sync; failures stay queued for the next try. */
  sendOutbox(accountId?: string): Promise<void>;
}

export function openEngine({ store, transport = (r) => fetch(r), onSyncEvent }: EngineOptions): Hosted {
  const listeners = new Set<(e: EngineEvent) => void>();
  const emit = (e: EngineEvent) => listeners.forEach((l) => l(e));
  const syncing = new Set<string>();
  let traceId = 0;
  const engine: Engine = createEngine({
    store,
    transport,
    onEvent: (e) => {
      onSyncEvent?.(e);
      const stores = storesOf(e);
      if (stores.length === 0) return;
      const folderIds = 'folderId' in e && e.folderId ? [e.folderId] : undefined;
      emit({ type: 'changed', accountId: e.accountId, stores, folderIds: e.type === 'changes' ? folderIds : undefined });
    },
    onExchange: (x) => emit({ type: 'trace', entry: { ...x, id: ++traceId, accountId: '', at: Date.now() } }),
  });
  const changed = (accountId: string | undefined, ...stores: StoreName[]) => emit({ type: 'changed', accountId, stores });
  /** The engine names the folder an edit started from; the list of the folder mail went to is told too. */
  const arrived = (refs: readonly ItemRef[], folderId: string) => {
    for (const accountId of new Set(refs.map((r) => r.accountId)))
      emit({ type: 'changed', accountId, stores: ['items', 'folders'], folderIds: [folderId] });
  };
  addEventListener('online', () => emit({ type: 'online', online: true }));
  addEventListener('offline', () => emit({ type: 'online', online: false }));

  const sync = async (accountId: string, run: () => Promise<unknown>) => {
    syncing.add(accountId);
    emit({ type: 'sync', accountId, phase: 'start' });
    try {
      await run();
    } finally {
      syncing.delete(accountId);
      emit({ type: 'sync', accountId, phase: 'end' });
    }
  };

  const db = store.db;
  const client: EngineClient = {
    async discover(email, password) {
      try {
        return await locateServer({ email, password }, { transport });
      } catch {
        return null;
      }
    },
    async addAccount(input, onStep) {
      onStep?.('options');
      try {
        const account = await engine.addAccount({
          email: input.email,
          password: input.password,
          server: input.server,
          ssl: input.ssl,
          // Already split by the setup screen (eas/login.ts): `domain\user`, the protocol's own
          // form, carries the pair through the same rule unchanged (`\user`: no domain).
          userName: `${input.domain}\\${input.user}`,
          displayName: input.description,
          classes: input.classes,
          version: input.version,
        });
        changed(account.id, 'accounts', 'folders');
        return account;
      } catch (e) {
        if (e instanceof SyncError) throw new SetupError(SETUP_ERRORS[e.kind] ?? 'unknown', e.message);
        throw new SetupError('unknown', e instanceof Error ? e.message : String(e));
      }
    },
    async removeAccount(accountId) {
      await engine.removeAccount(accountId);
      // The runtime's own records of the account (new-mail marks, the relay registration).
      await Promise.all([forgetAccount(accountId), forgetRelay(accountId)]);
      changed(accountId, 'accounts', 'folders', 'items', 'pending', 'bodies', 'attachments', 'meta');
    },
    async updateAccount(accountId, patch) {
      const account = await db.get('accounts', accountId);
      if (!account) return;
      for (const c of SYNC_CLASSES) {
        if (patch.classes && patch.classes[c] !== account.classes[c]) await engine.setClassEnabled(accountId, c, patch.classes[c]);
        if (patch.filters && patch.filters[c] !== account.filters[c]) await engine.setFilter(accountId, c, patch.filters[c]);
      }
      if (patch.push !== undefined || patch.intervalMinutes !== undefined) {
        await engine.setPushMode(accountId, patch.push ?? account.push, patch.intervalMinutes);
      }
      if (patch.signature !== undefined) await engine.setSignature(accountId, patch.signature ?? undefined);
      changed(accountId, 'accounts', 'folders');
    },
    async setPassword(accountId, password) {
      await engine.setPassword(accountId, password);
      changed(accountId, 'accounts');
    },
    async setFolderEnabled(accountId, folderId, enabled) {
      await engine.setFolderEnabled(accountId, folderId, enabled);
      changed(accountId, 'folders');
    },
    async syncNow(accountId, folderId) {
      if (accountId && folderId) return sync(accountId, () => engine.syncFolders(accountId, [folderId]));
      const ids = accountId ? [accountId] : (await engine.accounts()).map((a) => a.id);
      await Promise.all(ids.map((id) => sync(id, () => engine.syncAccount(id))));
    },
    async fullResync(accountId, folderId) {
      await sync(accountId, () => engine.fullResync(accountId, folderId));
    },
    async markRead(refs, read) {
      for (const r of refs) await engine.markRead(r.accountId, r.itemId, read);
    },
    async setFlag(r, flag) {
      await engine.setFlag(r.accountId, r.itemId, flag);
    },
    async moveItems(refs, toFolderId) {
      for (const r of refs) await engine.moveItem(r.accountId, r.itemId, toFolderId);
      arrived(refs, toFolderId);
    },
    async undoMove(refs, fromFolderId) {
      for (const r of refs) await engine.undoMove(r.accountId, r.itemId, fromFolderId);
      arrived(refs, fromFolderId);
    },
    async deleteItems(refs) {
      for (const r of refs) await engine.deleteItem(r.accountId, r.itemId);
    },
    async sendMail(mail) {
      await engine.queueMail(mail);
      changed(mail.accountId, 'pending');
    },
    async discardOutgoing(pendingId) {
      const p = await db.get('pending', pendingId);
      if (p?.kind !== 'send') return;
      if (!(await engine.discardMail(p.accountId, pendingId))) throw new Error('the message is being sent right now');
      changed(p.accountId, 'pending');
    },
    async retryOutgoing(pendingId) {
      const p = await db.get('pending', pendingId);
      if (p?.kind !== 'send') return;
      await engine.retryMail(p.accountId, pendingId);
      changed(p.accountId, 'pending');
    },
    fetchBody: (r) => engine.openBody(r.accountId, r.folderId, r.serverId),
    fetchAttachment: (accountId, fileReference) => engine.fetchAttachment(accountId, fileReference),
    async searchMailbox(accountId, query, folderId) {
      const { hits } = await engine.searchMailbox(accountId, query, { folderId });
      return hits.map((h) => ({
        ref: h.itemId !== undefined ? { accountId, itemId: h.itemId } : undefined,
        longId: h.longId,
        folderId: h.folderId,
        serverId: h.serverId,
        email: h.email,
      }));
    },
    openSearchHit: (accountId, target) => engine.openSearchHit(accountId, target),
    async searchGal(accountId, query) {
      return [...(await engine.searchGal(accountId, query)).entries];
    },
    freeBusy: (accountId, emails, start, end) => engine.freeBusy(accountId, emails, start, end),
    senderPhotos: (accountId, emails) => engine.senderPhotos(accountId, emails),
    async saveDraft(draft) {
      await engine.saveDraft(draft);
      changed(draft.accountId, 'meta', 'items', 'pending');
    },
    async deleteDraft(accountId, id) {
      await engine.deleteDraft(accountId, id);
      changed(accountId, 'meta', 'items', 'pending');
    },
    async sendDraft(mail, draftId) {
      await engine.sendDraft(mail, draftId);
      changed(mail.accountId, 'meta', 'items', 'pending');
    },
    getOutOfOffice: (accountId) => engine.getOof(accountId),
    setOutOfOffice: (accountId, oof) => engine.setOof(accountId, oof),
    async createItem(accountId, folderId, data) {
      return { accountId, itemId: await engine.addItem(accountId, folderId, data) };
    },
    async updateItem(r, _previous, next) {
      await engine.updateItem(r.accountId, r.itemId, next);
    },
    async respondToMeeting(r, response, instance) {
      await engine.respondToMeeting(r.accountId, r.itemId, ANSWERS[response], instance);
    },
    status(): ClientStatus {
      return { online: navigator.onLine, syncing: [...syncing] };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  async function sendOutbox(accountId?: string): Promise<void> {
    const ids = accountId ? [accountId] : (await engine.accounts()).map((a) => a.id);
    await Promise.all(ids.map((id) => sync(id, () => engine.flushOutbox(id)).catch(() => undefined)));
  }
  return { client, engine, store, sendOutbox };
}
