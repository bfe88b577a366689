/**
 * Per-device protocol state: the FolderSync key and the hierarchy the device
 * holds, and for each collection the Sync key and the items the device holds.
 *
 * Changes to send are computed by comparing what the device holds (`known`:
 * ServerId -> the item's change counter when last sent) with the store now, so
 * paging, filter changes, SoftDelete and repeated requests all follow from one
 * rule instead of a change log.
 */
import type { RenderOptions } from './render.ts';
import { parseDate } from './wire.ts';
import { kid, textOf, type El } from '../src/wbxml/tree.ts';
import type { Folder, Item, ItemClass, Mailbox, Store } from './model.ts';

/** What the collection's client asked for in Options (kept between requests, MS-ASCMD 2.2.3.125.6). */
export interface CollectionOptions {
  readonly filterType: number;
  /** MS-ASCMD 2.2.3.34: 0 client wins, 1 server wins (the default). */
  readonly conflict: number;
  readonly render: RenderOptions;
  /** Supported element of the SyncKey 0 request: "ns:name" of the properties the client keeps (MS-ASCMD 2.2.3.179). */
  readonly supported?: ReadonlySet<string>;
}

export interface Snapshot {
  readonly key: string;
  readonly known: Map<string, number>;
}

export interface CollectionState {
  /** The key the client must send next; `known` is what it holds under that key. */
  current: Snapshot;
  /** The key before; a request with it repeats the latest round (MS-ASCMD 2.2.3.181.4). */
  previous?: Snapshot;
  options?: CollectionOptions;
  /** ClientId -> ServerId of every client Add, so a repeated Add is not added twice. */
  readonly clientIds: Map<string, string>;
  /** ServerIds the client deleted in the latest round: repeating that Delete is not an error. */
  lastDeleted: Set<string>;
  readonly generation: number;
  serial: number;
}

export interface PingFolder {
  readonly id: string;
  readonly cls: string;
}

export interface DeviceState {
  readonly login: string;
  readonly deviceId: string;
  deviceType: string;
  /** FolderSync key; undefined until the first FolderSync. */
  folderKey?: string;
  /** ServerId -> "parent|name|type" as last sent by FolderSync. */
  folderKnown: Map<string, string>;
  folderGeneration: number;
  folderSerial: number;
  readonly collections: Map<string, CollectionState>;
  /** The last Ping's folders and heartbeat, reused by an empty Ping (MS-ASCMD 2.2.1.13). */
  ping?: { heartbeat: number; folders: PingFolder[] };
  /** Set by a forced Status 12 fault: Sync answers 12 until the next FolderSync. */
  needFolderSync?: boolean;
  /** Ends the Ping or waiting Sync this device has open (a new one replaces it). */
  cancelWait?: () => void;
  /** The last non-empty Sync request, reused by an empty or Partial one (MS-ASCMD 2.2.1.21.1). */
  lastSync?: El;
  /** Provision: the temporary key handed out in phase 1, then the final key (MS-ASPROV 3.1.5.1). */
  pendingPolicyKey?: string;
  policyKey?: string;
  /** Remote wipe: armed by the control API, acknowledged by the device in Provision. */
  wipe: 'none' | 'armed' | 'done';
  information: Record<string, string>;
  /** ComposeMail ClientIds already sent: a repeat is refused with 118 (MS-ASCMD 2.2.3.28.1). */
  readonly sentClientIds: Set<string>;
}

export class DeviceRegistry {
  private readonly devices = new Map<string, DeviceState>();
  private generations = 0;
  private policyCounter = 0;

  get(login: string, deviceId: string, deviceType: string): DeviceState {
    const id = `${login}\u0000${deviceId}`;
    let d = this.devices.get(id);
    if (!d) {
      d = {
        login,
        deviceId,
        deviceType,
        folderKnown: new Map(),
        folderGeneration: 0,
        folderSerial: 0,
        collections: new Map(),
        wipe: 'none',
        information: {},
        sentClientIds: new Set(),
      };
      this.devices.set(id, d);
    }
    if (deviceType) d.deviceType = deviceType;
    return d;
  }

  find(login: string, deviceId: string): DeviceState | undefined {
    return this.devices.get(`${login}\u0000${deviceId}`);
  }

  all(): DeviceState[] {
    return [...this.devices.values()];
  }

  nextGeneration(): number {
    return ++this.generations;
  }

  /** Policy keys are non-zero 32-bit numbers (MS-ASPROV 2.2.2.42). */
  nextPolicyKey(): string {
    this.policyCounter++;
    return String((0x2a000000 + this.policyCounter * 7919) >>> 0);
  }
}

/** A fresh collection state as after SyncKey 0 (MS-ASCMD 2.2.3.181.4: key 0 resets). */
export function resetCollection(registry: DeviceRegistry, device: DeviceState, collectionId: string): CollectionState {
  const generation = registry.nextGeneration();
  const state: CollectionState = {
    current: { key: `${generation}.1`, known: new Map() },
    clientIds: new Map(),
    lastDeleted: new Set(),
    generation,
    serial: 1,
  };
  device.collections.set(collectionId, state);
  return state;
}

/** Moves the collection to a new key holding `known`; the old key becomes the repeatable one. */
export function advance(state: CollectionState, known: Map<string, number>): string {
  state.serial++;
  state.previous = state.current;
  state.current = { key: `${state.generation}.${state.serial}`, known };
  return state.current.key;
}

