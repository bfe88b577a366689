import 'fake-indexeddb/auto';
import { appendFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { crc32, decodeRecords, encodeRecord, openJournaledStore } from '../../src/cli/sync-journal.ts';
import type { WriteOp } from '../../src/store/db.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'eas-journal-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const meta = (key: string, value: unknown): WriteOp => ({ store: 'meta', op: 'put', value: { key, value } });

describe('journal records', () => {
  it('CRC-32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('reads whole records and stops at a torn or damaged one', () => {
    const a = encodeRecord({ n: 1, d: new Date(0), b: new Uint8Array([1, 2]) });
    const b = encodeRecord([meta('k', 2)]);
    const all = Buffer.concat([a, b]);
    expect(decodeRecords(all)).toEqual({ records: [{ n: 1, d: new Date(0), b: new Uint8Array([1, 2]) }, [meta('k', 2)]], torn: false });
    for (let cut = a.length + 1; cut < all.length; cut++) {
      expect(decodeRecords(all.subarray(0, cut))).toMatchObject({ records: [{ n: 1 }], torn: true });
    }
    const damaged = Buffer.from(all);
    damaged[all.length - 1] = (damaged[all.length - 1] ?? 0) ^ 0xff;
    expect(decodeRecords(damaged)).toMatchObject({ records: [{ n: 1 }], torn: true });
  });
});

describe('journaled store', () => {
  it('keeps every committed write set across runs, and compacts at start', async () => {
    const dir = await tempDir();
    let s = await openJournaledStore(dir);
    await s.store.commit([meta('a', 1)]);
    await s.store.commit([meta('b', 2), { store: 'meta', op: 'delete', key: 'a' }]);
    await s.close();
    s = await openJournaledStore(dir);
    expect(s.replayed).toBe(2);
    expect(await s.store.db.getAll('meta')).toEqual([{ key: 'b', value: 2 }]);
    await s.close();
    s = await openJournaledStore(dir);
    expect(s.replayed).toBe(0); // folded into the snapshot by the previous start
    expect(await s.store.db.getAll('meta')).toEqual([{ key: 'b', value: 2 }]);
    await s.close();
  });

  it('ignores a torn last record (killed mid-append)', async () => {
    const dir = await tempDir();
    let s = await openJournaledStore(dir);
    await s.store.commit([meta('kept', 1)]);
    await s.close();
    const torn = encodeRecord([meta('torn', 2)]);
    await appendFile(join(dir, 'journal'), torn.subarray(0, torn.length - 3));
    s = await openJournaledStore(dir);
    expect(s.torn).toBe(true);
    expect(await s.store.db.getAll('meta')).toEqual([{ key: 'kept', value: 1 }]);
    await s.store.commit([meta('after', 3)]);
    await s.close();
    s = await openJournaledStore(dir);
    expect((await s.store.db.getAll('meta')).map((m) => m.key)).toEqual(['after', 'kept']);
    await s.close();
  });

  it('ignores a journal older than the snapshot (killed between the two renames of compaction)', async () => {
    const dir = await tempDir();
    let s = await openJournaledStore(dir);
    await s.store.commit([meta('x', 1)]);
    await s.close();
    const oldJournal = await readFile(join(dir, 'journal'));
    s = await openJournaledStore(dir); // snapshot now holds x; journal reset
    await s.store.commit([{ store: 'meta', op: 'delete', key: 'x' }]);
    await s.close();
    s = await openJournaledStore(dir); // snapshot without x
    await s.close();
    await writeFile(join(dir, 'journal'), oldJournal); // an older generation's journal
    s = await openJournaledStore(dir);
    expect(s.replayed).toBe(0);
    expect(await s.store.db.getAll('meta')).toEqual([]);
    await s.close();
  });

  it('a journal cut anywhere replays to a prefix of the committed write sets', async () => {
    const dir = await tempDir();
    let s = await openJournaledStore(dir);
    for (let i = 0; i < 5; i++) await s.store.commit([meta(`k${i}`, i)]);
    await s.close();
    const full = await readFile(join(dir, 'journal'));
    const snapshot = await readFile(join(dir, 'snapshot'));
    for (let cut = 0; cut <= full.length; cut += 7) {
      await writeFile(join(dir, 'snapshot'), snapshot);
      await writeFile(join(dir, 'journal'), full);
      await truncate(join(dir, 'journal'), cut);
      s = await openJournaledStore(dir);
      const keys = (await s.store.db.getAll('meta')).map((m) => m.key);
      expect(keys).toEqual(['k0', 'k1', 'k2', 'k3', 'k4'].slice(0, keys.length));
      await s.close();
    }
  });
});
