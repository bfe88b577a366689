/**
 * The content oracle: the server's view of an account, taken as a fresh device takes it
 * (a new store, a full initial sync of every folder of the four classes, with the same
 * protocol version and filters), compared with a device's local store field by field, in
 * the one form of `eas sync --dump` (src/sync/dump.ts). Runs in Node with
 * fake-indexeddb; the transport is the mock's handler or real HTTP to a real server.
 */
import { openStore, randomId, type Store } from '../../src/store/db.ts';
import type { AccountSetup } from '../../src/sync/account.ts';
import {
  compareDumps,
  countFields,
  describeDifference,
  dumpStore,
  type CompareOptions,
  type Difference,
  type DumpLine,
} from '../../src/sync/dump.ts';
import { createEngine } from '../../src/sync/engine.ts';
import type { Clock } from '../../src/sync/primitives.ts';

export interface OracleResult {
  /** Every difference; the first is the one to report. */
  readonly differences: readonly Difference[];
  /** Items and leaf fields of the server's view that were compared. */
  readonly items: number;
  readonly fields: number;
  /** The fresh device's dump (the server's view). */
  readonly server: readonly DumpLine[];
  readonly local: readonly DumpLine[];
}

/** A clock that never waits (the fresh device retries nothing for long). */
function quickClock(): Clock {
  let t = Date.UTC(2026, 4, 15, 3, 0, 0);
  return { now: () => (t += 1), sleep: async (ms) => void (t += ms) };
}

/** The server's view as a fresh device syncs it: its dump, restricted to the folders the local device syncs. */
export async function serverDump(transport: (r: Request) => Promise<Response>, setup: AccountSetup): Promise<DumpLine[]> {
  const store = await openStore({ name: randomId() });
  try {
    const engine = createEngine({ store, transport, clock: quickClock(), retries: 2, backoffMs: 1 });
    const account = await engine.addAccount({ ...setup, rememberPassword: true });
    const report = await engine.syncAccount(account.id);
    if (!report.ok || report.folderErrors.length > 0)
      throw new Error(`oracle: the fresh device's sync failed: ${JSON.stringify(report.error ?? report.folderErrors)}`);
    return await dumpStore(store, account.id);
  } finally {
    store.close();
  }
}

/**
 * Compares a device's store with the server's view. `setup` is how the fresh device
 * signs in (the local account's server, user and password); its version and filters
 * are taken from the local account unless given.
 */
export async function contentOracle(
  store: Store,
  accountId: string,
  transport: (r: Request) => Promise<Response>,
  setup: AccountSetup,
  options: CompareOptions = {},
): Promise<OracleResult> {
  const account = await store.db.get('accounts', accountId);
  if (!account) throw new Error(`oracle: no account ${accountId}`);
  const version = setup.version ?? account.chosenVersion ?? account.version;
  const server = await serverDump(transport, { filters: account.filters, ...setup, ...(version && { version }) });
  return compareStore(store, accountId, server, options);
}

/** contentOracle with the server's view already taken (a server that has not changed since). */
export async function compareStore(
  store: Store,
  accountId: string,
  server: readonly DumpLine[],
  options: CompareOptions = {},
): Promise<OracleResult> {
  const local = await dumpStore(store, accountId);
  // Only folders the device syncs (a disabled folder holds nothing locally by design).
  const folders = new Set(
    (await store.db.getAll('folders', IDBKeyRange.bound([accountId], [accountId, []]))).filter((f) => f.enabled).map((f) => f.serverId),
  );
  const theirs = server.filter((l) => folders.has(l.folder));
  const differences = compareDumps(local, theirs, options);
  return { differences, items: theirs.length, fields: countFields(theirs), server: theirs, local };
}

/** Throws with the first difference (and how many there are) unless the store equals the server. */
export function assertSame(result: OracleResult, label = 'content'): void {
  const [first] = result.differences;
  if (!first) return;
  throw new Error(`${label}: ${result.differences.length} difference(s); first: ${describeDifference(first)}`);
}
