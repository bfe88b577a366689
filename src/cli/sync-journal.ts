/**
 * The CLI's durable state: fake-indexeddb keeps the store in memory, so every write
 * set is also appended to a journal file before it is applied, and replayed at the
 * next start. A run killed at any instant loses nothing that was committed.
 *
 * Files in the state directory:
 * - `snapshot`: one record, { generation, ops } with a put of every stored record;
 * - `journal`: a header record { generation }, then one record per write set.
 * A record is [u32 length][u32 CRC-32 of the payload][payload], little-endian; the
 * payload is node:v8 serialize. A torn last record (killed mid-append) fails its
 * length or checksum and is ignored, with everything after it.
 *
 * At start the state is rebuilt (snapshot, then the journal of the same generation),
 * then compacted: a new snapshot of generation + 1 is written and renamed into place,
 * then a new empty journal. A journal of an older generation than the snapshot was
 * already folded into it and is ignored.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { applyOps, everyRecordOps, openStore, randomId, type Store, type WriteOp } from '../store/db.ts';

// ------------------------------------------------------------------ records

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3), as in zip and PNG. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function encodeRecord(value: unknown): Buffer {
  const payload = serialize(value);
  const head = Buffer.alloc(8);
  head.writeUInt32LE(payload.length, 0);
  head.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([head, payload]);
}

/** The whole records at the start of `bytes`; reading stops at the first torn or damaged one. */
export function decodeRecords(bytes: Uint8Array): { records: unknown[]; torn: boolean } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: unknown[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (pos + 8 > buf.length) return { records, torn: true };
    const length = buf.readUInt32LE(pos);
    const sum = buf.readUInt32LE(pos + 4);
    const end = pos + 8 + length;
    if (end > buf.length) return { records, torn: true };
    const payload = buf.subarray(pos + 8, end);
    if (crc32(payload) !== sum) return { records, torn: true };
    try {
      records.push(deserialize(payload));
    } catch {
      return { records, torn: true };
    }
    pos = end;
  }
  return { records, torn: false };
}

// ------------------------------------------------------------------ files

async function readIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Writes a file so that it is either the old or the new one, whole: tmp, fsync, rename, fsync dir. */
function writeAtomic(dir: string, name: string, data: Uint8Array): void {
  const tmp = join(dir, `${name}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
  syncDir(dir);
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some systems cannot fsync a directory; the rename is still atomic.
  }
}

interface Snapshot {
  readonly generation: number;
  readonly ops: WriteOp[];
}

function isSnapshot(v: unknown): v is Snapshot {
  return typeof v === 'object' && v !== null && typeof (v as Snapshot).generation === 'number' && Array.isArray((v as Snapshot).ops);
}

function isHeader(v: unknown): v is { generation: number } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { generation?: unknown }).generation === 'number';
}

// ------------------------------------------------------------------ the journaled store

export interface JournaledStore {
  readonly store: Store;
  /** Write sets replayed from the journal at start, and whether its end was torn. */
  readonly replayed: number;
  readonly torn: boolean;
  close(): Promise<void>;
}

/** Opens the state in `dir` (creating it), replays and compacts it, and journals every later write set. */
export async function openJournaledStore(dir: string): Promise<JournaledStore> {
  await mkdir(dir, { recursive: true });
  let handle: FileHandle | undefined;
  const append = async (ops: readonly WriteOp[]): Promise<void> => {
    if (!handle) throw new Error('journal is not open');
    await handle.write(encodeRecord(ops));
    await handle.sync();
  };
  const store = await openStore({ name: `eas-cli-${randomId(8)}`, journal: append });
  const { generation, replayed, torn } = await replay(dir, store);
  const next = generation + 1;
  writeAtomic(dir, 'snapshot', encodeRecord({ generation: next, ops: await dump(store) } satisfies Snapshot));
  writeAtomic(dir, 'journal', encodeRecord({ generation: next }));
  handle = await open(join(dir, 'journal'), 'a');
  return {
    store,
    replayed,
    torn,
    async close() {
      await handle?.close();
      handle = undefined;
      store.close();
    },
  };
}

async function replay(dir: string, store: Store): Promise<{ generation: number; replayed: number; torn: boolean }> {
  const snapshotBytes = await readIfExists(join(dir, 'snapshot'));
  let generation = 0;
  if (snapshotBytes) {
    const [snap] = decodeRecords(snapshotBytes).records;
    if (!isSnapshot(snap)) throw new Error(`${join(dir, 'snapshot')} is damaged`);
    generation = snap.generation;
    if (snap.ops.length > 0) await applyOps(store.db, snap.ops);
  }
  const journalBytes = await readIfExists(join(dir, 'journal'));
  if (!journalBytes) return { generation, replayed: 0, torn: false };
  const { records, torn } = decodeRecords(journalBytes);
  const [header, ...sets] = records;
  if (!isHeader(header) || header.generation !== generation) return { generation, replayed: 0, torn };
  let replayed = 0;
  for (const ops of sets) {
    if (!Array.isArray(ops)) break;
    if (ops.length === 0) continue;
    try {
      await applyOps(store.db, ops as WriteOp[]);
      replayed += 1;
    } catch {
      // The store refused this write set when it was first committed, too.
    }
  }
  return { generation, replayed, torn };
}

/** Every record of the store as one write set of puts. */
async function dump(store: Store): Promise<WriteOp[]> {
  return everyRecordOps(store.db);
}
