/**
 * TEMPORARY: a stand-in for the sync engine until src/sync/engine.ts is wired in by the
 * lead. It never talks to a server. It applies local edits to the store and queues them
 * in `pending` the way the engine will, so the screens can be built and tested; sync,
 * search and downloads report that the engine is not connected.
 *
 * Replace with an adapter over createEngine({store, transport, ...}) (or a service
 * worker channel) implementing the same EngineClient interface.
 */
import type { Store } from '../store/db.ts';
import { randomId } from '../store/db.ts';
import type { AccountRecord, FolderRecord, ItemRecord, PendingRecord, StoreName } from '../store/schema.ts';
import { wipeAccountOps } from '../store/db.ts';
import type { AccountInput, ClientStatus, EngineClient, EngineEvent, ItemRef, OutgoingMail } from './engine-client.ts';
import { SetupError } from './engine-client.ts';
import { serverUrl } from './setup/user-name.ts';

const NOT_CONNECTED = 'the sync engine is not connected yet';

export function createStubClient(store: Store): EngineClient {
  const db = store.db;
  const listeners = new Set<(e: EngineEvent) => void>();
  const emit = (e: EngineEvent) => listeners.forEach((l) => l(e));
  const changed = (accountId: string | undefined, ...stores: StoreName[]) => emit({ type: 'changed', accountId, stores });
  addEventListener('online', () => emit({ type: 'online', online: true }));
  addEventListener('offline', () => emit({ type: 'online', online: false }));

  const queue = async (p: Omit<PendingRecord, 'createdAt' | 'attempts'>) => {
    await db.add('pending', { ...p, createdAt: Date.now(), attempts: 0 });
  };

  const patchItem = async (ref: ItemRef, patch: (i: ItemRecord) => ItemRecord) => {
    const item = await db.get('items', [ref.accountId, ref.folderId, ref.serverId]);
    if (item) await db.put('items', patch(item));
    return item;
  };

  const adjustUnread = async (accountId: string, folderId: string, delta: number) => {
    const f = await db.get('folders', [accountId, folderId]);
    if (f) await db.put('folders', { ...f, unread: Math.max(0, f.unread + delta) });
  };

  const folderOfType = async (accountId: string, type: number): Promise<FolderRecord | undefined> =>
    (await db.getAll('folders', IDBKeyRange.bound([accountId], [accountId, []]))).find((f) => f.type === type);

  const move = async (ref: ItemRef, toFolderId: string) => {
    const item = await db.get('items', [ref.accountId, ref.folderId, ref.serverId]);
    if (!item || ref.folderId === toFolderId) return;
    const tx = db.transaction(['items', 'folders'], 'readwrite');
    await tx.objectStore('items').delete([ref.accountId, ref.folderId, ref.serverId]);
    await tx.objectStore('items').put({ ...item, folderId: toFolderId, updatedAt: Date.now() });
    for (const [folderId, sign] of [[ref.folderId, -1], [toFolderId, 1]] as const) {
      const f = await tx.objectStore('folders').get([ref.accountId, folderId]);
      if (f) await tx.objectStore('folders').put({ ...f, count: f.count + sign, unread: f.unread + (item.read === 0 ? sign : 0) });
    }
    await tx.done;
    await queue({ accountId: ref.accountId, kind: 'move', folderId: ref.folderId, serverId: ref.serverId, payload: { toFolderId } });
  };

  return {
    async discover() {
      return null;
    },
    async addAccount(input: AccountInput, onStep) {
      onStep?.('options');
      if (!input.server.trim()) throw new SetupError('autodiscover', NOT_CONNECTED);
      const account: AccountRecord = {
        id: randomId(),
        email: input.email,
        displayName: input.description,
        url: serverUrl(input.server, input.ssl),
        user: input.user,
        domain: input.domain,
        password: input.password,
        deviceId: randomId(),
        deviceType: 'EasPwa',
        folderSyncKey: '0',
        classes: input.classes,
        filters: { Email: 0, Calendar: 0, Contacts: 0, Tasks: 0 },
        push: 'push',
        intervalMinutes: 15,
        state: { kind: 'ok' },
        createdAt: Date.now(),
      };
      await db.put('accounts', account);
      changed(account.id, 'accounts');
      return account;
    },
    async removeAccount(accountId) {
      await store.commit(wipeAccountOps(accountId));
      changed(accountId, 'accounts', 'folders', 'items', 'pending');
    },
    async updateAccount(accountId, patch) {
      const a = await db.get('accounts', accountId);
      if (a) await db.put('accounts', { ...a, ...patch });
      changed(accountId, 'accounts');
    },
    async setPassword(accountId, password) {
      const a = await db.get('accounts', accountId);
      if (a) await db.put('accounts', { ...a, password, state: { kind: 'ok' } });
      changed(accountId, 'accounts');
    },
    async setFolderEnabled(accountId, folderId, enabled) {
      const f = await db.get('folders', [accountId, folderId]);
      if (f) await db.put('folders', { ...f, enabled });
      changed(accountId, 'folders');
    },
    async syncNow(accountId) {
      const ids = accountId ? [accountId] : (await db.getAllKeys('accounts')).map(String);
      for (const id of ids) {
        emit({ type: 'sync', accountId: id, phase: 'start' });
        emit({ type: 'sync', accountId: id, phase: 'end' });
      }
    },
    async fullResync(accountId) {
      changed(accountId, 'folders');
    },
    async markRead(refs, read) {
      for (const ref of refs) {
        const before = await patchItem(ref, (i) => ({ ...i, read: read ? 1 : 0, data: { ...(i.data as object), read } }));
        if (before && before.read !== (read ? 1 : 0)) await adjustUnread(ref.accountId, ref.folderId, read ? -1 : 1);
        await queue({ accountId: ref.accountId, kind: 'change', folderId: ref.folderId, serverId: ref.serverId, payload: { read } });
      }
      changed(refs[0]?.accountId, 'items', 'folders', 'pending');
    },
    async setFlag(ref, flag) {
      await patchItem(ref, (i) => ({ ...i, data: { ...(i.data as object), flag: flag ?? { status: 0 } } }));
      await queue({ accountId: ref.accountId, kind: 'change', folderId: ref.folderId, serverId: ref.serverId, payload: { flag } });
      changed(ref.accountId, 'items', 'pending');
    },
    async moveItems(refs, toFolderId) {
      for (const ref of refs) await move(ref, toFolderId);
      changed(refs[0]?.accountId, 'items', 'folders', 'pending');
    },
    async deleteItems(refs) {
      for (const ref of refs) {
        const item = await db.get('items', [ref.accountId, ref.folderId, ref.serverId]);
        const trash = item?.class === 'Email' ? await folderOfType(ref.accountId, 4) : undefined;
        if (trash && trash.serverId !== ref.folderId) await move(ref, trash.serverId);
        else {
          await db.delete('items', [ref.accountId, ref.folderId, ref.serverId]);
          await queue({ accountId: ref.accountId, kind: 'delete', folderId: ref.folderId, serverId: ref.serverId, payload: null });
        }
      }
      changed(refs[0]?.accountId, 'items', 'folders', 'pending');
    },
    async sendMail(mail: OutgoingMail) {
      await queue({ accountId: mail.accountId, kind: 'send', clientId: randomId(), payload: mail });
      changed(mail.accountId, 'pending');
    },
    async discardOutgoing(pendingId) {
      await db.delete('pending', pendingId);
      changed(undefined, 'pending');
    },
    async fetchBody(ref) {
      const body = await db.get('bodies', [ref.accountId, ref.folderId, ref.serverId]);
      if (!body) throw new Error(NOT_CONNECTED);
      return body;
    },
    async fetchAttachment(accountId, fileReference) {
      const a = await db.get('attachments', [accountId, fileReference]);
      if (!a) throw new Error(NOT_CONNECTED);
      return a;
    },
    async searchMailbox() {
      return [];
    },
    async createItem(accountId, folderId, data) {
      const folder = await db.get('folders', [accountId, folderId]);
      const serverId = 'local:' + randomId(8);
      const cls = folder?.class ?? 'Email';
      await db.put('items', { accountId, folderId, serverId, class: cls, data, sortKey: stubSortKey(cls, data), updatedAt: Date.now() });
      await queue({ accountId, kind: 'add', folderId, clientId: serverId, payload: data });
      changed(accountId, 'items', 'pending');
      return { accountId, folderId, serverId };
    },
    async updateItem(ref, previous, next) {
      await patchItem(ref, (i) => ({ ...i, data: next, sortKey: stubSortKey(i.class, next), updatedAt: Date.now() }));
      await queue({ accountId: ref.accountId, kind: 'change', folderId: ref.folderId, serverId: ref.serverId, payload: { previous, next } });
      changed(ref.accountId, 'items', 'pending');
    },
    async respondToMeeting(ref, response, instance) {
      const responseType = response === 1 ? 3 : response === 2 ? 2 : 4;
      await patchItem(ref, (i) => (i.class === 'Calendar' ? { ...i, data: { ...(i.data as object), responseType } } : i));
      await queue({ accountId: ref.accountId, kind: 'meetingResponse', folderId: ref.folderId, serverId: ref.serverId, payload: { response, instance } });
      changed(ref.accountId, 'items', 'pending');
    },
    async searchGal() {
      return [];
    },
    status(): ClientStatus {
      return { online: navigator.onLine, syncing: [], stub: true };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The engine computes sort keys; this mirrors schema.ts's rule for items made here. */
function stubSortKey(cls: string, data: unknown): string {
  const d = (data ?? {}) as Record<string, unknown>;
  const pick = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : '');
  if (cls === 'Calendar') return pick(d.startTime);
  if (cls === 'Tasks') return pick(d.utcDueDate) || '~';
  if (cls === 'Contacts') return String(d.fileAs ?? [d.lastName, d.firstName].filter(Boolean).join(' ') ?? '').toLowerCase();
  return pick(d.dateReceived);
}
