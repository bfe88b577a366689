/**
 * `eas sync --url URL --user U [--domain D] --password-env VAR --state DIR --out DIR
 *  [--export] [--dump FILE] [--filter N|Class=N,...] [--version V]` (contract: ../shared/CONTRACTS.md).
 * `--version` speaks that protocol version instead of the highest both sides speak;
 * the run fails when the server does not offer it.
 *
 * A full sync on the first run, incremental ones after: the state directory keeps
 * the store (fake-indexeddb in memory, made durable by a journal; sync-journal.ts),
 * so a run killed at any instant is finished by the next one. Writes
 * OUT/summary.json, with --export the mailbox as .eml, .vcf and .ics files, and with
 * --dump every stored item as a JSON line under its class's EAS element names
 * (src/sync/dump.ts): what the client understood, to compare with what the server holds.
 */
import 'fake-indexeddb/auto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FilterType } from '../eas/commands/sync.ts';
import { endpointUrl, type Transport } from '../eas/endpoint.ts';
import type { EasVersion } from '../eas/version.ts';
import { folderRange, type Store } from '../store/db.ts';
import { SYNC_CLASSES, type AccountRecord, type FolderRecord, type ItemRecord, type SyncClass } from '../store/schema.ts';
import { createEngine, type Engine } from '../sync/engine.ts';
import { ERROR_TEXT } from '../sync/errors.ts';
import { dumpStore } from '../sync/dump.ts';
import { contactToVcard, eventToIcs, taskToIcs } from '../sync/export.ts';
import { CliError, parseVersion, passwordFromEnv, required, UsageError } from './io.ts';
import { openJournaledStore } from './sync-journal.ts';

export const SYNC_USAGE =
  'eas sync --url URL --user U [--domain D] --password-env VAR --state DIR --out DIR [--export] [--dump FILE] [--filter N|Class=N,...] [--version V]';

export interface SyncDeps {
  /** Tests: the network (default fetch). */
  readonly transport?: Transport;
}

interface Options {
  readonly url: string;
  readonly user: string;
  readonly domain?: string;
  readonly password: string;
  readonly state: string;
  readonly out: string;
  readonly export: boolean;
  /** --dump FILE: every stored item as JSON lines. */
  readonly dump?: string;
  readonly filters: Partial<Record<SyncClass, FilterType>>;
  readonly version?: EasVersion;
}

export async function syncCommand(args: string[], deps: SyncDeps = {}): Promise<void> {
  const o = parseOptions(args);
  const transport = deps.transport ?? (await hiddenTransport(args)) ?? ((r: Request) => fetch(r));
  const state = await openJournaledStore(o.state).catch((e: unknown) => {
    throw new CliError(`${o.state}: cannot open the state (${(e as Error).message})`);
  });
  try {
    const engine = createEngine({ store: state.store, transport, password: () => o.password });
    const account = await accountFor(engine, state.store, o);
    for (let pass = 0; pass < 2; pass++) {
      // The first pass brings everything new; the second is the incremental check.
      const report = await engine.syncAccount(account.id);
      if (!report.ok)
        throw new CliError(`sync of ${o.url} failed: ${ERROR_TEXT[report.error?.kind ?? 'server']} (${report.error?.message ?? ''})`);
      if (pass === 1 && report.folderErrors.length > 0) {
        const first = report.folderErrors[0];
        throw new CliError(`sync of ${o.url}: folder ${first?.folderId} failed: ${first?.message}`);
      }
    }
    const fresh = (await state.store.db.get('accounts', account.id)) ?? account;
    await mkdir(o.out, { recursive: true });
    await writeFile(join(o.out, 'summary.json'), `${JSON.stringify(await summary(state.store, fresh), null, 1)}\n`);
    if (o.export) await exportAll(engine, state.store, fresh, o.out);
    if (o.dump !== undefined) await writeDump(state.store, fresh.id, o.dump);
  } finally {
    await state.close();
  }
}