/** Which snapshot a client key names: the current one, the previous one (a repeat), or none (stale). */
export function matchKey(state: CollectionState | undefined, key: string): 'current' | 'previous' | undefined {
  if (!state) return undefined;
  if (state.current.key === key) return 'current';
  if (state.previous?.key === key) return 'previous';
  return undefined;
}

/** Undoes the latest round so a repeated request is answered again from the same starting point. */
export function rollback(state: CollectionState): void {
  if (!state.previous) return;
  state.current = state.previous;
  state.previous = undefined;
}

// ---------------------------------------------------------------- FilterType

const DAY = 86_400_000;
/** MS-ASCMD 2.2.3.68.2 FilterType: time window per value. */
const WINDOW: Record<number, number> = { 1: DAY, 2: 3 * DAY, 3: 7 * DAY, 4: 14 * DAY, 5: 31 * DAY, 6: 92 * DAY, 7: 183 * DAY };

function calendarEnd(item: Item): number | undefined {
  if (item.data.kind !== 'pim') return undefined;
  const props = item.data.props;
  const rec = props.find((p) => p.name === 'Recurrence');
  if (rec) {
    const until = parseDate(textOf(kid(rec, 'Until')) || undefined);
    // A series without Until (or with Occurrences) is treated as still running.
    return until ?? (kid(rec, 'Occurrences') ? undefined : Number.POSITIVE_INFINITY);
  }
  return parseDate(textOf(props.find((p) => p.name === 'EndTime')));
}

function taskComplete(item: Item): boolean {
  if (item.data.kind !== 'pim') return false;
  return textOf(item.data.props.find((p) => p.name === 'Complete')) === '1';
}

/**
 * Whether an item is inside the collection's FilterType window (MS-ASCMD 2.2.3.68.2):
 * Email by DateReceived, Calendar by end time (running series always), Tasks 8 = incomplete only.
 * Contacts and Notes are never filtered.
 */
export function inWindow(item: Item, cls: ItemClass, filterType: number, now: number): boolean {
  if (filterType === 0) return true;
  if (cls === 'Tasks') return filterType === 8 ? !taskComplete(item) : true;
  const span = WINDOW[filterType];
  if (span === undefined) return true;
  const cutoff = now - span;
  if (cls === 'Email') return item.data.kind === 'mail' ? item.data.date >= cutoff : true;
  if (cls === 'Calendar') {
    const end = calendarEnd(item);
    return end === undefined || end >= cutoff;
  }
  return true;
}

// ---------------------------------------------------------------- pending changes

export type Op =
  | { readonly kind: 'Add'; readonly item: Item }
  /** `since`: the item's seq when the device last got it. */
  | { readonly kind: 'Change'; readonly item: Item; readonly since: number }
  | { readonly kind: 'Delete'; readonly id: string }
  | { readonly kind: 'SoftDelete'; readonly id: string };

export interface Pending {
  readonly ops: Op[];
  /** More operations exist beyond `limit` (MS-ASCMD 2.2.3.108 MoreAvailable). */
  readonly more: boolean;
}

/**
 * The operations that bring `known` up to date with `store`, at most `limit`:
 * deletes and soft deletes first, then changes, then adds newest first.
 */
export function pendingOps(store: Store, known: ReadonlyMap<string, number>, filterType: number, now: number, limit: number): Pending {
  const ops: Op[] = [];
  const cls = store.cls;
  const full = (): boolean => ops.length > limit;
  for (const [id] of known) {
    const item = store.items.get(id);
    if (!item) ops.push({ kind: 'Delete', id });
    else if (cls && !inWindow(item, cls, filterType, now)) ops.push({ kind: 'SoftDelete', id });
    if (full()) return { ops: ops.slice(0, limit), more: true };
  }
  for (const [id, seq] of known) {
    const item = store.items.get(id);
    if (item && item.seq > seq && cls && inWindow(item, cls, filterType, now)) ops.push({ kind: 'Change', item, since: seq });
    if (full()) return { ops: ops.slice(0, limit), more: true };
  }
  const items = [...store.items.values()];
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as Item;
    if (known.has(item.id) || !cls || !inWindow(item, cls, filterType, now)) continue;
    ops.push({ kind: 'Add', item });
    if (full()) return { ops: ops.slice(0, limit), more: true };
  }
  return { ops, more: false };
}

/** The `known` map after the client applied `ops`. */
export function applyOps(known: ReadonlyMap<string, number>, ops: readonly Op[]): Map<string, number> {
  const next = new Map(known);
  for (const op of ops) {
    if (op.kind === 'Add' || op.kind === 'Change') next.set(op.item.id, op.item.seq);
    else next.delete(op.id);
  }
  return next;
}

// ---------------------------------------------------------------- hierarchy

export function folderSignature(f: Folder): string {
  return `${f.parentId}|${f.name}|${f.type}`;
}

export function hierarchySnapshot(mailbox: Mailbox): Map<string, string> {
  const m = new Map<string, string>();
  for (const [id, f] of mailbox.folders) m.set(id, folderSignature(f));
  return m;
}

/** True when the device's last FolderSync no longer matches the mailbox (Sync 12, Ping 7). */
export function hierarchyStale(device: DeviceState, mailbox: Mailbox): boolean {
  if (device.folderKey === undefined) return true;
  if (device.folderKnown.size !== mailbox.folders.size) return true;
  for (const [id, f] of mailbox.folders) if (device.folderKnown.get(id) !== folderSignature(f)) return true;
  return false;
}
