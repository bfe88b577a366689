/**
 * The client under test, pointed at the SOGo peer: the sync engine (src/sync/engine.ts) on a
 * fresh in-memory store (fake-indexeddb, as the CLI uses), with the real network (fetch).
 *
 * Commands the engine has no API for yet (SendMail, Ping, Search) go through the protocol
 * layer's EasClient with the engine account's own DeviceId, user and negotiated version, as
 * the engine's outbox and Ping loop will.
 *
 * The engine uses fetch, as in the product, and rides over SOGo's dead keep-alive sockets
 * (support/http.ts) with its network retry; the direct commands here, which do not retry, use
 * one connection per request (oneShotTransport).
 */
import 'fake-indexeddb/auto';
import type { EasContext, EasRequest } from '../../../src/eas/command.ts';
import { EasClient, type Transport } from '../../../src/eas/http.ts';
import type { El } from '../../../src/wbxml/tree.ts';
import { folderRange, openStore, randomId, type Store } from '../../../src/store/db.ts';
import type { AccountRecord, FolderRecord, ItemRecord } from '../../../src/store/schema.ts';
import { createEngine, type Engine } from '../../../src/sync/engine.ts';
import { oneShotTransport } from './http.ts';
import { SOGO_URL, type PeerUser, type PeerVersion } from './peer.ts';

export interface PeerClient {
  readonly user: PeerUser;
  readonly version: PeerVersion;
  readonly engine: Engine;
  readonly store: Store;
  readonly accountId: string;
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

/** Sets the account up as a user would (server URL typed, user name without domain). */
export async function connectClient(user: PeerUser, version: PeerVersion): Promise<PeerClient> {
  const store = await openStore({ name: `interop-${user.login}-${randomId(6)}` });
  const engine = createEngine({ store, transport: pinnedTransport(version), userAgent: 'eas-pwa-interop' });
  const account = await engine.addAccount({
    email: user.email,
    password: user.password,
    server: SOGO_URL,
    userName: user.login,
    defaultDomain: null,
  });
  if (account.version !== version) throw new Error(`negotiated ${account.version ?? 'nothing'}, wanted ${version}`);
  return { user, version, engine, store, accountId: account.id };
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

export async function account(c: PeerClient): Promise<AccountRecord> {
  const a = await c.store.db.get('accounts', c.accountId);
  if (!a) throw new Error(`no account ${c.accountId}`);
  return a;
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

/** The protocol client of the engine's account: same DeviceId, user, version and policy key. */
export async function easClient(c: PeerClient): Promise<EasClient> {
  const a = await account(c);
  return new EasClient(
    {
      url: a.url,
      user: a.user,
      domain: a.domain,
      credentials: { kind: 'password', password: c.user.password },
      deviceId: a.deviceId,
      deviceType: a.deviceType,
      userAgent: 'eas-pwa-interop',
      version: c.version,
      policyKey: a.policyKey,
    },
    oneShotTransport,
  );
}

/** One command through `client`: build, send, parse. */
export async function command<Q, R>(
  client: EasClient,
  build: (req: Q, ctx: EasContext) => EasRequest,
  parse: (root: El | null, ctx: EasContext) => R,
  req: Q,
): Promise<R> {
  const ctx: EasContext = { version: client.version };
  return parse(await client.send(build(req, ctx)), ctx);
}

export function close(c: PeerClient): void {
  c.store.close();
}