function parseOptions(args: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        url: { type: 'string' },
        user: { type: 'string' },
        domain: { type: 'string' },
        'password-env': { type: 'string' },
        state: { type: 'string' },
        out: { type: 'string' },
        export: { type: 'boolean' },
        dump: { type: 'string' },
        filter: { type: 'string' },
        version: { type: 'string' },
        transport: { type: 'string' },
      },
      strict: true,
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}; usage: ${SYNC_USAGE}`);
  }
  return {
    url: required(values, 'url'),
    user: required(values, 'user'),
    domain: values.domain || undefined,
    password: passwordFromEnv(required(values, 'password-env')),
    state: required(values, 'state'),
    out: required(values, 'out'),
    export: values.export === true,
    dump: values.dump || undefined,
    filters: parseFilter(values.filter),
    version: parseVersion(values.version),
  };
}

/** `--filter 3` (every class) or `--filter Email=3,Calendar=6` (MS-ASCMD 2.2.3.68.2 values). */
export function parseFilter(spec: string | undefined): Partial<Record<SyncClass, FilterType>> {
  if (spec === undefined) return {};
  const value = (v: string): FilterType => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 8) throw new UsageError(`--filter: ${v} is not a FilterType (0-8)`);
    return n as FilterType;
  };
  if (/^\d+$/.test(spec.trim())) return Object.fromEntries(SYNC_CLASSES.map((c) => [c, value(spec.trim())]));
  const out: Partial<Record<SyncClass, FilterType>> = {};
  for (const part of spec.split(',')) {
    const [cls = '', v = ''] = part.split('=').map((x) => x.trim());
    if (!(SYNC_CLASSES as readonly string[]).includes(cls))
      throw new UsageError(`--filter: unknown class ${cls} (Email, Calendar, Contacts, Tasks)`);
    out[cls as SyncClass] = value(v);
  }
  return out;
}

/** Hidden, for tests and demos: `--transport mock[:SEED]` syncs with the mock server in-process. */
async function hiddenTransport(args: string[]): Promise<Transport | undefined> {
  const i = args.indexOf('--transport');
  const spec = i >= 0 ? args[i + 1] : undefined;
  if (!spec?.startsWith('mock')) return undefined;
  const { createMockServer } = await import('../../mocks/server.ts');
  return createMockServer({ seed: Number(spec.split(':')[1] ?? 1) }).handle;
}

/** The account this URL and user name already have in the state, or a new one. */
async function accountFor(engine: Engine, store: Store, o: Options): Promise<AccountRecord> {
  const key = `cli:${endpointUrl(o.url)}|${o.domain ?? ''}\\${o.user}`;
  const known = (await store.db.get('meta', key))?.value;
  const found = typeof known === 'string' ? await store.db.get('accounts', known) : undefined;
  if (found) {
    const speaks = found.chosenVersion ?? found.version;
    if (o.version !== undefined && speaks !== o.version) {
      throw new CliError(`${o.state}: this account speaks ActiveSync ${speaks ?? '?'}; use another --state for --version ${o.version}`);
    }
    for (const [cls, filter] of Object.entries(o.filters) as [SyncClass, FilterType][]) {
      if (found.filters[cls] !== filter) await engine.setFilter(found.id, cls, filter);
    }
    return found;
  }
  const host = new URL(endpointUrl(o.url)).hostname;
  try {
    const account = await engine.addAccount({
      email: o.user.includes('@') ? o.user : `${o.user}@${host}`,
      password: o.password,
      server: o.url,
      userName: o.user,
      domain: o.domain,
      defaultDomain: null,
      rememberPassword: false,
      filters: o.filters,
      version: o.version,
    });
    await store.commit([{ store: 'meta', op: 'put', value: { key, value: account.id } }]);
    return account;
  } catch (e) {
    const kind = (e as { kind?: keyof typeof ERROR_TEXT }).kind;
    throw new CliError(`${o.url}: ${kind ? ERROR_TEXT[kind] : ''} (${(e as Error).message})`);
  }
}

// ------------------------------------------------------------------ summary.json

interface Summary {
  readonly version: string;
  readonly folders: { id: string; name: string; type: number; class: SyncClass; count: number }[];
  readonly totals: Record<SyncClass, number>;
}

function syncedFolders(folders: readonly FolderRecord[]): (FolderRecord & { class: SyncClass })[] {
  return folders
    .filter((f): f is FolderRecord & { class: SyncClass } => (SYNC_CLASSES as readonly (string | undefined)[]).includes(f.class))
    .sort((a, b) => a.serverId.localeCompare(b.serverId, 'en', { numeric: true }));
}

/** `count`: items held in the local store after the sync; totals per class (CONTRACTS.md). */
async function summary(store: Store, account: AccountRecord): Promise<Summary> {
  const folders = syncedFolders(await store.db.getAll('folders', IDBKeyRange.bound([account.id], [account.id, []])));
  const totals = Object.fromEntries(SYNC_CLASSES.map((c) => [c, 0])) as Record<SyncClass, number>;
  const rows = [];
  for (const f of folders) {
    const count = await store.db.count('items', folderRange(account.id, f.serverId));
    totals[f.class] += count;
    rows.push({ id: f.serverId, name: f.displayName, type: f.type, class: f.class, count });
  }
  return { version: account.version ?? '', folders: rows, totals };
}

// ------------------------------------------------------------------ --dump

/** FILE: one JSON object per stored item, `{"class","folder","serverId","fields"}` (CONTRACTS.md). */
async function writeDump(store: Store, accountId: string, file: string): Promise<void> {
  const lines = (await dumpStore(store, accountId)).map((l) =>
    JSON.stringify({ class: l.class, folder: l.folder, serverId: l.serverId, fields: l.fields }),
  );
  await writeFile(file, lines.length > 0 ? `${lines.join('\n')}\n` : '').catch((e: unknown) => {
    throw new CliError(`${file}: cannot write the dump (${(e as Error).message})`);
  });
}

// ------------------------------------------------------------------ --export

const EXTENSION: Readonly<Record<SyncClass, string>> = { Email: 'eml', Calendar: 'ics', Contacts: 'vcf', Tasks: 'ics' };

/** A name that is safe as one path segment on every common file system. */
export function safeName(s: string): string {
  return (
    s
      .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 100) || '_'
  );
}

/** OUT/export/<class>/<folder name>-<id>/<ServerId>.<ext>; mail MIME is fetched once and kept. */
async function exportAll(engine: Engine, store: Store, account: AccountRecord, out: string): Promise<void> {
  const folders = syncedFolders(await store.db.getAll('folders', IDBKeyRange.bound([account.id], [account.id, []])));
  for (const f of folders) {
    const dir = join(out, 'export', f.class, safeName(`${f.displayName}-${f.serverId}`));
    await mkdir(dir, { recursive: true });
    const items = await store.db.getAll('items', folderRange(account.id, f.serverId));
    const path = (serverId: string): string => join(dir, `${safeName(serverId)}.${EXTENSION[f.class]}`);
    if (f.class === 'Email') {
      await exportMail(
        engine,
        account.id,
        f.serverId,
        items.map((i) => i.serverId),
        path,
      );
      continue;
    }
    for (const item of items) {
      const file = itemFile(item);
      if (file !== undefined) await writeFile(path(item.serverId), file);
    }
  }
}

/** A contact, event or task as a vCard or iCalendar file. */
function itemFile(item: ItemRecord): string | undefined {
  if (item.class === 'Contacts') return contactToVcard(item.data, item.serverId);
  if (item.class === 'Calendar') return eventToIcs(item.data, item.serverId);
  if (item.class === 'Tasks') return taskToIcs(item.data, item.serverId);
  return undefined;
}

async function exportMail(
  engine: Engine,
  accountId: string,
  folderId: string,
  serverIds: readonly string[],
  path: (id: string) => string,
): Promise<void> {
  const missing: string[] = [];
  for (const id of serverIds) if (!(await exists(path(id)))) missing.push(id);
  if (missing.length === 0) return;
  const mime = await engine.fetchBodies(accountId, folderId, missing, 4, false);
  for (const [id, text] of mime) await writeFile(path(id), text.replace(/\r?\n/g, '\r\n'));
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
