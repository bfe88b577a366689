/**
 * The client under test, pointed at the SOGo peer: the sync engine (src/sync/engine.ts) on a
 * fresh in-memory store (fake-indexeddb, as the CLI uses), with the real network (fetch), as
 * in the product. The engine rides over SOGo's dead keep-alive sockets (support/http.ts) with
 * its network retry, at the price of its first back-off (1 s) each time.
 */
import 'fake-indexeddb/auto';
import type { Transport } from '../../../src/eas/endpoint.ts';
import { folderRange, openStore, randomId, type Store } from '../../../src/store/db.ts';
import type { FolderRecord, ItemRecord } from '../../../src/store/schema.ts';
import { createEngine, type Engine } from '../../../src/sync/engine.ts';
import { SOGO_URL, type PeerUser, type PeerVersion } from './peer.ts';

export interface PeerClient {
  readonly user: PeerUser;
  readonly version: PeerVersion;
  readonly engine: Engine;
  readonly store: Store;
  readonly accountId: string;
  /** Every HTTP exchange the engine made, in order: command, HTTP status (0: no answer), when it ended. */
  readonly exchanges: { readonly cmd: string; readonly status: number; readonly at: number }[];
}

/**
 * fetch, with SOGo's OPTIONS answer narrowed to one version (MS-ASHTTP 2.2.4: the client picks
 * from MS-ASProtocolVersions), so the engine negotiates exactly `version`.
 */
export function pinnedTransport(version: PeerVersion): Transport {
  return async (request) => {
    const res = await fetch(request);
    if (request.method !== 'OPTIONS') return res;
    const offered = (res.headers.get('MS-ASProtocolVersions') ?? '').split(',').map((v) => v.trim());
    if (!offered.includes(version)) throw new Error(`SOGo no longer offers EAS ${version} (offers ${offered.join(', ')})`);
    const headers = new Headers(res.headers);
    headers.set('MS-ASProtocolVersions', version);
    return new Response(await res.arrayBuffer(), { status: res.status, headers });
  };
}

/**
 * Sets the account up as a user would (server URL typed, user name without domain). `transport`
 * replaces the direct one (push-sogo.test.ts: through `eas proxy --vault`).
 */
export async function connectClient(user: PeerUser, version: PeerVersion, transport = pinnedTransport(version)): Promise<PeerClient> {
  const store = await openStore({ name: `interop-${user.login}-${randomId(6)}` });
  const exchanges: PeerClient['exchanges'] = [];
  const engine = createEngine({
    store,
    transport,
    userAgent: 'eas-pwa-interop',
    onExchange: (e) => exchanges.push({ cmd: e.cmd, status: e.status, at: Date.now() }),
  });
  const account = await engine.addAccount({
    email: user.email,
    password: user.password,
    server: SOGO_URL,
    userName: user.login,
    defaultDomain: null,
  });
  if (account.version !== version) throw new Error(`negotiated ${account.version ?? 'nothing'}, wanted ${version}`);
  return { user, version, engine, store, accountId: account.id, exchanges };
}

/** A sync of the whole account that must succeed in every folder. */
export async function syncAll(c: PeerClient): Promise<void> {
  const report = await c.engine.syncAccount(c.accountId);
  if (!report.ok) throw new Error(`sync failed: ${report.error?.kind}: ${report.error?.message}`);
  if (report.folderErrors.length > 0) throw new Error(`folder errors: ${JSON.stringify(report.folderErrors)}`);
}

export async function syncFolders(c: PeerClient, folderIds: readonly string[]): Promise<void> {
  const report = await c.engine.syncFolders(c.accountId, folderIds);
  if (!report.ok || report.folderErrors.length > 0) {
    throw new Error(`sync of ${folderIds.join(', ')} failed: ${report.error?.message ?? JSON.stringify(report.folderErrors)}`);
  }
}

export async function folders(c: PeerClient): Promise<FolderRecord[]> {
  return c.store.db.getAll('folders', IDBKeyRange.bound([c.accountId], [c.accountId, []]));
}

/** The one folder of a FolderSync type (MS-ASCMD 2.2.3.186.3): 2 Inbox, 5 Sent, 7 Tasks, 8 Calendar, 9 Contacts. */
export async function folderOfType(c: PeerClient, type: number): Promise<FolderRecord> {
  const found = (await folders(c)).filter((f) => f.type === type);
  if (found.length !== 1) throw new Error(`${found.length} folders of type ${type}`);
  return found[0] as FolderRecord;
}

export async function items(c: PeerClient, folderId: string): Promise<ItemRecord[]> {
  return c.store.db.getAll('items', folderRange(c.accountId, folderId));
}

export function close(c: PeerClient): void {
  c.store.close();
}
