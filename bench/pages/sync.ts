/** The initial-sync measurement in the browser, on its own IndexedDB (bench/browser-sync.ts drives it). */
import { measureInitialSync, type PageResult } from '../sync-core.ts';

async function main(): Promise<void> {
  const q = new URLSearchParams(location.search);
  let result: PageResult;
  try {
    result = { ok: true, runs: await measureInitialSync(Number(q.get('mails') ?? 10_000), Number(q.get('pairs') ?? 7)) };
  } catch (e) {
    result = { ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
  }
  (window as unknown as { __bench: PageResult }).__bench = result;
  const state = document.getElementById('state');
  if (state) state.textContent = result.ok ? 'done' : 'failed';
}

void main();
