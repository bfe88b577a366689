/**
 * What the client understood, in one form: every stored item as a plain JSON object
 * under the EAS element names of its class (`eas sync --dump FILE`, CONTRACTS.md), and
 * the comparison of two such dumps field by field (the content oracle: the local store
 * against what a fresh device gets from the server).
 *
 * Only `ItemRecord.data` is dumped, the item as the server described it: the record's
 * client-local fields (sort key, updatedAt, resync generation, any client-side id) are
 * not, so they never count as a difference.
 */
import { formatAddress, type Address } from '../eas/items/addresses.ts';
import type { Store } from '../store/db.ts';
import { SYNC_CLASSES, type ItemRecord, type SyncClass } from '../store/schema.ts';

export type Json = string | number | boolean | Json[] | { [key: string]: Json };

export interface DumpLine {
  readonly class: SyncClass;
  /** The folder's ServerId. */
  readonly folder: string;
  readonly serverId: string;
  readonly fields: Record<string, Json>;
}

/**
 * Record keys whose EAS element is not the key with a capital first letter (MS-ASEMAIL
 * InternetCPID, UmCallerID; MS-ASCAL UID, AttendeeStatus/AttendeeType inside Attendee;
 * MS-ASAIRS Location for the 16.0 structured location).
 */
const ELEMENT: Readonly<Record<string, string>> = {
  internetCpid: 'InternetCPID',
  umCallerId: 'UmCallerID',
  uid: 'UID',
  locationDetails: 'Location',
  locationDetail: 'Location',
};
const ATTENDEE: Readonly<Record<string, string>> = { status: 'AttendeeStatus', type: 'AttendeeType' };

/** Mail fields that hold addresses: written as RFC 5322 address lists, as on the wire. */
const ADDRESS_FIELDS = new Set(['to', 'cc', 'bcc', 'from', 'replyTo', 'sender', 'organizer', 'forwardees']);

function elementName(key: string, parent: string | undefined): string {
  if (parent === 'Attendees' && ATTENDEE[key]) return ATTENDEE[key];
  return ELEMENT[key] ?? key.charAt(0).toUpperCase() + key.slice(1);
}

function isAddress(v: unknown): v is Address {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Address).email === 'string' &&
    Object.keys(v).every((k) => k === 'email' || k === 'name' || k === 'group')
  );
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/**
 * One value in dump form, or undefined for "nothing": absent, empty lists and objects
 * with nothing set are all the same to the user (no categories; `<Flag/>`, not flagged).
 */
function dumpValue(v: unknown, key: string | undefined, parent: string | undefined): Json | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  if (v instanceof Uint8Array) return v.length > 0 ? base64(v) : undefined;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (key !== undefined && ADDRESS_FIELDS.has(key)) {
    if (isAddress(v)) return formatAddress(v);
    if (Array.isArray(v) && v.every(isAddress)) return v.length > 0 ? v.map(formatAddress).join(', ') : undefined;
  }
  const name = key === undefined ? parent : elementName(key, parent);
  if (Array.isArray(v)) {
    // An entry of a list (an attendee, an exception) is read under the list's name.
    const list = v.map((x) => dumpValue(x, undefined, name) ?? {});
    return list.length > 0 ? list : undefined;
  }
  if (typeof v === 'object') {
    const out = dumpFields(v as Record<string, unknown>, name);
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return undefined;
}

function dumpFields(data: Record<string, unknown>, parent: string | undefined): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const key of Object.keys(data).sort()) {
    const value = dumpValue(data[key], key, parent);
    if (value !== undefined) out[elementName(key, parent)] = value;
  }
  return out;
}

/** One stored item in dump form. */
export function dumpItem(item: ItemRecord): DumpLine {
  const fields = typeof item.data === 'object' && item.data !== null ? dumpFields(item.data as Record<string, unknown>, undefined) : {};
  return { class: item.class as SyncClass, folder: item.folderId, serverId: item.serverId, fields };
}

