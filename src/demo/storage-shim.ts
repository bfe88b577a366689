/**
 * MSW's cookie store asks for `localStorage` when its module is evaluated, and a
 * service worker has none (Web Storage is for windows). The mock keeps no cookies,
 * so an in-memory stand-in is enough. Imported by demo-worker.ts before anything that
 * loads MSW.
 */
class MemoryStorage {
  private readonly map = new Map<string, string>();
  get length(): number {
    return this.map.size;
  }
  key(i: number): string | null {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(k: string): string | null {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.map.set(k, String(v));
  }
  removeItem(k: string): void {
    this.map.delete(k);
  }
  clear(): void {
    this.map.clear();
  }
}

const g = globalThis as { localStorage?: unknown };
if (typeof g.localStorage === 'undefined') g.localStorage = new MemoryStorage();
