/**
 * The client under test, pointed at the Horde peer: the sync engine (src/sync/engine.ts) on a
 * fresh in-memory store (fake-indexeddb, as the CLI uses) over the real network, with Horde's
 * OPTIONS answer narrowed to one version so that the engine negotiates exactly that one.
 */
import 'fake-indexeddb/auto';
import type { Transport } from '../../../../src/eas/endpoint.ts';
import { folderRange, openStore, randomId, type Store } from '../../../../src/store/db.ts';
import type { FolderRecord, ItemRecord } from '../../../../src/store/schema.ts';
import { createEngine, type Engine } from '../../../../src/sync/engine.ts';
import { HORDE_URL, type HordeVersion, type PeerUser } from './peer.ts';

export interface HordeClient {
  readonly user: PeerUser;
  readonly version: HordeVersion;
  readonly engine: Engine;
  readonly store: Store;
  readonly accountId: string;
  /** Every HTTP exchange the engine made, in order: command, HTTP status (0: no answer). */
  readonly exchanges: { readonly cmd: string; readonly status: number; readonly at: number }[];
}

/** fetch, with OPTIONS' MS-ASProtocolVersions narrowed to `version` (MS-ASHTTP 2.2.4: the client picks from it). */
export function pinnedTransport(version: HordeVersion): Transport {
  return async (request) => {
    const res = await fetch(request);
    if (request.method !== 'OPTIONS') return res;
    const offered = (res.headers.get('MS-ASProtocolVersions') ?? '').split(',').map((v) => v.trim());
    if (!offered.includes(version)) throw new Error(`Horde no longer offers EAS ${version} (offers ${offered.join(', ')})`);
    const headers = new Headers(res.headers);
    headers.set('MS-ASProtocolVersions', version);
    return new Response(await res.arrayBuffer(), { status: res.status, headers });
  };
}

/** Sets the account up as a user would: the server's URL, the user name without a domain. */
export async function connectClient(user: PeerUser, version: HordeVersion): Promise<HordeClient> {
  const store = await openStore({ name: `interop-horde-${user.login}-${randomId(6)}` });
  const exchanges: HordeClient['exchanges'] = [];
  const engine = createEngine({
    store,
    transport: pinnedTransport(version),
    userAgent: 'eas-pwa-interop',
    onExchange: (e) => exchanges.push({ cmd: e.cmd, status: e.status, at: Date.now() }),
  });
  const account = await engine.addAccount({
    email: user.email,
    password: user.password,
    server: HORDE_URL,
    userName: user.login,
    defaultDomain: null,
  });
  if (account.version !== version) throw new Error(`negotiated ${account.version ?? 'nothing'}, wanted ${version}`);
  return { user, version, engine, store, accountId: account.id, exchanges };
}

export interface SyncOutcome {
  /** Folder errors by folder name. */
  readonly errors: Record<string, string>;
}

/** A sync of the whole account; the account-level sync must succeed, folder errors are returned. */
export async function syncAll(c: HordeClient): Promise<SyncOutcome> {
  const report = await c.engine.syncAccount(c.accountId);
  if (!report.ok) throw new Error(`sync failed: ${report.error?.kind}: ${report.error?.message}`);
  const byId = new Map((await folders(c)).map((f) => [f.serverId, f.displayName]));
  const errors = Object.fromEntries(report.folderErrors.map((e) => [byId.get(e.folderId) ?? e.folderId, e.message]));
  return { errors };
}

export async function folders(c: HordeClient): Promise<FolderRecord[]> {
  return c.store.db.getAll('folders', IDBKeyRange.bound([c.accountId], [c.accountId, []]));
}

/** The one folder of a FolderSync type (MS-ASCMD 2.2.3.186.3): 2 Inbox, 5 Sent, 7 Tasks, 8 Calendar, 9 Contacts. */
export async function folderOfType(c: HordeClient, type: number): Promise<FolderRecord> {
  const found = (await folders(c)).filter((f) => f.type === type);
  if (found.length !== 1) throw new Error(`${found.length} folders of type ${type}`);
  return found[0] as FolderRecord;
}

export async function folderNamed(c: HordeClient, name: string): Promise<FolderRecord> {
  const found = (await folders(c)).filter((f) => f.displayName === name);
  if (found.length !== 1) throw new Error(`${found.length} folders named ${name}`);
  return found[0] as FolderRecord;
}

export async function items(c: HordeClient, folderId: string): Promise<ItemRecord[]> {
  return c.store.db.getAll('items', folderRange(c.accountId, folderId));
}

export function close(c: HordeClient): void {
  c.store.close();
}
