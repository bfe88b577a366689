/**
 * What the push relay learns from each device's own EAS requests as they pass
 * through the proxy: who the device is (DeviceId, DeviceType, protocol version,
 * policy key), the folder hierarchy from its FolderSync answers, and which
 * folders it syncs. The relay never runs FolderSync or Sync itself: with the
 * device's DeviceId that would move the device's own sync state on the server.
 */
import { decodeBase64Query } from '../eas/query.ts';
import { decodeEas } from '../eas/wbxml.ts';
import type { PingFolder } from '../eas/commands/ping.ts';
import { kid, kids, path, textAt, intAt, type El } from '../wbxml/tree.ts';
import type { DeviceRecord, ProxyStore } from './state.ts';

export interface EasRequestInfo {
  readonly cmd: string;
  readonly deviceId: string;
  readonly deviceType?: string;
  readonly version?: string;
  readonly policyKey?: string;
}

/** Command and device of an EAS request, plain or base64 query (MS-ASHTTP 2.2.1.1.1.1, 2.2.1.1.1.2). */
export function easRequestInfo(search: string, headers: Record<string, string | string[] | undefined>): EasRequestInfo | undefined {
  const header = (name: string): string | undefined => {
    const v = headers[name];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const query = search.replace(/^\?/, '');
  const params = new URLSearchParams(query);
  const cmd = params.get('Cmd');
  if (cmd !== null) {
    const deviceId = params.get('DeviceId');
    if (!deviceId) return undefined;
    const version = header('ms-asprotocolversion');
    const policyKey = header('x-ms-policykey');
    const deviceType = params.get('DeviceType') ?? undefined;
    return { cmd, deviceId, ...(deviceType ? { deviceType } : {}), ...(version ? { version } : {}), ...(policyKey ? { policyKey } : {}) };
  }
  try {
    const q = decodeBase64Query(query);
    return {
      cmd: q.cmd,
      deviceId: q.deviceId,
      deviceType: q.deviceType,
      version: q.version,
      ...(q.policyKey === undefined ? {} : { policyKey: String(q.policyKey) }),
    };
  } catch {
    return undefined;
  }
}

export function deviceKey(user: string, deviceId: string): string {
  return `${user}\n${deviceId}`;
}

function decode(body: Buffer | undefined): El | undefined {
  if (!body || body.length === 0) return undefined;
  try {
    return decodeEas(new Uint8Array(body));
  } catch {
    return undefined;
  }
}

/** Folder types (MS-ASCMD 2.2.3.186.3) where new mail arrives: the Inbox (2) and user-created mail folders (12). */
const NEW_MAIL_TYPES = new Set([2, 12]);

/** Most devices remembered; beyond it the least recently seen is forgotten. */
const MAX_DEVICES = 50_000;

export class DeviceBook {
  /** In order of last request, oldest first. */
  private readonly devices = new Map<string, DeviceRecord>();

  constructor(private readonly store: ProxyStore) {}

  restore(saved: ReadonlyMap<string, DeviceRecord>): void {
    for (const [key, d] of saved) this.devices.set(key, { ...d, folders: { ...d.folders }, synced: [...d.synced] });
  }

  /** What another process of a fleet learned about the device (undefined: forgotten). */
  remote(key: string, d: DeviceRecord | undefined): void {
    if (d) this.devices.set(key, { ...d, folders: { ...d.folders }, synced: [...d.synced] });
    else this.devices.delete(key);
  }

  get(key: string): DeviceRecord | undefined {
    return this.devices.get(key);
  }

  private touch(key: string): DeviceRecord {
    const d = this.devices.get(key) ?? { folders: {}, synced: [] };
    this.devices.delete(key);
    this.devices.set(key, d);
    while (this.devices.size > MAX_DEVICES) {
      const oldest = this.devices.keys().next().value ?? '';
      this.devices.delete(oldest);
      this.store.delete('device', oldest);
    }
    return d;
  }

  /** A request of the device went out: remember how it speaks, so the relay's Ping looks like its own. */
  seen(key: string, info: EasRequestInfo, userAgent: string | undefined): void {
    const d = this.touch(key);
    const before = JSON.stringify([d.version, d.deviceType, d.policyKey, d.userAgent]);
    if (info.version) d.version = info.version;
    if (info.deviceType) d.deviceType = info.deviceType;
    if (info.policyKey) d.policyKey = info.policyKey;
    if (userAgent) d.userAgent = userAgent;
    if (JSON.stringify([d.version, d.deviceType, d.policyKey, d.userAgent]) !== before) this.store.put('device', key, d);
  }

  /**
   * A FolderSync answered: SyncKey 0 in the request starts the hierarchy afresh (MS-ASCMD 2.2.3.166.4);
   * Add, Update and Delete in the answer change it (2.2.3.7.2, 2.2.3.187, 2.2.3.42.2). Only Status 1 counts.
   */
  folderSync(key: string, request: Buffer | undefined, response: Buffer | undefined): void {
    const req = decode(request);
    const res = decode(response);
    if (res?.name !== 'FolderSync' || textAt(res, 'Status') !== '1') return;
    const d = this.touch(key);
    const folders: Record<string, number> = textAt(req, 'SyncKey') === '0' ? {} : { ...d.folders };
    const changes = kid(res, 'Changes');
    for (const c of changes ? kids(changes) : []) {
      const id = textAt(c, 'ServerId');
      if (id === undefined) continue;
      if (c.name === 'Delete') delete folders[id];
      else if (c.name === 'Add' || c.name === 'Update') folders[id] = intAt(c, 'Type') ?? folders[id] ?? 1;
    }
    const synced = d.synced.filter((id) => id in folders);
    const next = { ...d, folders, synced };
    this.devices.set(key, next);
    this.store.put('device', key, next);
  }

  /**
   * The device's own FolderCreate and FolderDelete (MS-ASCMD 2.2.1.2, 2.2.1.3): its next FolderSync
   * does not repeat them, so the folder's type comes from the request and its ServerId from the answer.
   */
  folderChange(key: string, cmd: 'FolderCreate' | 'FolderDelete', request: Buffer | undefined, response: Buffer | undefined): void {
    const req = decode(request);
    const res = decode(response);
    if (!res || res.name !== cmd || textAt(res, 'Status') !== '1') return;
    const d = this.touch(key);
    const folders = { ...d.folders };
    if (cmd === 'FolderCreate') {
      const id = textAt(res, 'ServerId');
      const type = intAt(req, 'Type');
      if (id === undefined || type === undefined) return;
      folders[id] = type;
    } else {
      const id = textAt(req, 'ServerId');
      if (id === undefined) return;
      delete folders[id];
    }
    const next = { ...d, folders, synced: d.synced.filter((id) => id in folders) };
    this.devices.set(key, next);
    this.store.put('device', key, next);
  }

  /** The CollectionIds of a Sync request (MS-ASCMD 2.2.3.30.5); they join the folders the device syncs. */
  syncRequest(key: string, request: Buffer | undefined): string[] {
    const req = decode(request);
    const collections = path(req, 'Collections');
    const ids = collections
      ? kids(collections, 'Collection')
          .map((c) => textAt(c, 'CollectionId'))
          .filter((id) => id !== undefined)
      : [];
    const d = this.touch(key);
    const added = ids.filter((id) => !d.synced.includes(id));
    if (added.length > 0) {
      d.synced.push(...added);
      this.store.put('device', key, d);
    }
    return ids;
  }

  /**
   * The folders the relay watches for this device: those it syncs where new mail arrives. A push must
   * end in a notification the user can act on (browsers show a generic one otherwise), and only new
   * mail gives one; calendar, contact and task changes come with the next sync the push or the user starts.
   */
  watchable(key: string): PingFolder[] {
    const d = this.devices.get(key);
    if (!d) return [];
    return d.synced
      .filter((id) => NEW_MAIL_TYPES.has(d.folders[id] ?? 0))
      .sort((a, b) => (d.folders[a] === 2 ? 0 : 1) - (d.folders[b] === 2 ? 0 : 1)) // the Inbox first (MaxFolders may cut the list)
      .map((id) => ({ id, class: 'Email' }));
  }
}