/** Every item of the account's folders of the four synced classes, by folder and ServerId. */
export async function dumpStore(store: Store, accountId: string): Promise<DumpLine[]> {
  const range = IDBKeyRange.bound([accountId], [accountId, []]);
  const synced = new Set(
    (await store.db.getAll('folders', range))
      .filter((f) => (SYNC_CLASSES as readonly (string | undefined)[]).includes(f.class))
      .map((f) => f.serverId),
  );
  const items: ItemRecord[] = await store.db.getAll('items', range);
  return items
    .filter((i) => synced.has(i.folderId))
    .map(dumpItem)
    .sort(byKey);
}

function byKey(a: DumpLine, b: DumpLine): number {
  return a.folder.localeCompare(b.folder, 'en', { numeric: true }) || a.serverId.localeCompare(b.serverId, 'en', { numeric: true });
}

// ------------------------------------------------------------------ comparison

export interface Difference {
  readonly class: SyncClass;
  readonly folder: string;
  readonly serverId: string;
  /** The item's subject or name, to find it in the app. */
  readonly title: string;
  /** The field's path ("Subject", "Flag.Status", "Attendees[1].AttendeeStatus"); "(item)" when one side lacks the item. */
  readonly field: string;
  readonly local: Json | undefined;
  readonly server: Json | undefined;
}

export interface CompareOptions {
  /** Report items held on one side only (default true). */
  readonly membership?: boolean;
  /** Leave out a field of an item, or the whole item (field undefined), from the comparison. */
  readonly skip?: (line: DumpLine, field?: string) => boolean;
}

/** Every difference between the local dump and the server's (a fresh device's), item by item, field by field. */
export function compareDumps(local: readonly DumpLine[], server: readonly DumpLine[], options: CompareOptions = {}): Difference[] {
  const key = (l: DumpLine): string => `${l.folder}\u0000${l.serverId}`;
  const theirs = new Map(server.map((l) => [key(l), l]));
  const mine = new Map(local.map((l) => [key(l), l]));
  const out: Difference[] = [];
  const skip = options.skip ?? (() => false);
  const membership = options.membership ?? true;
  for (const l of local) {
    const s = theirs.get(key(l));
    if (skip(l)) continue;
    if (!s) {
      if (membership) out.push(difference(l, '(item)', 'held', undefined));
      continue;
    }
    for (const field of new Set([...Object.keys(l.fields), ...Object.keys(s.fields)])) {
      if (skip(l, field)) continue;
      const path = firstDifference(l.fields[field], s.fields[field], field);
      if (path) out.push(difference(l, path.path, path.local, path.server));
    }
  }
  if (membership) for (const s of server) if (!mine.has(key(s)) && !skip(s)) out.push(difference(s, '(item)', undefined, 'held'));
  return out;
}

function difference(l: DumpLine, field: string, local: Json | undefined, server: Json | undefined): Difference {
  const f = l.fields;
  const title = String(f['Subject'] ?? f['FileAs'] ?? ([f['FirstName'], f['LastName']].filter(Boolean).join(' ') || '(no title)'));
  return { class: l.class, folder: l.folder, serverId: l.serverId, title, field, local, server };
}

/** The first path where two dumped values differ, with the values there. */
function firstDifference(
  a: Json | undefined,
  b: Json | undefined,
  path: string,
): { path: string; local: Json | undefined; server: Json | undefined } | undefined {
  if (a === b) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return { path, local: a, server: b };
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A difference as one line: class, folder, title and ServerId, field, local vs server. */
export function describeDifference(d: Difference): string {
  const show = (v: Json | undefined): string => (v === undefined ? '(absent)' : JSON.stringify(v).slice(0, 160));
  return `${d.class} folder ${d.folder}, "${d.title}" (${d.serverId}): ${d.field}: local ${show(d.local)}, server ${show(d.server)}`;
}

/** How many items and fields a comparison looked at (the fuzzes' figures). */
export function countFields(lines: readonly DumpLine[]): number {
  let n = 0;
  const walk = (v: Json): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object') Object.values(v).forEach(walk);
    else n += 1;
  };
  for (const l of lines) walk(l.fields);
  return n;
}
