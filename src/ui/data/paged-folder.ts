/**
 * A window onto one folder's items for the virtual list: rows are read in pages from
 * the byFolderSort index when the list shows them, and at most `maxPages` pages are
 * kept. After a store change the pages are re-read, while the old ones stay on screen
 * until the new ones arrive (no flicker during a sync).
 */
import type { Db } from '../../store/db.ts';
import type { ItemRecord } from '../../store/schema.ts';
import { countFolderItems, readPage, type Page } from './read.ts';

export interface PagedFolderOptions {
  readonly pageSize?: number;
  readonly maxPages?: number;
  /** Called when rows or the count changed. */
  readonly onChange: () => void;
}

export class PagedFolder {
  readonly pageSize: number;
  private readonly maxPages: number;
  private readonly onChange: () => void;
  private pages = new Map<number, Page>();
  private loading = new Set<number>();
  private generation = 0;
  private stale = new Map<number, Page>();
  count = 0;

  constructor(
    private readonly db: Db,
    readonly accountId: string,
    readonly folderId: string,
    opts: PagedFolderOptions,
  ) {
    this.pageSize = opts.pageSize ?? 100;
    this.maxPages = opts.maxPages ?? 40;
    this.onChange = opts.onChange;
  }

  /** Reads the count again and forgets the pages (they are re-read on demand). */
  async refresh(): Promise<void> {
    const gen = ++this.generation;
    const count = await countFolderItems(this.db, this.accountId, this.folderId);
    if (gen !== this.generation) return;
    this.count = count;
    for (const [p, page] of this.pages) this.stale.set(p, page);
    this.pages = new Map();
    this.loading.clear();
    this.onChange();
  }

  /** The row at a position, or undefined while its page loads (the load starts now). */
  row(index: number): ItemRecord | undefined {
    const p = Math.floor(index / this.pageSize);
    const page = this.pages.get(p);
    if (!page) void this.load(p);
    return (page ?? this.stale.get(p))?.items[index - p * this.pageSize];
  }

  /** Loads the pages of a range of rows (the visible ones plus overscan). */
  ensure(first: number, last: number): void {
    const from = Math.floor(Math.max(0, first) / this.pageSize);
    const to = Math.floor(Math.max(0, last) / this.pageSize);
    for (let p = from; p <= to; p++) if (!this.pages.has(p)) void this.load(p);
  }

  private async load(p: number): Promise<void> {
    if (this.loading.has(p) || p * this.pageSize >= Math.max(this.count, 1)) return;
    this.loading.add(p);
    const gen = this.generation;
    const prev = this.pages.get(p - 1)?.end;
    const from = prev ? { after: prev } : { offset: p * this.pageSize };
    try {
      const page = await readPage(this.db, this.accountId, this.folderId, from, this.pageSize);
      if (gen !== this.generation) return;
      this.pages.set(p, page);
      this.stale.delete(p);
      this.evict(p);
      this.onChange();
    } finally {
      if (gen === this.generation) this.loading.delete(p);
    }
  }

  /** Drops the pages farthest from the one just loaded. */
  private evict(near: number): void {
    if (this.pages.size <= this.maxPages) return;
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - near) - Math.abs(a - near));
    for (const p of far.slice(0, this.pages.size - this.maxPages)) this.pages.delete(p);
  }
}
