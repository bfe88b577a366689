/**
 * EngineClient over the sync engine running in this page (src/sync/engine.ts).
 * Engine events become store-change notifications for the screens; every HTTP
 * exchange goes to the protocol inspector.
 *
 * TEMPORARY parts, until the engine has them (marked below): the outbox (SendMail /
 * SmartReply / SmartForward), body and attachment downloads (ItemOperations), GAL and
 * Mailbox search, push/interval settings. Until then sends wait in `pending` as
 * OutgoingMail payloads (the engine leaves kind 'send' alone), downloads answer from
 * the store, and searches return nothing from the server.
 */
import { createEngine, type Engine, type MeetingAnswer } from '../sync/engine.ts';
import { locateServer } from '../sync/account.ts';
import { SyncError, type ErrorKind } from '../sync/errors.ts';
import type { EngineEvent as SyncEvent } from '../sync/events.ts';
import type { Transport } from '../eas/http.ts';
import { randomId, type Store } from '../store/db.ts';
import type { StoreName } from '../store/schema.ts';
import { SYNC_CLASSES } from '../store/schema.ts';
import { SetupError, type ClientStatus, type EngineClient, type EngineEvent, type SetupErrorKind } from './engine-client.ts';

const SETUP_ERRORS: Partial<Record<ErrorKind, SetupErrorKind>> = {
  'wrong-password': 'auth',
  'password-expired': 'auth',
  unreachable: 'unreachable',
  cors: 'cors',
  'not-eas': 'notEas',
  blocked: 'blocked',
  provisioning: 'blocked',
  autodiscover: 'autodiscover',
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
  }
}

export interface InPageOptions {
  readonly store: Store;
  readonly transport?: Transport;
  /** Receives the engine, for a host that drives it beyond EngineClient (the service worker's Ping steps). */
  readonly onEngine?: (engine: Engine) => void;
}

export function createInPageClient({ store, transport = (r) => fetch(r), onEngine }: InPageOptions): EngineClient {
  const listeners = new Set<(e: EngineEvent) => void>();
  const emit = (e: EngineEvent) => listeners.forEach((l) => l(e));
  const syncing = new Set<string>();
  let traceId = 0;
  const engine: Engine = createEngine({
    store,
    transport,
    onEvent: (e) => {
      const folderIds = 'folderId' in e && e.folderId ? [e.folderId] : undefined;
      emit({ type: 'changed', accountId: e.accountId, stores: storesOf(e), folderIds: e.type === 'changes' ? folderIds : undefined });
    },
    onExchange: (x) => emit({ type: 'trace', entry: { ...x, id: ++traceId, accountId: '', at: Date.now() } }),
  });
  onEngine?.(engine);
  const changed = (accountId: string | undefined, ...stores: StoreName[]) => emit({ type: 'changed', accountId, stores });
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
  return {
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
          userName: input.user,
          domain: input.domain,
          displayName: input.description,
          classes: input.classes,
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
      changed(accountId, 'accounts', 'folders', 'items', 'pending', 'bodies', 'attachments');
    },
    async updateAccount(accountId, patch) {
      const account = await db.get('accounts', accountId);
      if (!account) return;
      for (const c of SYNC_CLASSES) {
        if (patch.classes && patch.classes[c] !== account.classes[c]) await engine.setClassEnabled(accountId, c, patch.classes[c]);
        if (patch.filters && patch.filters[c] !== account.filters[c]) await engine.setFilter(accountId, c, patch.filters[c]);
      }
      if (patch.push !== undefined || patch.intervalMinutes !== undefined) {
        // TEMPORARY: the engine has no setter for these yet; they only steer the scheduler.
        const fresh = await db.get('accounts', accountId);
        if (fresh) await db.put('accounts', { ...fresh, push: patch.push ?? fresh.push, intervalMinutes: patch.intervalMinutes ?? fresh.intervalMinutes });
      }
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
    async syncNow(accountId) {
      const ids = accountId ? [accountId] : (await engine.accounts()).map((a) => a.id);
      await Promise.all(ids.map((id) => sync(id, () => engine.syncAccount(id))));
    },
    async fullResync(accountId, folderId) {
      await sync(accountId, () => engine.fullResync(accountId, folderId));
    },
    async markRead(refs, read) {
      for (const r of refs) await engine.markRead(r.accountId, r.folderId, r.serverId, read);
    },
    async setFlag(r, flag) {
      await engine.setFlag(r.accountId, r.folderId, r.serverId, flag);
    },
    async moveItems(refs, toFolderId) {
      for (const r of refs) await engine.moveItem(r.accountId, r.folderId, r.serverId, toFolderId);
    },
    async deleteItems(refs) {
      for (const r of refs) await engine.deleteItem(r.accountId, r.folderId, r.serverId);
    },
    async sendMail(mail) {
      // TEMPORARY: queued for the engine's outbox (not written yet).
      await db.add('pending', { accountId: mail.accountId, kind: 'send', clientId: randomId(), payload: mail, createdAt: Date.now(), attempts: 0 });
      changed(mail.accountId, 'pending');
    },
    async discardOutgoing(pendingId) {
      const p = await db.get('pending', pendingId);
      if (p?.kind === 'send') await db.delete('pending', pendingId);
      changed(p?.accountId, 'pending');
    },
    async fetchBody(r) {
      // TEMPORARY: ItemOperations Fetch is not in the engine yet.
      const body = await db.get('bodies', [r.accountId, r.folderId, r.serverId]);
      if (!body) throw new Error('the full message is not downloaded yet');
      return body;
    },
    async fetchAttachment(accountId, fileReference) {
      const a = await db.get('attachments', [accountId, fileReference]);
      if (!a) throw new Error('the attachment is not downloaded yet');
      return a;
    },
    async searchMailbox() {
      return [];
    },
    async searchGal() {
      return [];
    },
    async createItem(accountId, folderId, data) {
      const serverId = await engine.addItem(accountId, folderId, data);
      return { accountId, folderId, serverId };
    },
    async updateItem(r, _previous, next) {
      await engine.updateItem(r.accountId, r.folderId, r.serverId, next);
    },
    async respondToMeeting(r, response) {
      await engine.respondToMeeting(r.accountId, r.folderId, r.serverId, ANSWERS[response]);
    },
    status(): ClientStatus {
      return { online: navigator.onLine, syncing: [...syncing] };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
